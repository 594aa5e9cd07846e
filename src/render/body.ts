/**
 * Renders page bodies (Markdown → hast) through the body processor, with an incremental cache.
 * A cached body is reused only while every input it recorded is unchanged: its source and settings
 * (the key), the permalinks it links to, and the bytes of the files it used. Files it emitted and
 * warnings it raised are replayed.
 */
import { createHash, hash as digest } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Root as HastRoot, RootContent } from 'hast';
import { VFile } from 'vfile';
import { ContentError } from '../errors.ts';
import type { BuildContext, FileApi, Heading, ImageInfo, Page } from '../types.ts';
import type { SourceFile } from '../content/load.ts';
import { headingText } from '../markdown/heading-ids.ts';
import { publishLeadImage } from '../markdown/lead-image.ts';
import type { PublishProcessor } from '../markdown/processor.ts';
import { walk } from '../markdown/walk.ts';
import type { SiteLink } from '../markdown/site-links.ts';
import { hashFile, stamp, type FileStamp, type TextStageResult } from './text-stage.ts';
import type { PublishData } from '../markdown/publish-files.ts';
import type { BodyStore } from './body-store.ts';

export interface BodyResult {
  key: string;
  /** Hash of everything the body was rendered from: its key, the permalinks it linked to and the files it used. */
  contentHash: string;
  body: HastRoot;
  headings: Heading[];
  leadImage?: ImageInfo;
  wordCount: number;
  links: Record<string, string | null>;
  files: Record<string, FileStamp>;
  /** Site-absolute links: checked at the end of every build, cached or not (the output may have changed). */
  siteLinks: SiteLink[];
  emits: Array<[outputPath: string, absolutePath: string]>;
  warnings: Array<{ message: string; line?: number }>;
}

export interface BodyRendererOptions {
  ctx: BuildContext;
  /** Runs the text stage of a page, inline or in a worker thread. */
  textStage(page: Page, markdown: string): Promise<TextStageResult>;
  publisher: PublishProcessor;
  /** Hash of everything besides the source that shapes bodies: config, plugin and theme versions. */
  settingsHash: string;
  /** id → permalink of every published content page. */
  urls: ReadonlyMap<string, string>;
  /** The body cache (kept across builds by the preview server). */
  store: BodyStore;
  emitFile(outputPath: string, absolutePath: string): void;
  /** Counts bodies rendered afresh (the rest came from the cache). */
  counts: { fresh: number };
}

export function bodyKey(file: SourceFile, settingsHash: string): string {
  return digest('sha256', `${settingsHash}\0${file.page.id}\0${file.hash}`);
}

/** The cached body of a page if every input it recorded is unchanged (its emits and warnings replayed). */
export function cachedBody(file: SourceFile, options: Pick<BodyRendererOptions, 'ctx' | 'settingsHash' | 'urls' | 'store' | 'emitFile'>): BodyResult | undefined {
  const key = bodyKey(file, options.settingsHash);
  const cached = options.store.get(key);
  if (!cached || !stillValid(cached, options)) return undefined;
  options.store.use(key);
  replay(cached, file.page, options);
  return cached;
}

export async function renderBody(file: SourceFile, options: BodyRendererOptions): Promise<BodyResult> {
  const key = bodyKey(file, options.settingsHash);
  const text = await options.textStage(file.page, file.markdown);
  const result = await publish(file, key, text, options);
  options.counts.fresh++;
  options.store.put(key, result);
  return result;
}

