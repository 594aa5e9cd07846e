/**
 * Feeds put together from their items' fragments: the bytes `feed` writes for the whole document,
 * and a build after an edit serializes again only the item that changed, taking the others from the
 * documents the last build kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { Page } from '../../src/types.ts';
import { makeConfig, makeSite } from './fixtures/site.ts';
import { WRITERS } from './formats.ts';
import { ItemFragments, StoredFragments, type StoredDocument } from './fragments.ts';
import { feedEntries, limitEntries } from './items.ts';
import { FEED_FORMATS } from './links.ts';
import { feedSchema } from './options.ts';
import { buildFeeds, feedSets, type FeedFile } from './write.ts';

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

/** The documents of a build kept in the store, as the next build finds them. */
function keep(cache: CacheStore, files: FeedFile[]): StoredDocument[] {
  return files.map((file, i) => ({ key: `doc-${i}`, name: cache.put(`doc-${i}`, file.data).name, places: file.places }));
}

describe('feeds from fragments', () => {
  it('are byte for byte the documents `feed` writes whole, in every format and feed, with each fragment where it says', () => {
    const s = site();
    const entries = feedEntries({ site: s, options: OPTIONS, drafts: false, log });
    const files = buildFeeds(s, OPTIONS, { drafts: false, log });
    let compared = 0;
    for (const { set, entries: setEntries } of feedSets(s, OPTIONS, entries)) {
      const doc = { config: s.config, set, entries: limitEntries(setEntries, OPTIONS) };
      for (const format of FEED_FORMATS) {
        const file = files.find((f) => f.path === set.paths[format])!;
        expect(file.data.toString('utf8'), `${set.paths[format]}`).toBe(WRITERS[format].document(doc));
        expect(file.places.map(([, start, end]) => file.data.toString('utf8', start, end))).toEqual(
          doc.entries.map((entry) => WRITERS[format].fragment(doc, entry)),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(9); // the site's feeds, the issue's and the categories'
    // The hostile page (escaping, CDATA ends, an SVG enclosure whose type `feed` guesses wrong) is among them.
    expect(files[1]!.data.toString('utf8')).toContain('type="image/svg+xml"');
  });

  it('with no items: the document `feed` writes for none', () => {
    const s = site();
    for (const page of s.pages) page.kind = 'page';
    const files = buildFeeds(s, OPTIONS, { drafts: false, log });
    expect(files).toHaveLength(3);
    for (const [i, format] of FEED_FORMATS.entries()) {
      const set = feedSets(s, OPTIONS, [])[0]!.set;
      expect(files[i]!.data.toString('utf8')).toBe(WRITERS[format].document({ config: s.config, set, entries: [] }));
    }
  });

  it('after an edit, only the changed item is serialized again, and the feeds are those of a fresh build', () => {
    const cache = store();
    const first = new ItemFragments();
    const kept = keep(cache, buildFeeds(site(), OPTIONS, { drafts: false, log }, first));
    const items = feedEntries({ site: site(), options: OPTIONS, drafts: false, log }).length;
    expect(first.serialized).toBe(items * FEED_FORMATS.length);

    // The next build: a new site state, one page's body and one page's title changed.
    const edited = site();
    const body = edited.pages.find((p: Page) => p.id === 'guides/yes-were-config.md')!;
    body.contentHash = 'a new body';
    const titled = edited.pages.find((p: Page) => p.id.startsWith('articles/note-'))!;
    titled.title = 'A note, renamed';
    cache.startBuild();
    const second = new ItemFragments(new StoredFragments(cache, kept));
    const incremental = buildFeeds(edited, OPTIONS, { drafts: false, log }, second);
    expect(second.serialized).toBe(2 * FEED_FORMATS.length);
    expect(incremental.map((f) => f.data.toString('utf8')).join('')).toContain('A note, renamed');
    const fresh = buildFeeds(edited, OPTIONS, { drafts: false, log });
    expect(incremental).toEqual(fresh);
  });

  it('a damaged document in the store is not published from: its items come from another document or are made again', () => {
    const cache = store();
    const clean = buildFeeds(site(), OPTIONS, { drafts: false, log });
    const kept = keep(cache, clean);
    // Every RSS document but the last category's damaged: that one's items are taken from it, the others made again.
    const rss = kept.filter((_, i) => i % 3 === 0);
    const survivor = rss.at(-1)!;
    const damaged = rss.slice(0, -1);
    const kept0 = new Set(survivor.places.map(([key]) => key));
    const again = new Set(rss.flatMap((d) => d.places.map(([key]) => key)).filter((key) => !kept0.has(key))).size;
    expect(again).toBeGreaterThan(0);
    expect(kept0.size).toBeGreaterThan(0);
    for (const document of damaged) {
      const file = path.join(cache.dir, document.name);
      writeFileSync(file, readFileSync(file, 'utf8').replace('<item>', '<item><title>tampered</title>'));
    }
    const warnings: string[] = [];
    cache.warn = (message) => warnings.push(message);
    cache.startBuild();
    const second = new ItemFragments(new StoredFragments(cache, kept));
    expect(buildFeeds(site(), OPTIONS, { drafts: false, log }, second)).toEqual(clean);
    expect(second.serialized).toBe(again);
    expect(warnings).toHaveLength(damaged.length);
  });
});
