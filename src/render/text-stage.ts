/**
 * The text stage of a page body (see markdown/processor.ts): Markdown → hast with local links
 * resolved. It touches nothing outside its page, so it runs in worker threads as well as inline;
 * what it learns (links followed, files used, warnings) comes back as data.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Root as HastRoot } from 'hast';
import { VFile } from 'vfile';
import { ContentError } from '../errors.ts';
import type { TextProcessor } from '../markdown/processor.ts';
import type { SiteLink } from '../markdown/site-links.ts';
import type { BuildContext, FileApi, Logger, Page, ResolvedConfig } from '../types.ts';

export interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface TextStageResult {
  tree: HastRoot;
  links: Record<string, string | null>;
  files: Record<string, FileStamp>;
  /** Site-absolute links, checked against the whole output at the end of the build. */
  siteLinks: SiteLink[];
  warnings: Array<{ message: string; line?: number }>;
}

export interface TextStageEnv {
  root: string;
  config: ResolvedConfig;
  mode: 'build' | 'dev';
  drafts: boolean;
  urls: ReadonlyMap<string, string>;
}

export async function runTextStage(page: Page, markdown: string, processor: TextProcessor, env: TextStageEnv): Promise<TextStageResult> {
  const result: TextStageResult = { tree: { type: 'root', children: [] }, links: {}, files: {}, siteLinks: [], warnings: [] };
  const source = page.source!;
  const notHere = (what: string) => () => {
    throw new Error(`${what} is not available while Markdown is parsed: do it in a rehype plugin`);
  };
  const log: Logger = {
    info: () => {},
    warn: (message, where) => result.warnings.push({ message, line: where?.line }),
    progress: () => ({ tick: () => {}, done: () => {} }),
  };
  const ctx: BuildContext = {
    config: env.config,
    root: env.root,
    mode: env.mode,
    drafts: env.drafts,
    log,
    cache: notHere('cache()'),
    emit: notHere('emit()'),
    emitFile: notHere('emitFile()'),
    emitted: notHere('emitted()'),
    read: notHere('read()'),
  };
  const api: FileApi = {
    page,
    ctx,
    dependOn(file) {
      result.files[file] ??= stamp(file);
    },
    emitFile: notHere('emitFile()'),
    urlOf(id) {
      const url = env.urls.get(id);
      result.links[id] = url ?? null;
      return url;
    },
    linksTo(url, line) {
      result.siteLinks.push({ url, line });
    },
    warn(message, line) {
      result.warnings.push({ message, line });
    },
  };
  const vfile = new VFile({ path: source, value: markdown, data: { solarpress: api } });
  try {
    result.tree = await processor.run(processor.parse(vfile), vfile);
  } catch (error) {
    if (error instanceof ContentError) throw error;
    const e = error as Error & { line?: number; column?: number };
    throw new ContentError(`could not render: ${e.message}`, { file: source, line: e.line ?? undefined, column: e.column ?? undefined }, 'fix the Markdown here; if it looks right, this is a bug in solarpress or a plugin');
  }
  return result;
}

export function stamp(file: string): FileStamp {
  const st = statSync(file);
  return { size: st.size, mtimeMs: st.mtimeMs, hash: hashFile(file) };
}

export function hashFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
