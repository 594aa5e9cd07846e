/**
 * Reads content/: every Markdown file becomes a Page (metadata) plus its Markdown body.
 * All problems of all files are collected and thrown together as ContentErrors.
 */
import { hash as digest } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, type BigIntStats, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { ZodType } from 'zod';
import { settled, stampOfStat } from '../cache/stamps.js';
import { ContentError, ContentErrors } from '../errors.ts';
import type { Page } from '../types.ts';
import { frontMatterSchema } from './frontmatter.ts';
import { PLACES_HINT, placementOf } from './kinds.ts';
import { checkNesting } from './nesting.ts';
import { lineOfKey, readFrontMatter } from './read-front-matter.ts';
import { aliasClashes, lineOfListItem, normalizeAlias } from './aliases.ts';
import type { ParsedSource, SourceStore } from './source-store.ts';

export interface SourceFile {
  page: Page;
  /** The Markdown body with the front matter replaced by blank lines, so parser positions are file lines. */
  markdown: string;
  /** sha256 of the file's bytes. */
  hash: string;
  /** Line of a front-matter key, for errors about its value found later (`image:`). */
  keyLine(key: string): number | undefined;
  /** The page's aliases with the line each is written on (page.aliases holds the same, without lines). */
  aliases: Array<{ url: string; line?: number }>;
}

/** Parsed files are reused while their stamp (src/cache/stamps.js) is unchanged (the preview server keeps one of these). */
export type SourceMemo = Map<string, { stamp: string; file: SourceFile }>;

export interface LoadOptions {
  contentDir: string;
  drafts: boolean;
  /** The theme's layouts; unset: any name is taken (for commands that read only addresses). */
  layouts?: ReadonlySet<string>;
  /** Front-matter keys plugins own, with the schema each is validated by (see SolarpressPlugin.frontMatter). */
  pluginKeys?: ReadonlyMap<string, ZodType>;
  memo?: SourceMemo;
  /** Files parsed by earlier builds (a file whose bytes are unchanged is not parsed again, one whose stamp is not read again). */
  parsed?: SourceStore;
  /** Collect the problems here and return the files that loaded, instead of throwing them. */
  errors?: ContentError[];
  /** Pages dated after this are held back (a build without --future); unset: all are kept. */
  holdBackAfter?: Date;
  /** Counts what was left out (drafts without `drafts`, future-dated pages), for the build summary; and the earliest date held back, when the output changes. */
  leftOut?: { drafts: number; future: number; firstHeldBack?: Date };
  /**
   * Stats of the files, by absolute path, taken as the build began (the record of its inputs,
   * src/build-inputs.ts): a file is taken as it was then, and not stat-ed again.
   */
  stats?: ReadonlyMap<string, BigIntStats>;
}

/**
 * A whole book is 1–3 MB of Markdown; a file much bigger is an export gone wrong, and would need
 * gigabytes of memory to render (micromark holds 500–1,000 bytes of tokens per byte of Markdown
 * while it parses; bench/long-post.ts).
 */
const MAX_MARKDOWN_BYTES = 10e6;

/** A Markdown file over the limit is refused before it is read. */
export function checkMarkdownSize(file: string, size: number): void {
  if (size > MAX_MARKDOWN_BYTES) {
    throw new ContentError(`is ${(size / 1e6).toFixed(0)} MB of Markdown, over the limit of ${MAX_MARKDOWN_BYTES / 1e6} MB`, { file }, 'split it into several pages');
  }
}

export function loadContent(options: LoadOptions): SourceFile[] {
  const errors: ContentError[] = [];
  const files: SourceFile[] = [];
  const contentRoot = realpathSync(options.contentDir);
  // Stamps of files changed since this moment (less SETTLE_NS) may miss a later change: not remembered.
  const now = Date.now();
  for (const absolute of walk(options.contentDir, contentRoot, errors, [contentRoot])) {
    const id = path.relative(options.contentDir, absolute).split(path.sep).join('/');
    try {
      const stat = options.stats?.get(absolute) ?? statSync(absolute, { bigint: true });
      checkMarkdownSize(absolute, Number(stat.size));
      const stamp = stampOfStat(stat);
      const trusted = settled(stat, now);
      const memoed = options.memo?.get(absolute);
      let file: SourceFile;
      if (memoed?.stamp === stamp) {
        file = memoed.file;
        options.parsed?.use(id, file.hash, stamp);
      } else file = knownSource(absolute, id, stamp, options) ?? readSource(absolute, id, options, trusted ? stamp : undefined);
      if (trusted) options.memo?.set(absolute, { stamp, file });
      else options.memo?.delete(absolute);
      if (file.page.draft && !options.drafts) {
        if (options.leftOut) options.leftOut.drafts++;
        continue;
      }
      if (options.holdBackAfter && file.page.date && file.page.date > options.holdBackAfter) {
        if (options.leftOut) {
          options.leftOut.future++;
          const first = options.leftOut.firstHeldBack;
          if (!first || file.page.date < first) options.leftOut.firstHeldBack = file.page.date;
        }
        continue;
      }
      files.push(file);
    } catch (error) {
      if (error instanceof ContentError) errors.push(error);
      else throw error;
    }
  }
  errors.push(...duplicatePermalinks(files));
  const shown = (file: string) => path.join(path.basename(options.contentDir), path.relative(options.contentDir, file));
  errors.push(...aliasClashes(files.map((f) => ({ source: f.page.source!, url: f.page.url, aliases: f.aliases })), shown));
  if (errors.length > 0) {
    if (!options.errors) throw new ContentErrors(errors);
    options.errors.push(...errors);
  }
  // Stable order whatever the file system returns: determinism starts here.
  return files.sort((a, b) => (a.page.id < b.page.id ? -1 : 1));
}

