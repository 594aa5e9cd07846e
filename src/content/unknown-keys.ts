/**
 * Front-matter keys nobody reads: most are typos (`draf:` silently publishes a draft), so each is
 * warned at its line with the nearest known key. Known: solarpress's own keys, the keys plugins own
 * (SolarpressPlugin.frontMatter) and the keys the theme declares (Theme.frontMatter).
 */
import { frontMatterSchema } from './frontmatter.ts';
import type { SourceFile } from './load.ts';

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

/** Edits (insert, delete, substitute, swap two neighbours) from a to b: `tgas` is one from `tags`. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