async function publish(file: SourceFile, key: string, text: TextStageResult, options: BodyRendererOptions): Promise<BodyResult> {
  const source = file.page.source!;
  const result: BodyResult = { key, contentHash: '', body: text.tree, headings: [], wordCount: 0, links: text.links, files: text.files, siteLinks: text.siteLinks, emits: [], warnings: [] };
  for (const w of text.warnings) {
    result.warnings.push(w);
    options.ctx.log.warn(w.message, { file: source, line: w.line });
  }
  const api: FileApi = {
    page: file.page,
    ctx: options.ctx,
    dependOn(absolutePath) {
      result.files[absolutePath] ??= stamp(absolutePath);
    },
    emitFile(outputPath, absolutePath) {
      result.emits.push([outputPath, absolutePath]);
      options.emitFile(outputPath, absolutePath);
    },
    urlOf(id) {
      const url = options.urls.get(id);
      result.links[id] = url ?? null;
      return url;
    },
    linksTo(url, line) {
      result.siteLinks.push({ url, line });
    },
    warn(message, line) {
      result.warnings.push({ message, line });
      options.ctx.log.warn(message, { file: source, line });
    },
  };
  const vfile = new VFile({ path: source, data: { solarpress: api } });
  let tree: HastRoot;
  let frontImage: ImageInfo | undefined;
  try {
    tree = await options.publisher.run(text.tree, vfile);
    // The front matter's `image:` goes through the same plugins, and comes before the body's first image.
    const image = file.page.data.image;
    if (typeof image === 'string') frontImage = await publishLeadImage(image, file.keyLine('image'), api, options.publisher, vfile);
  } catch (error) {
    if (error instanceof ContentError) throw error;
    const e = error as Error & { line?: number; column?: number };
    throw new ContentError(`could not render: ${e.message}`, { file: source, line: e.line ?? undefined, column: e.column ?? undefined }, 'fix the Markdown here; if it looks right, this is a bug in solarpress or a plugin');
  }
  result.body = tree;
  Object.assign(result, summarize(tree));
  result.leadImage = frontImage ?? result.leadImage;
  result.contentHash = contentHashOf(result);
  return result;
}

/** The key alone misses inputs outside the source: a linked page's new slug changes this body. */
function contentHashOf(result: BodyResult): string {
  const hash = createHash('sha256').update(result.key);
  for (const [id, url] of Object.entries(result.links).sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${id}\0${url ?? ''}`);
  for (const [file, { hash: bytes }] of Object.entries(result.files).sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${file}\0${bytes}`);
  return hash.digest('hex');
}

function stillValid(cached: BodyResult, options: Pick<BodyRendererOptions, 'urls'>): boolean {
  for (const [id, url] of Object.entries(cached.links)) {
    if ((options.urls.get(id) ?? null) !== url) return false;
  }
  for (const [file, before] of Object.entries(cached.files)) {
    if (!existsSync(file)) return false;
    const st = statSync(file);
    if (st.size === before.size && st.mtimeMs === before.mtimeMs) continue;
    if (st.size !== before.size || hashFile(file) !== before.hash) return false;
  }
  return cached.emits.every(([, from]) => existsSync(from));
}

function replay(cached: BodyResult, page: Page, options: Pick<BodyRendererOptions, 'ctx' | 'emitFile'>): void {
  for (const [outputPath, from] of cached.emits) options.emitFile(outputPath, from);
  for (const w of cached.warnings) options.ctx.log.warn(w.message, { file: page.source!, line: w.line });
}

/** One pass over the finished tree: drop source positions (not needed after rendering, and bulky
 * in the cache), collect headings for tables of contents, find the lead image and count the words. */
function summarize(tree: HastRoot): { headings: Heading[]; leadImage?: ImageInfo; wordCount: number } {
  const headings: Heading[] = [];
  let leadImage: ImageInfo | undefined;
  const words = new WordCount();
  walk<HastRoot | RootContent>(tree, (node) => {
    delete node.position;
    if (node.type === 'text') words.add(node.value);
    if (node.type !== 'element') return;
    const element = node;
    if (element.tagName === 'img') leadImage ??= (element.data as PublishData | undefined)?.published;
    const depth = /^h([1-6])$/.exec(element.tagName)?.[1];
    const id = element.properties.id;
    if (!depth || typeof id !== 'string' || id === 'footnote-label') return;
    headings.push({ depth: Number(depth), id, text: headingText(element) });
  });
  return { headings, leadImage, wordCount: words.count };
}

/** Words: the runs of non-space (as /\s/ says) in the text of the body, read node by node ("<em>so</em>called" is one). */
class WordCount {
  count = 0;
  /** Whether the text so far ends inside a word. */
  private inWord = false;

  add(text: string): void {
    // Character by character: a regular expression's matches cost several times more on a long post.
    for (let i = 0; i < text.length; i++) {
      const space = isSpace(text.charCodeAt(i));
      if (!space && !this.inWord) this.count++;
      this.inWord = !space;
    }
  }
}

function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}