/**
 * Markdown files under dir; symlinks must stay inside content/; FIFOs, sockets and devices are refused.
 * @param within the real paths of the folders walked down to dir, dir's last: a link to one of them
 *   would be walked forever.
 */
function* walk(dir: string, contentRoot: string, errors: ContentError[], within: string[]): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const absolute = path.join(dir, entry.name);
    let real = path.join(within.at(-1)!, entry.name);
    let type: Dirent | Stats = entry;
    if (entry.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(absolute);
      } catch {
        errors.push(new ContentError('broken symbolic link', { file: absolute }, 'remove the link or point it at a file inside content/'));
        continue;
      }
      if (target !== contentRoot && !target.startsWith(contentRoot + path.sep)) {
        errors.push(new ContentError(`symbolic link points outside content/ (to ${target})`, { file: absolute }, 'copy the file into content/ instead of linking to it'));
        continue;
      }
      if (within.includes(target)) {
        errors.push(new ContentError('symbolic link points back at a folder it lies in: reading it would never end', { file: absolute }, 'remove the link'));
        continue;
      }
      real = target;
      type = statSync(target);
    }
    if (type.isDirectory()) yield* walk(absolute, contentRoot, errors, [...within, real]);
    else if (!type.isFile()) {
      // Reading a FIFO waits for a writer that never comes: such a thing is never content.
      errors.push(new ContentError(`is a ${specialKind(type)}, not a file`, { file: absolute }, 'remove it from the content folder: solarpress reads only files and folders there'));
    } else if (entry.name.endsWith('.md')) yield absolute;
  }
}

