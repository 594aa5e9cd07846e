/**
 * Every feed of the site as files: the site-wide one, and per zine issue / per category when asked.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../../src/config-load.ts';
import { ContentError } from '../../src/errors.ts';
import { pruneOlder } from '../../src/prune-older.js';
import { pageMetadata } from '../../src/site.ts';
import type { BuildContext, Site } from '../../src/types.ts';
import { RENDERERS } from './formats.ts';
import { feedEntries, limitEntries, type EntryContext, type FeedEntry } from './items.ts';
import { categoryFeed, FEED_FORMATS, issueFeed, siteFeed, type FeedSet } from './links.ts';
import type { FeedOptions } from './options.ts';

export interface FeedFile {
  /** Site-absolute path ('/feed.xml'). */
  path: string;
  data: string;
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

/** Renders every feed (pure: nothing is written). A ContentError when two feeds would land on the same path. */
export function buildFeeds(site: Site, options: FeedOptions, context: Omit<EntryContext, 'site' | 'options'>): FeedFile[] {
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
      files.push({ path: file, data: RENDERERS[format]({ config: site.config, set, entries: limited }), items: limited.length });
    }
  }
  return files;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Part of the feed cache key: bump it when the feeds' output changes. */
const FEED_VERSION = '2';

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
    feeds = files.map((f) => ({ path: f.path, items: f.items, bytes: Buffer.byteLength(f.data) }));
  } else {
    const cached = cachedFeeds(ctx, site, options);
    for (const feed of cached) ctx.emitFile(feed.path.slice(1), feed.file);
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

/** A feed in the cache: published from its cache file, so a no-change build reads none. */
type CachedFeed = PublishedFeed & { file: string };

interface CacheIndex {
  feeds: PublishedFeed[];
  warnings: Array<{ message: string; file: string }>;
}

/**
 * The feeds from the cache when nothing they are made of changed: every page's content hash and
 * metadata, the site settings and the options. A rebuild with no change then skips re-serializing
 * every item of the site. One folder per site state: the feeds' files and an index.
 */
function cachedFeeds(ctx: BuildContext, site: Site, options: FeedOptions): CachedFeed[] {
  const hash = createHash('sha256').update(FEED_VERSION).update(JSON.stringify(options)).update(String(ctx.drafts));
  const { url, title, subtitle, language, author, license } = site.config;
  hash.update(JSON.stringify({ url, title, subtitle, language, author, license }));
  for (const page of site.pages) {
    if (page.kind === 'generated') continue;
    hash.update(pageMetadata(page)).update('\0').update(page.contentHash ?? '').update('\0');
  }
  const cacheRoot = ctx.cacheDir('feed');
  const dir = path.join(cacheRoot, hash.digest('hex'));
  const located = (index: CacheIndex) => index.feeds.map((f) => ({ ...f, file: path.join(dir, 'files', f.path) }));
  const cached = readIndex(dir);
  if (cached) {
    for (const w of cached.warnings) ctx.log.warn(w.message, { file: w.file });
    return located(cached);
  }
  const warnings: CacheIndex['warnings'] = [];
  const log = { warn: (message: string, where?: { file: string }) => (warnings.push({ message, file: where?.file ?? '' }), ctx.log.warn(message, where)) };
  const files = buildFeeds(site, options, { drafts: ctx.drafts, log });
  const index: CacheIndex = { feeds: files.map((f) => ({ path: f.path, items: f.items, bytes: Buffer.byteLength(f.data) })), warnings };
  // Written whole beside its place and renamed in: a concurrent build sees all of it or none.
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(path.dirname(path.join(staging, 'files', f.path)), { recursive: true });
    writeFileSync(path.join(staging, 'files', f.path), f.data);
  }
  writeFileSync(path.join(staging, 'index.json'), JSON.stringify(index));
  try {
    renameSync(staging, dir);
  } catch {
    // A concurrent build wrote the same state first: its files are these.
    rmSync(staging, { recursive: true, force: true });
  }
  // Older site states are of no use once the site moved on, but two are kept: a build running at
  // the same time over the same cache may be publishing one of them.
  pruneOlder(cacheRoot, (name) => !name.endsWith('.tmp'), dir, 2);
  return located(index);
}

/** Another build sharing the cache may have just replaced the entry: then there is none. */
function readIndex(dir: string): CacheIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as CacheIndex;
    return index.feeds.every((f) => existsSync(path.join(dir, 'files', f.path))) ? index : undefined;
  } catch {
    return undefined;
  }
}
