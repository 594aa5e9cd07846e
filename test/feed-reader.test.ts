/**
 * A real feed reader subscribed to the feeds: Debian's newsboat, run non-interactively against the
 * RSS and Atom feeds served on 127.0.0.1, must hold every item with its full text. newsboat keeps
 * what it fetched in an SQLite cache, read back with the sqlite3 CLI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALTERNATIVE_TEXT, FOOTNOTE_TEXT, HOSTILE_TITLE_CLEAN, makeSite, SITE_URL } from '../plugins/feed/fixtures/site.ts';
import { feedSchema } from '../plugins/feed/options.ts';
import { buildFeeds } from '../plugins/feed/write.ts';
import { requireTools } from './support/tools.ts';

const run = promisify(execFile);
const ok = requireTools('newsboat', 'sqlite3');

interface CachedItem {
  title: string;
  url: string;
  feedurl: string;
  author: string;
  pubDate: number;
  content: string;
}

describe.skipIf(!ok)('newsboat subscribed to the feeds', () => {
  const { site, expectedOrder } = makeSite();
  const files = new Map(
    buildFeeds(site, feedSchema.parse({}), { drafts: false, log: { warn: () => {} } }).map((f) => [f.path, f.data]),
  );
  const types: Record<string, string> = { '.xml': 'application/xml', '.json': 'application/feed+json' };
  let server: Server;
  let base = '';
  let dir = '';
  let items: CachedItem[] = [];
  const unread: Record<string, string> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      const data = files.get(req.url ?? '');
      if (data === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': `${types[path.extname(req.url!)]}; charset=utf-8` }).end(data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    dir = mkdtempSync(path.join(tmpdir(), 'solarpress-newsboat-'));
    // One reader per feed: newsboat keeps one copy of an item per guid, and both feeds share guids.
    for (const feed of ['/feed.xml', '/atom.xml']) {
      const home = path.join(dir, feed.slice(1));
      mkdirSync(home);
      writeFileSync(path.join(home, 'urls'), `${base}${feed}\n`);
      writeFileSync(path.join(home, 'config'), 'download-retries 1\ndownload-timeout 30\n');
      const cache = path.join(home, 'cache.db');
      // HOME and XDG dirs in the temp dir: newsboat writes nothing outside it.
      const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
      const args = ['-u', path.join(home, 'urls'), '-c', cache, '-C', path.join(home, 'config')];
      const printed = await run('newsboat', [...args, '-x', 'reload', 'print-unread'], { env, timeout: 90_000 });
      unread[feed] = printed.stdout.trim();
      const query = 'select title, url, feedurl, author, pubDate, content from rss_item where deleted = 0';
      const { stdout } = await run('sqlite3', ['-json', cache, query], { maxBuffer: 64 * 1024 * 1024 });
      items.push(...(JSON.parse(stdout || '[]') as CachedItem[]));
    }
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
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
