/**
 * Splits a content file into its front matter (YAML between --- lines, read by gray-matter) and its
 * Markdown, with errors at the file's own lines. YAML is bounded: js-yaml refuses nesting deeper than
 * 100 levels and more than 10,000 merged keys, and aliases may not make the data much bigger than the
 * text (an alias bomb: nine lines whose expansion is 387 million values).
 */
import matter from 'gray-matter';
import * as yaml from 'js-yaml';
import { ContentError } from '../errors.ts';

export interface FrontMatterSplit {
  data: Record<string, unknown>;
  /** The text of the front matter, delimiters included, for finding a key's line. */
  front: string;
  /** The Markdown after the front matter. */
  content: string;
}

const MAX_DEPTH = 100;
/**
 * How much aliases may add to the front matter, in values plus characters of text. Legit front matter
 * barely uses aliases; anything that walks the data (validation, the theme, page fingerprints) costs
 * what the expanded data weighs, so that weight is what is bounded.
 */
export const ALIAS_ALLOWANCE = 100_000;

export function readFrontMatter(text: string, file: string): FrontMatterSplit {
  if (!text.startsWith('---')) {
    throw new ContentError('has no front matter', { file, line: 1 }, 'start the file with a --- block holding at least `title: …`');
  }
  // gray-matter reads `---js` as JavaScript and runs it: front matter here is YAML only.
  const newline = text.indexOf('\n');
  if (!/^---[ \t\r]*$/.test(newline === -1 ? text : text.slice(0, newline))) {
    throw new ContentError('the first line of the front matter must be --- alone', { file, line: 1 }, 'start the file with a line holding only ---, then YAML `key: value` lines, then ---');
  }
  // gray-matter's own rule for the end of the front matter: the next line starting with ---.
  if (text.indexOf('\n---', 3) === -1) {
    throw new ContentError('front matter is not closed: no --- line after the opening one', { file, line: 1 }, 'end the front matter with a line holding only ---');
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Our own options object keeps gray-matter from caching by content across files; the core
    // schema leaves dates as text, so they are checked strictly (YAML would roll 2020-13-45 over).
    parsed = matter(text, { engines: { yaml: (source: string) => (yaml.load(source, { schema: yaml.CORE_SCHEMA, maxDepth: MAX_DEPTH } as yaml.LoadOptions) ?? {}) as object } });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    // gray-matter hands over the text after the opening ---, so YAML's line 0 is the file's line 1.
    const mark = error.mark as { line: number; column: number } | undefined;
    throw new ContentError(`invalid YAML in front matter: ${error.reason}`, { file, line: mark ? mark.line + 1 : 1, column: mark ? mark.column + 1 : undefined }, 'fix the YAML between the --- lines');
  }
  const front = text.slice(0, text.length - parsed.content.length);
  const data: unknown = parsed.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Date) {
    throw new ContentError(`front matter must be \`key: value\` lines, not ${Array.isArray(data) ? 'a list' : 'a single value'}`, { file, line: 2 }, 'write e.g. `title: My page` between the --- lines');
  }
  checkAliases(data as Record<string, unknown>, front, file);
  return { data: data as Record<string, unknown>, front, content: parsed.content };
}

/** The first line of the front matter that sets `key` (top level), if any. */
export function lineOfKey(front: string, key: string): number | undefined {
  const index = front.split('\n').findIndex((line) => line.startsWith(`${key}:`));
  return index === -1 ? undefined : index + 1;
}

/** Refuse data that aliases make much bigger than the text it was written in, naming the first key that does. */
function checkAliases(data: Record<string, unknown>, front: string, file: string): void {
  const limit = front.length + ALIAS_ALLOWANCE;
  const sizes = new Map<object, number>();
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    total += key.length + weight(value, sizes, limit);
    if (total > limit) {
      throw new ContentError(
        `front matter key "${key}" expands to more than ${ALIAS_ALLOWANCE.toLocaleString('en')} values and characters beyond what is written, through YAML aliases (*name)`,
        { file, line: lineOfKey(front, key) ?? 1 },
        'write the values out instead of repeating aliases of aliases',
      );
    }
  }
}

/** Values plus characters of text in value once every alias is expanded; counted once per shared node, capped past limit. */
function weight(value: unknown, sizes: Map<object, number>, limit: number): number {
  if (typeof value === 'string') return 1 + value.length;
  if (typeof value !== 'object' || value === null || value instanceof Date) return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  sizes.set(value, limit + 1); // a node reached again while it is being weighed is a cycle: too big
  let size = 1;
  for (const [key, item] of Object.entries(value)) {
    size += (Array.isArray(value) ? 0 : key.length) + weight(item, sizes, limit);
    if (size > limit) break;
  }
  sizes.set(value, size);
  return size;
}
