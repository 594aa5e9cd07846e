/**
 * Renders page bodies (Markdown → hast) through the body processor, with an incremental cache.
 * A cached body is reused only while every input it recorded is unchanged: its source and settings
 * (the key), the permalinks it links to, and the bytes of the files it used. Files it emitted and
 * warnings it raised are replayed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root as HastRoot } from 'hast';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { ContentError } from '../errors.ts';
import type { BuildContext, FileApi, Heading, ImageInfo, Page } from '../types.ts';
import type { SourceFile } from '../content/load.ts';
import type { BodyProcessor } from '../markdown/processor.ts';
import type { PublishData } from '../markdown/publish-files.ts';
import type { WriteBehind } from '../write-behind.ts';

interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface BodyResult {
  key: string;
  body: HastRoot;
  headings: Heading[];
  leadImage?: ImageInfo;
  wordCount: number;
  links: Record<string, string | null>;
  files: Record<string, FileStamp>;
  emits: Array<[outputPath: string, absolutePath: string]>;
  warnings: Array<{ message: string; line?: number }>;
}

export interface BodyRendererOptions {
  ctx: BuildContext;
  processor: BodyProcessor;
  /** Hash of everything besides the source that shapes bodies: config, plugin and theme versions. */
  settingsHash: string;
  /** id → permalink of every published content page. */
  urls: ReadonlyMap<string, string>;
  /** Kept across builds by the preview server. */
  memory: Map<string, BodyResult>;
  emitFile(outputPath: string, absolutePath: string): void;
  /** Counts bodies rendered afresh (the rest came from the cache). */
  counts: { fresh: number };
  writer: WriteBehind;
}

export function bodyKey(file: SourceFile, settingsHash: string): string {
  return createHash('sha256').update(settingsHash).update('\0').update(file.page.id).update('\0').update(file.hash).digest('hex');
}

export async function renderBody(file: SourceFile, options: BodyRendererOptions): Promise<BodyResult> {
  const key = bodyKey(file, options.settingsHash);
  const cacheFile = path.join(options.ctx.cacheDir('bodies'), `${key}.json`);
  const cached = options.memory.get(key) ?? readCached(cacheFile);
  if (cached && stillValid(cached, options)) {
    options.memory.set(key, cached);
    replay(cached, file.page, options);
    return cached;
  }
  const result = await renderFresh(file, key, options);
  options.counts.fresh++;
  options.memory.set(key, result);
  options.writer.write(cacheFile, JSON.stringify(result));
  return result;
}

async function renderFresh(file: SourceFile, key: string, options: BodyRendererOptions): Promise<BodyResult> {
  const result: BodyResult = { key, body: { type: 'root', children: [] }, headings: [], wordCount: 0, links: {}, files: {}, emits: [], warnings: [] };
  const source = file.page.source!;
  const api: FileApi = {
    page: file.page,
    ctx: options.ctx,
    dependOn(absolutePath) {
      if (!result.files[absolutePath]) result.files[absolutePath] = stamp(absolutePath);
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
    warn(message, line) {
      result.warnings.push({ message, line });
      options.ctx.log.warn(message, { file: source, line });
    },
  };
  const vfile = new VFile({ path: source, value: file.markdown, data: { solarpress: api } });
  let tree: HastRoot;
  try {
    tree = await options.processor.run(options.processor.parse(vfile), vfile);
  } catch (error) {
    if (error instanceof ContentError) throw error;
    const e = error as Error & { line?: number; column?: number };
    throw new ContentError(`could not render: ${e.message}`, { file: source, line: e.line ?? undefined, column: e.column ?? undefined }, 'fix the Markdown here; if it looks right, this is a bug in solarpress or a plugin');
  }
  result.body = tree;
  Object.assign(result, summarize(tree));
  result.wordCount = toString(tree).split(/\s+/).filter(Boolean).length;
  return result;
}

function stillValid(cached: BodyResult, options: BodyRendererOptions): boolean {
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

function replay(cached: BodyResult, page: Page, options: BodyRendererOptions): void {
  for (const [outputPath, from] of cached.emits) options.emitFile(outputPath, from);
  for (const w of cached.warnings) options.ctx.log.warn(w.message, { file: page.source!, line: w.line });
}

function readCached(file: string): BodyResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BodyResult;
  } catch {
    return undefined;
  }
}

function stamp(file: string): FileStamp {
  const st = statSync(file);
  return { size: st.size, mtimeMs: st.mtimeMs, hash: hashFile(file) };
}

function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** One pass over the finished tree: drop source positions (not needed after rendering, and bulky
 * in the cache), collect headings for tables of contents, and find the lead image. */
function summarize(tree: HastRoot): { headings: Heading[]; leadImage?: ImageInfo } {
  const headings: Heading[] = [];
  let leadImage: ImageInfo | undefined;
  visit(tree, (node) => {
    delete node.position;
    if (node.type !== 'element') return;
    const element = node as Element;
    if (element.tagName === 'img') leadImage ??= (element.data as PublishData | undefined)?.published;
    const depth = /^h([1-6])$/.exec(element.tagName)?.[1];
    const id = element.properties.id;
    if (!depth || typeof id !== 'string' || id === 'footnote-label') return;
    const text = element.children
      .filter((child) => !(child.type === 'element' && child.tagName === 'a' && String(child.properties.className ?? '').includes('anchor')))
      .map((child) => toString(child as Element))
      .join('')
      .trim();
    headings.push({ depth: Number(depth), id, text });
  });
  return { headings, leadImage };
}
