/**
 * Lays pages out with the theme's layouts and serializes each document once.
 * A laid-out page is reused while its own body and metadata, the theme, the settings and what its
 * layout shows of the rest of the site are unchanged: what the layout's `reads` names, or, for a
 * layout that declares nothing, the metadata of every page (titles, dates, summaries…).
 */
import { hash } from 'node:crypto';
import type { Element, Root, Text } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { gzipSync } from 'node:zlib';
import { SKIP, walkElements } from '../markdown/walk.ts';
import type { Output } from '../output.ts';
import { pageMetadata } from '../site.ts';
import type { BuildContext, LayoutContext, Page, Site, Theme } from '../types.ts';

export interface LaidOut {
  page: Page;
  /** Compressed page weight in bytes (document + what it loads). */
  weight: number;
  /** Laid out by this build (not found in the cache). */
  fresh: boolean;
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
}

/** What a builder keeps between builds (the preview server's rebuilds look up memory only). */
export interface LayoutMemory {
  /** Laid-out pages by the hash of their inputs: the cache entry each is published from, and its weight. */
  pages: Map<string, { file: string; weight: number }>;
}

/** Bump when laid-out pages are stored differently. */
const PAGES_VERSION = '2';

/** The store of laid-out pages: the preview's apart, so that each prunes only its own. */
export const pageStore = (mode: 'build' | 'dev') => (mode === 'dev' ? 'preview-pages' : 'pages');

export function layoutPages(options: LayoutOptions): LaidOut[] {
  const { site, theme } = options;
  let wholeSite: string | undefined;
  const store = options.ctx.cache(pageStore(options.ctx.mode), PAGES_VERSION);
  const { memory } = options;
  const used = new Set<string>();
  const results: LaidOut[] = [];
  for (const page of site.pages) {
    const reads = theme.layouts[page.layout]?.reads;
    const inputs = [options.settingsHash, page.id, page.contentHash ?? '', pageMetadata(page)];
    if (reads) {
      const { pages, shared } = reads(page, site);
      inputs.push('reads', shared);
      for (const p of pages) inputs.push(p.id, metadataDigest(p));
    } else inputs.push('site', (wholeSite ??= siteFingerprint(site)));
    const key = hash('sha256', inputs.join('\0')).slice(0, 32);
    used.add(key);
    let entry = memory.pages.get(key);
    let fresh = false;
    if (!entry) {
      // The weight rides in the entry's name: one file per page, looked up in one directory listing.
      let stored = store.find(key);
      if (!stored || !/^\d+$/.test(stored.suffix ?? '')) {
        const { html, weight } = layOut(page, options);
        // Published from the cache entry (written before the output is), fresh or not, so an
        // unchanged site has the same output signature whichever build laid it out.
        stored = store.putLater(key, html, { suffix: String(weight) });
        fresh = true;
      }
      entry = { file: stored.file, weight: Number(stored.suffix) };
      memory.pages.set(key, entry);
    }
    options.output.emitFile(page.outputPath, entry.file);
    results.push({ page, weight: entry.weight, fresh });
  }
  // What this build did not publish is forgotten (its entry stays until the store is pruned).
  for (const key of memory.pages.keys()) if (!used.has(key)) memory.pages.delete(key);
  return results;
}

/** A page laid out and serialized, with its weight. */
export function layOut(page: Page, options: Pick<LayoutOptions, 'ctx' | 'theme' | 'site' | 'output' | 'asset'>): { html: string; weight: number } {
  const layout = options.theme.layouts[page.layout];
  if (!layout) throw new Error(`the theme has no layout "${page.layout}" (page ${page.id})`);
  let measured: { tree: Root; html: string; weight: number; figure: Text; standIn: string } | undefined;
  const context: LayoutContext = {
    page,
    site: options.site,
    config: options.ctx.config,
    mode: options.ctx.mode,
    asset: options.asset,
    compressedSize: (url) => options.output.compressedSize(url),
    weigh: (tree, figure) => {
      const html = toHtml(tree);
      const weight = weigh(tree, options.output, html);
      measured = figure && { tree, html, weight, figure, standIn: figure.value };
      return weight;
    },
  };
  const tree = layout(context);
  if (measured?.tree === tree) {
    const html = replaceText(measured.html, measured.standIn, measured.figure.value);
    if (html !== undefined) return { html, weight: measured.weight };
  }
  const html = toHtml(tree);
  return { html, weight: weigh(tree, options.output, html) };
}

/**
 * `html` with the text `before` written as `after`, where `before` is found once and both are
 * written as they are (nothing to escape, so the same in any element); else undefined.
 */
function replaceText(html: string, before: string, after: string): string | undefined {
  if (!before || toHtml({ type: 'text', value: before }) !== before || toHtml({ type: 'text', value: after }) !== after) return undefined;
  const at = html.indexOf(before);
  if (at < 0 || html.includes(before, at + 1)) return undefined;
  return html.slice(0, at) + after + html.slice(at + before.length);
}

/** gzip size of the document plus the same-site resources it loads. */
export function weigh(tree: Root, output: Output, html = toHtml(tree)): number {
  const urls = new Set<string>();
  walkElements(tree, (node) => {
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
        return SKIP;
      }
    }
  });
  let total = gzipSync(html, { level: 9 }).byteLength;
  for (const url of urls) total += output.compressedSize(url) ?? 0;
  return total;
}

/** Metadata of every page, bodies excluded: what a layout may show of other pages. */
function siteFingerprint(site: Site): string {
  return hash('sha256', site.pages.map(metadataDigest).join('\0'));
}

/**
 * A page's metadata, digested: a list that shows hundreds of pages hashes a short digest of each
 * (made once per page object), not each one's JSON again.
 */
function metadataDigest(page: Page): string {
  let digest = digests.get(page);
  if (digest === undefined) {
    digest = hash('sha256', pageMetadata(page));
    digests.set(page, digest);
  }
  return digest;
}
const digests = new WeakMap<Page, string>();
