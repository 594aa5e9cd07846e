/**
 * Feeds put together from their items' fragments: the bytes `feed` writes for the whole document,
 * and a build after an edit serializes again only the item that changed.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { Page } from '../../src/types.ts';
import { makeConfig, makeSite } from './fixtures/site.ts';
import { WRITERS } from './formats.ts';
import { ItemFragments } from './fragments.ts';
import { feedEntries, limitEntries } from './items.ts';
import { FEED_FORMATS } from './links.ts';
import { feedSchema } from './options.ts';
import { buildFeeds, feedSets } from './write.ts';

const folders: string[] = [];
const stores: CacheStore[] = [];
afterEach(async () => {
  for (const open of stores.splice(0)) await open.flush();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every feed file option on: the site's, per zine issue and per category. */
const OPTIONS = feedSchema.parse({ perIssue: true, perCategory: true });
const log = { warn: () => {} };

/** The fixture site, each page with a content hash as the core gives it. */
function site() {
  const fixture = makeSite(makeConfig({ perIssue: true, perCategory: true }));
  for (const page of fixture.site.pages) page.contentHash = `hash-of-${page.id}`;
  return fixture.site;
}

function store() {
  const root = mkdtempSync(path.join(tmpdir(), 'solarpress-feed-fragments-'));
  folders.push(root);
  const opened = new FileCache(root).store('feed', 'test');
  stores.push(opened);
  return opened;
}

describe('feeds from fragments', () => {
  it('are byte for byte the documents `feed` writes whole, in every format and feed', () => {
    const s = site();
    const entries = feedEntries({ site: s, options: OPTIONS, drafts: false, log });
    const files = buildFeeds(s, OPTIONS, { drafts: false, log });
    let compared = 0;
    for (const { set, entries: setEntries } of feedSets(s, OPTIONS, entries)) {
      const doc = { config: s.config, set, entries: limitEntries(setEntries, OPTIONS) };
      for (const format of FEED_FORMATS) {
        const assembled = files.find((f) => f.path === set.paths[format])!.data;
        expect(assembled, `${set.paths[format]}`).toBe(WRITERS[format].document(doc));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(9); // the site's feeds, the issue's and the categories'
    // The hostile page (escaping, CDATA ends, an SVG enclosure whose type `feed` guesses wrong) is among them.
    expect(files[1]!.data).toContain('type="image/svg+xml"');
  });

  it('with no items: the document `feed` writes for none', () => {
    const s = site();
    for (const page of s.pages) page.kind = 'page';
    const files = buildFeeds(s, OPTIONS, { drafts: false, log });
    expect(files).toHaveLength(3);
    for (const [i, format] of FEED_FORMATS.entries()) {
      const set = feedSets(s, OPTIONS, [])[0]!.set;
      expect(files[i]!.data).toBe(WRITERS[format].document({ config: s.config, set, entries: [] }));
    }
  });

  it('after an edit, only the changed item is serialized again, and the feeds are those of a fresh build', () => {
    const cache = store();
    const first = new ItemFragments(cache);
    buildFeeds(site(), OPTIONS, { drafts: false, log }, first);
    const items = feedEntries({ site: site(), options: OPTIONS, drafts: false, log }).length;
    expect(first.serialized).toBe(items * FEED_FORMATS.length);

    // The next build: a new site state, one page's body and one page's title changed.
    const edited = site();
    const body = edited.pages.find((p: Page) => p.id === 'guides/yes-were-config.md')!;
    body.contentHash = 'a new body';
    const titled = edited.pages.find((p: Page) => p.id.startsWith('articles/note-'))!;
    titled.title = 'A note, renamed';
    const second = new ItemFragments(cache);
    const incremental = buildFeeds(edited, OPTIONS, { drafts: false, log }, second);
    expect(second.serialized).toBe(2 * FEED_FORMATS.length);
    expect(incremental.map((f) => f.data).join('')).toContain('A note, renamed');
    const fresh = buildFeeds(edited, OPTIONS, { drafts: false, log });
    expect(incremental).toEqual(fresh);
  });

  it('a damaged fragment in the store is made again, not published', async () => {
    const cache = store();
    const first = new ItemFragments(cache);
    const clean = buildFeeds(site(), OPTIONS, { drafts: false, log }, first);
    await cache.flush();
    const damaged = readdirSync(cache.dir).find((name) => name.startsWith('rss-'))!;
    writeFileSync(path.join(cache.dir, damaged), '<item>tampered</item>');
    const warnings: string[] = [];
    cache.warn = (message) => warnings.push(message);
    cache.startBuild();
    const second = new ItemFragments(cache);
    expect(buildFeeds(site(), OPTIONS, { drafts: false, log }, second)).toEqual(clean);
    expect(second.serialized).toBe(1);
    expect(warnings).toHaveLength(1);
  });
});