function specialKind(type: Dirent | Stats): string {
  if (type.isFIFO()) return 'named pipe (FIFO)';
  if (type.isSocket()) return 'socket';
  if (type.isCharacterDevice() || type.isBlockDevice()) return 'device';
  return 'special file';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One Markdown file read and parsed (what the walk does for each; the preview reads a saved file alone).
 * @param stamp the file's stamp before it was read, if settled: its bytes are remembered under it.
 */
export function readSource(file: string, id: string, options: LoadOptions, stamp?: string): SourceFile {
  const { text, hash } = readText(file);
  let parsed = options.parsed?.get(id, hash, file);
  if (!parsed) {
    parsed = parseSource(text, file, id, options.layouts, options.pluginKeys ?? new Map());
    options.parsed?.put(id, hash, parsed);
  }
  if (stamp !== undefined) options.parsed?.stamped(id, stamp, hash);
  return sourceFile(parsed, hash, () => markdownOf(text, parsed.front));
}

/**
 * A file whose bytes an earlier build read at this very stamp, as it parsed them, without reading it:
 * its Markdown is read when asked for (a page whose body is cached never asks).
 */
function knownSource(file: string, id: string, stamp: string, options: LoadOptions): SourceFile | undefined {
  const hash = options.parsed?.hashAt(id, stamp);
  const parsed = hash && options.parsed?.get(id, hash, file);
  if (!hash || !parsed) return undefined;
  return sourceFile(parsed, hash, () => {
    const now = readText(file);
    if (now.hash !== hash) throw new ContentError('changed while the site was being built', { file }, 'build again');
    return markdownOf(now.text, parsed.front);
  });
}

function sourceFile({ page, front, aliases }: ParsedSource, hash: string, markdown: () => string): SourceFile {
  let text: string | undefined;
  return {
    page,
    get markdown() {
      return (text ??= markdown());
    },
    hash,
    keyLine: (key) => lineOfKey(front, key),
    aliases,
  };
}

/** A file's text (UTF-8, without a byte order mark) and the sha256 of its bytes. */
function readText(file: string): { text: string; hash: string } {
  const bytes = readFileSync(file);
  const hash = digest('sha256', bytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ContentError('is not valid UTF-8 text', { file, line: lineOfInvalidUtf8(bytes) }, 'save the file as UTF-8 in your editor');
  }
  return { text: text.replace(/^\uFEFF/, ''), hash };
}

/** The Markdown with blank lines for the front matter, so that parser positions are the file's lines. */
function markdownOf(text: string, front: string): string {
  return '\n'.repeat(front.split('\n').length - 1) + text.slice(front.length);
}

function parseSource(text: string, file: string, id: string, layouts: ReadonlySet<string> | undefined, pluginKeys: ReadonlyMap<string, ZodType>): ParsedSource {
  if (text.trim() === '') throw new ContentError('is empty', { file }, 'give it front matter with at least a title, or delete it');

  const placement = placementOf(id);
  if (!placement) throw new ContentError('is not in a content folder solarpress knows', { file }, PLACES_HINT);

  const { data, front } = readFrontMatter(text, file);
  const lineOf = (key: string) => lineOfKey(front, key);
  const result = frontMatterSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue.path[0] ?? 'title');
    throw new ContentError(issue.message, { file, line: lineOf(key) ?? 1 }, 'fix the front matter');
  }
  for (const [key, schema] of pluginKeys) {
    if (!(key in data)) continue;
    const owned = schema.safeParse(data[key]);
    if (!owned.success) {
      const issue = owned.error.issues[0];
      const at = [key, ...issue.path.map(String)].join('.');
      throw new ContentError(`${at}: ${issue.message}`, { file, line: lineOf(key) ?? 1 }, 'fix the front matter');
    }
    (result.data as Record<string, unknown>)[key] = owned.data;
  }
  const fm = result.data;
  const layout = fm.layout ?? placement.kind;
  if (layouts && !layouts.has(layout)) {
    throw new ContentError(`unknown layout "${layout}"`, { file, line: lineOf('layout') ?? 1 }, `use one of the theme's layouts: ${[...layouts].join(', ')}`);
  }
  if (placement.issue && fm.issue && fm.issue !== placement.issue) {
    throw new ContentError(`issue "${fm.issue}" does not match its folder zine/${placement.issue}/`, { file, line: lineOf('issue') ?? 1 }, 'move the file or fix `issue:`');
  }
  const url = placement.url(fm.slug ?? placement.defaultSlug);
  // A name's "?" or "#" would end the address's path in every link to the page, a "%" start an
  // escape, a control character break it: the page would be published and unreachable.
  const breaking = /[?#%\p{Cc}]/u.exec(url);
  if (breaking) {
    throw new ContentError(
      `its address ${JSON.stringify(url)} holds ${JSON.stringify(breaking[0])}, which links cannot carry as it is`,
      { file },
      'rename the file (or its zine folder) without it, or set `slug:` (lowercase letters, digits and hyphens) in the front matter',
    );
  }
  const aliases = (fm.aliases ?? []).map((written, i) => {
    const line = lineOfListItem(front, lineOf('aliases'), i);
    try {
      return { url: normalizeAlias(written), line };
    } catch (error) {
      throw new ContentError((error as Error).message, { file, line: line ?? 1 }, 'fix the alias in the front matter');
    }
  });
  const authors = fm.authors ?? (fm.author ? [fm.author] : []);
  const page: Page = {
    id,
    source: file,
    kind: placement.kind,
    url,
    outputPath: `${url.slice(1)}index.html`,
    title: fm.title,
    date: fm.date,
    updated: fm.updated,
    authors,
    summary: fm.summary,
    category: fm.category ?? placement.defaultCategory,
    tags: fm.tags ?? [],
    draft: fm.draft ?? false,
    order: fm.order,
    layout,
    issue: placement.issue ? `zine/${placement.issue}/index.md` : undefined,
    ...(aliases.length > 0 ? { aliases: aliases.map((a) => a.url) } : {}),
    data: fm as Record<string, unknown>,
  };
  checkNesting(markdownOf(text, front), file);
  return { page, front, aliases };
}

function lineOfInvalidUtf8(bytes: Buffer): number {
  // The lenient decoder turns the first bad byte into U+FFFD: its line is the one to report.
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const at = lenient.indexOf('\uFFFD');
  return at === -1 ? 1 : lenient.slice(0, at).split('\n').length;
}

function duplicatePermalinks(files: SourceFile[]): ContentError[] {
  const seen = new Map<string, string>();
  const errors: ContentError[] = [];
  for (const { page } of files) {
    const other = seen.get(page.url);
    if (other) {
      errors.push(new ContentError(`permalink ${page.url} is also used by ${other}`, { file: page.source! }, 'give one of them another `slug:` in its front matter'));
    } else seen.set(page.url, page.id);
  }
  return errors;
}
