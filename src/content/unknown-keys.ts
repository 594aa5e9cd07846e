/**
 * Front-matter keys nobody reads: most are typos (`draf:` silently publishes a draft), so each is
 * warned at its line with the nearest known key. Known: solarpress's own keys, the keys plugins own
 * (SolarpressPlugin.frontMatter) and the keys the theme declares (Theme.frontMatter).
 */
import { frontMatterSchema } from './frontmatter.ts';
import type { SourceFile } from './load.ts';
import { editDistance } from '../did-you-mean.ts';

export { editDistance };

export const CORE_KEYS: readonly string[] = Object.keys(frontMatterSchema.shape);

export interface UnknownKey {
  key: string;
  line?: number;
  suggestion?: string;
}

export function unknownKeys(file: SourceFile, known: ReadonlySet<string>): UnknownKey[] {
  return Object.keys(file.page.data)
    .filter((key) => !known.has(key))
    .map((key) => ({ key, line: file.keyLine(key), suggestion: nearest(key, known) }));
}

/** The known key within two edits (one for short keys), if there is exactly one nearest. */
function nearest(key: string, known: ReadonlySet<string>): string | undefined {
  const limit = key.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}
