/**
 * Lays pages out with the theme's layouts and serializes each document once.
 * A laid-out page is reused while its own body, the theme, the settings and the metadata of the
 * whole site (titles, dates, summaries… of every page: lists and menus show them) are unchanged.
 */
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import { gzipSync } from 'node:zlib';
import type { Output } from '../output.ts';
import { pageMetadata } from '../site.ts';
import type { BuildContext, LayoutContext, Page, Site, Theme } from '../types.ts';
import type { WriteBehind } from '../write-behind.ts';

export interface LaidOut {
  page: Page;
  /** Compressed page weight in bytes (document + what it loads). */
  weight: number;
}

export interface LayoutOptions {
  ctx: BuildContext;
  theme: Theme;
  site: Site;
  output: Output;
  /** Settings, theme code and asset names: anything besides the site that shapes every page. */
  settingsHash: string;
  asset(name: string): string;
  memory: LayoutMemory;
  writer: WriteBehind;
}

/** What a builder keeps between builds (the preview server's rebuilds look up memory only). */
export interface LayoutMemory {
  /** Laid-out pages by their inputs: the cache file each is published from, and its weight. */
  pages: Map<string, { file: string; weight: number }>;
  /** Cache key → weight of the pages in the cache folder, read at the first miss. */
  listing?: Map<string, number>;
  /** Inputs of the pages the last build published. */
  used?: Set<string>;
}

/** Cache files of pages no build used for this long are deleted (see prunePages). */
export const PAGE_CACHE_GRACE_MS = 60 * 60 * 1000;

export function layoutPages(options: LayoutOptions): LaidOut[] {
  const siteHash = siteFingerprint(options.site);
  const cacheDir = options.ctx.cacheDir('pages');
  const { memory } = options;
  const mode = options.ctx.mode;
  memory.used = new Set();
  const results: LaidOut[] = [];
  for (const page of options.site.pages) {
    const inputs = [options.settingsHash, siteHash, page.id, page.contentHash ?? '', mode].join('\0');
    memory.used.add(inputs);
    let entry = memory.pages.get(inputs);
    if (!entry) {
      const key = createHash('sha256').update(inputs).digest('hex');
      // The weight rides in the cached file's name: one file per page, no index to keep.
      let weight = (memory.listing ??= cacheListing(cacheDir)).get(key);
      if (weight === undefined) {
        const tree = layOut(page, options);
        const html = toHtml(tree);
        weight = weigh(tree, options.output, html);
        // Published from the cache file (flushed before the output is written), fresh or not, so an
        // unchanged site has the same output signature whichever build laid it out.
        options.writer.write(path.join(cacheDir, cacheName(mode, key, weight)), html);
      }
      entry = { file: path.join(cacheDir, cacheName(mode, key, weight)), weight };
      memory.pages.set(inputs, entry);
    }
    options.output.emitFile(page.outputPath, entry.file);
    results.push({ page, weight: entry.weight });
  }
  return results;
}

function layOut(page: Page, options: LayoutOptions): Root {
  const layout = options.theme.layouts[page.layout];
  if (!layout) throw new Error(`the theme has no layout "${page.layout}" (page ${page.id})`);
  const context: LayoutContext = {
    page,
    site: options.site,
    config: options.ctx.config,
    mode: options.ctx.mode,
    asset: options.asset,
    compressedSize: (url) => options.output.compressedSize(url),
    weigh: (tree) => weigh(tree, options.output),
  };
  return layout(context);
}

/** gzip size of the document plus the same-site resources it loads. */
export function weigh(tree: Root, output: Output, html = toHtml(tree)): number {
  const urls = new Set<string>();
  visit(tree, 'element', (node: Element) => {
    const p = node.properties;
    const rel = Array.isArray(p.rel) ? p.rel.map(String) : [];
    if (node.tagName === 'link' && (rel.includes('stylesheet') || rel.includes('icon')) && typeof p.href === 'string') urls.add(p.href);
    if ((node.tagName === 'script' || node.tagName === 'img') && typeof p.src === 'string') urls.add(p.src);
    // A browser that takes a <picture>'s first <source> (the WebP) does not load its <img>.
    if (node.tagName === 'picture') {
      const source = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'source' && typeof c.properties.srcSet !== 'undefined');
      const srcset = source ? String(Array.isArray(source.properties.srcSet) ? source.properties.srcSet[0] : source.properties.srcSet).split(/\s+/)[0] : undefined;
      if (srcset) {
        urls.add(srcset);
        return 'skip';
      }
    }
  });
  let total = gzipSync(html, { level: 9 }).byteLength;
  for (const url of urls) total += output.compressedSize(url) ?? 0;
  return total;
}

/** Metadata of every page, bodies excluded: what a layout may show of other pages. */
function siteFingerprint(site: Site): string {
  const hash = createHash('sha256');
  for (const p of site.pages) hash.update(pageMetadata(p)).update('\0');
  return hash.digest('hex');
}

/** A laid-out page's cache file: the mode (whose files a build may prune), the key, and the weight. */
const cacheName = (mode: string, key: string, weight: number) => `${mode}.${key}.${weight}.html`;
const CACHE_NAME = /^(build|dev)\.([0-9a-f]{64})\.(\d+)\.html$/;

/** key → weight of the laid-out pages in the cache: one directory read instead of a stat per page. */
function cacheListing(dir: string): Map<string, number> {
  const listing = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    const match = CACHE_NAME.exec(name);
    if (match) listing.set(match[2], Number(match[3]));
  }
  return listing;
}

/**
 * After a build: forget the laid-out pages it did not publish, and delete their cache files (of its
 * own mode) once no build has used them for PAGE_CACHE_GRACE_MS — another build over the same cache
 * may be publishing one right now. Published pages are hard links, so dist/ keeps its files.
 */
export function prunePages(memory: LayoutMemory, cacheDir: string, mode: 'build' | 'dev', now = Date.now()): void {
  const used = memory.used ?? new Set<string>();
  const keep = new Set<string>();
  for (const [inputs, entry] of memory.pages) {
    if (used.has(inputs)) keep.add(path.basename(entry.file));
    else memory.pages.delete(inputs);
  }
  for (const name of readdirSync(cacheDir)) {
    const match = CACHE_NAME.exec(name);
    if (!match || match[1] !== mode || keep.has(name)) continue;
    const file = path.join(cacheDir, name);
    try {
      if (now - statSync(file).mtimeMs < PAGE_CACHE_GRACE_MS) continue;
      rmSync(file, { force: true });
      memory.listing?.delete(match[2]);
    } catch {
      // Gone already: another build pruned it.
    }
  }
}
