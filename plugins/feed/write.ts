/**
 * Every feed of the site as files: the site-wide one, and per zine issue / per category when asked.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CONFIG_FILE } from '../../src/config-file.ts';
import { ContentError } from '../../src/errors.ts';
import { pageMetadata } from '../../src/site.ts';
import type { CacheStore } from '../../src/cache/store.js';
import type { BuildContext, Site } from '../../src/types.ts';
import { ItemFragments, StoredFragments, type FragmentPlace } from './fragments.ts';
import { feedEntries, limitEntries, type EntryContext, type FeedEntry } from './items.ts';
import { categoryFeed, FEED_FORMATS, issueFeed, siteFeed, type FeedSet } from './links.ts';
import type { FeedOptions } from './options.ts';
import { formatBytes } from '../../src/cli/bytes.ts';

export interface FeedFile {
  /** Site-absolute path ('/feed.xml'). */
  path: string;
  data: Buffer;
  /** Where its items' fragments lie in `data`. */
  places: FragmentPlace[];
  items: number;
}

/** The feeds to write: each set with its entries, empty ones left out (except the site's own). */
export function feedSets(site: Site, options: FeedOptions, entries: FeedEntry[]): { set: FeedSet; entries: FeedEntry[] }[] {
  const config = site.config;
  const sets = [{ set: siteFeed(config, options), entries }];
  if (options.perIssue) {
    for (const zine of site.zines) {
      const parts = entries.filter((e) => e.page.issue === zine.index.id);
      if (parts.length > 0) sets.push({ set: issueFeed(config, options, zine.index), entries: parts });
    }
  }
  if (options.perCategory) {
    const categories = [...new Set(entries.map((e) => e.page.category).filter((c): c is string => !!c))].sort();
    for (const category of categories) {
      const filed = entries.filter((e) => e.page.category === category);
      sets.push({ set: categoryFeed(config, options, category), entries: filed });
    }
  }
  return sets;
}

/**
 * Renders every feed (nothing is written but the items' fragments, when `fragments` has a store).
 * A ContentError when two feeds would land on the same path.
 */
export function buildFeeds(
  site: Site,
  options: FeedOptions,
  context: Omit<EntryContext, 'site' | 'options'>,
  fragments = new ItemFragments(),
): FeedFile[] {
  const entries = feedEntries({ ...context, site, options });
  const files: FeedFile[] = [];
  const seen = new Map<string, string>();
  for (const { set, entries: setEntries } of feedSets(site, options, entries)) {
    const limited = limitEntries(setEntries, options);
    for (const format of FEED_FORMATS) {
      const file = set.paths[format];
      const other = seen.get(file);
      if (other !== undefined) {
        throw new ContentError(
          `feed: "${set.title}" and "${other}" would both be written to ${file}`,
          { file: path.join(site.config.root, CONFIG_FILE) },
          'change feed.paths or feed.categoryBase so that every feed gets its own file',
        );
      }
      seen.set(file, set.title);
      files.push({ path: file, ...fragments.document(format, { config: site.config, set, entries: limited }), items: limited.length });
    }
  }
  return files;
}

/** Sizes in the summary: always KB, one decimal. */
const kilobytes = (bytes: number) => formatBytes(bytes, { decimals: 1, bytes: false, megabytes: false });

/** The feed cache's version: bump it when the feeds' output changes. */
export const FEED_VERSION = '6';

/** The preview server's feeds hold the newest items only: it rebuilds them on every save. */
export const PREVIEW_FEED_ITEMS = 30;

/** A feed as published, for the summary. */
interface PublishedFeed {
  path: string;
  items: number;
  bytes: number;
}

/**
 * The buildEnd work: render (or take from the cache), emit, and report sizes. The preview server
 * renders its short feeds on every save and keeps no cache of them: each save is a new site state.
 */
export function writeFeeds(ctx: BuildContext, site: Site, options: FeedOptions): void {
  let feeds: PublishedFeed[];
  if (ctx.mode === 'dev') {
    const limit = Math.min(options.limit ?? PREVIEW_FEED_ITEMS, PREVIEW_FEED_ITEMS);
    const files = buildFeeds(site, { ...options, limit }, { drafts: ctx.drafts, log: ctx.log });
    for (const file of files) ctx.emit(file.path.slice(1), file.data);
    feeds = files.map((f) => ({ path: f.path, items: f.items, bytes: f.data.length }));
  } else {
    const cached = cachedFeeds(ctx, site, options);
    for (const feed of cached) {
      if ('data' in feed) ctx.emit(feed.path.slice(1), feed.data, feed.hash);
      else ctx.emitFile(feed.path.slice(1), feed.file);
    }
    feeds = cached;
  }
  const [rss, atom, json] = feeds;
  const size = (f: PublishedFeed | undefined) => (f ? `${f.path} ${kilobytes(f.bytes)}` : '');
  ctx.log.info(`feed: ${rss?.items ?? 0} items in ${size(rss)}, ${size(atom)}, ${size(json)}`);
  const more = feeds.slice(3);
  if (more.length > 0) {
    const total = more.reduce((sum, f) => sum + f.bytes, 0);
    ctx.log.info(`feed: ${more.length / 3} issue/category feeds, ${more.length} files, ${kilobytes(total)}`);
  }
}

