/**
 * Every old address of the site and the permalink it moved to (front matter `aliases:`), read from
 * the content as a build would publish it now (no drafts, nothing dated later): for commands that
 * need them without building, such as `solarpress nginx`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../types.ts';
import { loadContent } from './load.ts';

export function contentRedirects(config: Pick<ResolvedConfig, 'root' | 'contentDir'>, now = new Date()): Array<{ from: string; to: string }> {
  const contentDir = path.resolve(config.root, config.contentDir);
  if (!existsSync(contentDir)) return [];
  return loadContent({ contentDir, drafts: false, holdBackAfter: now }).flatMap((file) => file.aliases.map((alias) => ({ from: alias.url, to: file.page.url })));
}

/**
 * Each old address and the permalink it moved to, a folder address also without its slash
 * (/old/path answers in one hop, not after a folder redirect): what nginx, serve and the preview answer.
 */
export function movedAddresses(redirects: ReadonlyArray<{ from: string; to: string }>): Map<string, string> {
  const moved = new Map<string, string>();
  for (const { from, to } of redirects) {
    moved.set(from, to);
    if (from.endsWith('/')) moved.set(from.slice(0, -1), to);
  }
  return moved;
}
