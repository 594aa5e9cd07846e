/**
 * A real feed reader subscribed to the feeds: Debian's newsboat, run non-interactively against the
 * RSS and Atom feeds served on 127.0.0.1, must hold every item with its full text. newsboat keeps
 * what it fetched in an SQLite cache, read back with the sqlite3 CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALTERNATIVE_TEXT, FOOTNOTE_TEXT, HOSTILE_TITLE_CLEAN, makeSite, SITE_URL } from '../plugins/feed/fixtures/site.ts';
import { serve, subscribe, type CachedItem, type StaticServer } from '../plugins/feed/fixtures/newsboat.ts';
import { feedSchema } from '../plugins/feed/options.ts';
import { buildFeeds } from '../plugins/feed/write.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('newsboat', 'sqlite3');

describe.skipIf(!ok)('newsboat subscribed to the feeds', () => {
  const { site, expectedOrder } = makeSite();
  const files = new Map(
    buildFeeds(site, feedSchema.parse({}), { drafts: false, log: { warn: () => {} } }).map((f) => [f.path, f.data]),
  );
  let server: StaticServer;
  let base = '';
  const items: CachedItem[] = [];
  const unread: Record<string, string> = {};

  beforeAll(async () => {
    server = await serve((urlPath) => files.get(urlPath));
    base = server.base;
    // One reader per feed: newsboat keeps one copy of an item per guid, and both feeds share guids.
    for (const feed of ['/feed.xml', '/atom.xml']) {
      const subscription = await subscribe(base + feed);
      unread[feed] = subscription.unread;
      items.push(...subscription.items);
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  const expectedUrls = expectedOrder.map((u) => SITE_URL + u);

  it('fetched every item of both feeds', () => {
    for (const feed of ['/feed.xml', '/atom.xml']) {
      expect(unread[feed]).toBe(`${expectedUrls.length} unread articles`);
      const fromFeed = items.filter((i) => i.feedurl === base + feed);
      expect(fromFeed.map((i) => i.url).sort(), feed).toEqual([...expectedUrls].sort());
    }
  });

  it('holds each item’s full text and title', () => {
    for (const feed of ['/feed.xml', '/atom.xml']) {
      const byUrl = new Map(items.filter((i) => i.feedurl === base + feed).map((i) => [i.url, i]));
      for (const url of expectedUrls) {
        const page = site.byUrl.get(url.slice(SITE_URL.length))!;
        const item = byUrl.get(url)!;
        expect(item.title, `${feed} ${url}`).toBe(page.title.startsWith('Fish') ? HOSTILE_TITLE_CLEAN : page.title);
        expect(item.content.length, `${feed} ${url}`).toBeGreaterThan(0);
      }
      const alternative = byUrl.get(`${SITE_URL}/zine/ilu-9/alternative/`)!;
      expect(alternative.content).toContain(ALTERNATIVE_TEXT);
      expect(alternative.content).toContain(FOOTNOTE_TEXT);
      expect(alternative.content).toContain(`src="${SITE_URL}/media/servers.4f2a.png"`);
      expect(alternative.content).toContain(`href="${SITE_URL}/zine/ilu-9/alternative/#user-content-fn-1"`);
      const notes = [...byUrl.values()].filter((i) => i.url.includes('/note-'));
      for (const note of notes) expect(note.content).toContain(`Short note number ${note.title.slice(5)}.`);
    }
  });

  it('dates the items as published', () => {
    const guide = items.find((i) => i.url === `${SITE_URL}/yes-were-config/` && i.feedurl === `${base}/feed.xml`)!;
    expect(new Date(guide.pubDate * 1000).toISOString()).toBe('2018-06-10T00:00:00.000Z');
    const hostile = items.find((i) => i.url === `${SITE_URL}/hostile/` && i.feedurl === `${base}/atom.xml`)!;
    expect(new Date(hostile.pubDate * 1000).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