/**
 * A feed in the cache: published from its entry (verified on the way out), so a no-change build
 * reads none; or, when this build made it, from the bytes it made, with the hash the store computed
 * for them, so that they are neither hashed again nor read back from an entry that could be altered.
 */
type CachedFeed = PublishedFeed & ({ file: string } | { data: Buffer; hash: string });

interface CacheIndex {
  /** Each feed with the name of the entry holding it. */
  feeds: Array<PublishedFeed & { entry: string }>;
  warnings: Array<{ message: string; file: string }>;
}

/** The key of the last site state a build wrote feeds for: the next one takes its items from those. */
const LATEST = 'latest';

/**
 * Feed documents are kept for the last state written only (each key's new entry replaces the old):
 * a full-content feed is megabytes, and an edit writes all of it again. A state whose documents are
 * gone is a miss, and the edit that returns to it serializes only what differs from the last one.
 * Two states may have the same documents (a setting that changes every page's content hash but no
 * feed byte): each keeps its own table of where its items lie, keyed by that state's item keys.
 */
const documentKey = (feed: number) => `document-${feed}`;
const placesKey = (state: string) => `${state}-places`;

/**
 * The feeds from the cache when nothing they are made of changed: every page's content hash and
 * metadata, the site settings and the options. A rebuild with no change then reads none of it. An
 * entry per feed file, one of where the items' fragments lie in them (fragments.ts) and, written
 * last, an index of them per site state.
 */
function cachedFeeds(ctx: BuildContext, site: Site, options: FeedOptions): CachedFeed[] {
  // One string hashed at once: an update() per page costs more than the hashing.
  const parts = [JSON.stringify(options), String(ctx.drafts)];
  const { url, title, subtitle, language, author, license } = site.config;
  parts.push(JSON.stringify({ url, title, subtitle, language, author, license }));
  for (const page of site.pages) {
    if (page.kind === 'generated') continue;
    // Enclosures of files other plugins publish for the page (the zine's EPUB: its size changes with it).
    parts.push(pageMetadata(page), page.contentHash ?? '', JSON.stringify(site.attachments?.get(page.id) ?? []));
  }
  const state = createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
  const store = ctx.cache('feed', FEED_VERSION);
  const cached = readIndex(store, state);
  if (cached) {
    for (const w of cached.index.warnings) ctx.log.warn(w.message, { file: w.file });
    // Kept while in use: the next edit takes its items from these documents.
    store.find(placesKey(state));
    if (store.get(LATEST)?.toString('utf8') !== state) store.put(LATEST, state);
    return cached.feeds;
  }
  const warnings: CacheIndex['warnings'] = [];
  const log = { warn: (message: string, where?: { file: string }) => (warnings.push({ message, file: where?.file ?? '' }), ctx.log.warn(message, where)) };
  // A changed site state: the items that did not change are not serialized again.
  const files = buildFeeds(site, options, { drafts: ctx.drafts, log }, new ItemFragments(earlierFragments(store)));
  const feeds = files.map((f, i) => {
    const entry = store.putLater(documentKey(i), f.data);
    return { path: f.path, items: f.items, bytes: f.data.length, entry: entry.name, data: f.data, hash: entry.hash };
  });
  store.putLater(placesKey(state), JSON.stringify(files.map((f) => f.places)));
  const index: CacheIndex = { feeds: feeds.map(({ data, hash, ...feed }) => feed), warnings };
  store.put(state, JSON.stringify(index));
  store.put(LATEST, state);
  return feeds;
}

/** The index of a site state and its feeds' entries, if all are there (their bytes are verified when published). */
function readIndex(store: CacheStore, state: string): { index: CacheIndex; feeds: CachedFeed[] } | undefined {
  const index = store.getJson(state) as CacheIndex | undefined;
  if (!index) return undefined;
  const feeds: CachedFeed[] = [];
  for (const [i, feed] of index.feeds.entries()) {
    const entry = store.find(documentKey(i));
    if (entry?.name !== feed.entry) return undefined;
    feeds.push({ path: feed.path, items: feed.items, bytes: feed.bytes, file: entry.file });
  }
  return { index, feeds };
}

/** The item fragments in the documents of the last state a build wrote, if its index and places are there. */
function earlierFragments(store: CacheStore): StoredFragments | undefined {
  const state = store.get(LATEST)?.toString('utf8');
  const index = state === undefined ? undefined : (store.getJson(state) as CacheIndex | undefined);
  const places = index && (store.getJson(placesKey(state!)) as FragmentPlace[][] | undefined);
  if (!index || !places || places.length !== index.feeds.length) return undefined;
  return new StoredFragments(store, index.feeds.map((feed, i) => ({ key: documentKey(i), name: feed.entry, places: places[i]! })));
}
