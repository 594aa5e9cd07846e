/**
 * Overrides of the site's dither settings: a page's, in its front matter, and an image's own, in the
 * Markdown image title (which wins over the page's). In front matter:
 *
 *   dither: { palette: 3, threshold: 64 }       dither: none
 *
 * In the image title:
 *
 *   ![Solar panel](panel.jpg "dither: palette=3 threshold=64")
 *   ![Wiring](wiring.png "The board's wiring dither: palette=#000000,#ff0000,#ffffff")
 *   ![Logo](logo.png "dither: none")
 *
 * `dither:` and everything after it is removed from the title; text before it stays the title.
 */
import * as z from 'zod';
import { describeValue } from '../../src/content/frontmatter.ts';
import { paletteSchema, thresholdSchema, type DitherOverride } from './options.ts';

export type ParsedOverride = { none: true } | { none: false; override: DitherOverride };

const DIRECTIVE = /(?:^|\s)dither:\s*(.*)$/s;

/** Split a title into the title proper and the directive (undefined when there is none). */
export function splitTitle(title: string): { title: string; directive?: string } {
  const m = DIRECTIVE.exec(title);
  if (!m) return { title };
  return { title: title.slice(0, m.index).trim(), directive: m[1].trim() };
}

/** Parse `none` or `key=value …`; throws an Error whose message says what is wrong and what is allowed. */
export function parseDirective(directive: string): ParsedOverride {
  if (directive === 'none') return { none: true };
  const override: DitherOverride = {};
  if (directive === '') throw new Error('empty "dither:" override: write "dither: none" or e.g. "dither: palette=3 threshold=64"');
  for (const token of directive.split(/\s+/)) {
    const [key, value, extra] = token.split('=');
    if (value === undefined || value === '' || extra !== undefined) throw new Error(`"${token}" in the dither override is not key=value`);
    if (key === 'palette') {
      const spec = /^(3|6|11)$/.test(value) ? Number(value) : value.split(',');
      const parsed = paletteSchema.safeParse(spec);
      if (!parsed.success) throw new Error(`palette=${value}: write 3, 6, 11 or a comma-separated list of 2–255 #rrggbb colours`);
      override.palette = parsed.data;
    } else if (key === 'threshold') {
      const numbers = value.split(',').map(Number);
      const parsed = thresholdSchema.safeParse(numbers.length === 1 ? numbers[0] : numbers);
      if (!parsed.success) throw new Error(`threshold=${value}: write a number 0–255, or three as r,g,b`);
      override.threshold = parsed.data;
    } else {
      throw new Error(`unknown dither override "${key}": use palette=…, threshold=… or none`);
    }
  }
  return { none: false, override };
}

const PAGE_KEYS = 'palette: 3, 6, 11 or a list of colours, threshold: 0–255 (or [r, g, b]), or the word none';

/** The front-matter key `dither:` (registered through the plugin's frontMatter). */
export const pageOverrideSchema = z.unknown().transform((value, ctx): ParsedOverride => {
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (value === 'none') return { none: true };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`write none or a mapping of ${PAGE_KEYS}; not ${describeValue(value)}`);
  const override: DitherOverride = {};
  for (const [key, setting] of Object.entries(value)) {
    if (key === 'palette') {
      const parsed = paletteSchema.safeParse(setting);
      if (!parsed.success) return fail(`palette must be 3, 6, 11 or a list of 2–255 colours ('#rrggbb' or [r, g, b]), not ${describeValue(setting)}`);
      override.palette = parsed.data;
    } else if (key === 'threshold') {
      const parsed = thresholdSchema.safeParse(setting);
      if (!parsed.success) return fail(`threshold must be a number 0–255, or three as [r, g, b], not ${describeValue(setting)}`);
      override.threshold = parsed.data;
    } else return fail(`unknown setting "${key}": a page may set ${PAGE_KEYS}`);
  }
  return { none: false, override };
});
