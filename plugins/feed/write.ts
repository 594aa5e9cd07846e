/**
 * Every feed of the site as files: the site-wide one, and per zine issue / per category when asked.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../../src/config-load.ts';
import { ContentError } from '../../src/errors.ts';
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

/** The buildEnd work: render, emit, and report sizes. */
/** Part of the feed cache key: bump it when the feeds' output changes. */
const FEED_VERSION = '1';

/** The preview server's feeds hold the newest items only: it rebuilds them on every save. */
export const PREVIEW_FEED_ITEMS = 30;

export function writeFeeds(ctx: BuildContext, site: Site, options: FeedOptions): FeedFile[] {
  const limit = ctx.mode === 'dev' ? Math.min(options.limit ?? PREVIEW_FEED_ITEMS, PREVIEW_FEED_ITEMS) : options.limit;
  const files = cachedFeeds(ctx, site, { ...options, limit });
  for (const file of files) ctx.emit(file.path.slice(1), file.data);
  const [rss, atom, json] = files;
  const size = (f: FeedFile | undefined) => (f ? `${f.path} ${kilobytes(Buffer.byteLength(f.data))}` : '');
  ctx.log.info(`feed: ${rss?.items ?? 0} items in ${size(rss)}, ${size(atom)}, ${size(json)}`);
  const more = files.slice(3);
  if (more.length > 0) {
    const total = more.reduce((sum, f) => sum + Buffer.byteLength(f.data), 0);
    ctx.log.info(`feed: ${more.length / 3} issue/category feeds, ${more.length} files, ${kilobytes(total)}`);
  }
  return files;
}

interface CachedFeeds {
  files: FeedFile[];
  warnings: Array<{ message: string; file: string }>;
}

/**
 * The feeds from the cache when nothing they are made of changed: every page's content hash and
 * metadata, the site settings and the options. A rebuild with no change then skips re-serializing
 * every item of the site.
 */
function cachedFeeds(ctx: BuildContext, site: Site, options: FeedOptions): FeedFile[] {
  const hash = createHash('sha256').update(FEED_VERSION).update(JSON.stringify(options)).update(String(ctx.drafts));
  const { url, title, subtitle, language, author, license } = site.config;
  hash.update(JSON.stringify({ url, title, subtitle, language, author, license }));
  for (const page of site.pages) {
    if (page.kind === 'generated') continue;
    const { body, headings, wordCount, source, ...meta } = page;
    hash.update(JSON.stringify(meta)).update('\0');
  }
  const file = path.join(ctx.cacheDir('feed'), `${hash.digest('hex')}.json`);
  const cached = readCache(file);
  if (cached) {
    for (const w of cached.warnings) ctx.log.warn(w.message, { file: w.file });
    return cached.files;
  }
  const warnings: CachedFeeds['warnings'] = [];
  const log = { warn: (message: string, where?: { file: string }) => (warnings.push({ message, file: where?.file ?? '' }), ctx.log.warn(message, where)) };
  const files = buildFeeds(site, options, { drafts: ctx.drafts, log });
  // One entry per site state: the previous ones are of no use any more.
  for (const old of readdirSync(path.dirname(file))) if (old.endsWith('.json')) rmSync(path.join(path.dirname(file), old), { force: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ files, warnings } satisfies CachedFeeds));
  renameSync(temp, file);
  return files;
}

/** Another build sharing the cache may have just replaced the entry: then there is none. */
function readCache(file: string): CachedFeeds | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CachedFeeds;
  } catch {
    return undefined;
  }
}
