/**
 * The `zine` section of site.config.ts: which editions of each zine issue the build publishes.
 */
import * as z from 'zod';
import type { ResolvedConfig } from '../../src/types.ts';

export const zineEditionsSchema = z.strictObject({
  /** An EPUB 3 of each issue at /zine/<issue>/<issue>.epub (needs nothing but Node). */
  epub: z.boolean().default(true),
  /** An A5 PDF of each issue at /zine/<issue>/<issue>-a5.pdf, printed by Chromium (must be installed). */
  pdf: z.boolean().default(false),
  /** An A4 booklet PDF for saddle stitching at /zine/<issue>/<issue>-booklet.pdf (needs Chromium too). */
  booklet: z.boolean().default(false),
  /** The "offline edition": one EPUB of every guide, at this site-absolute path; false for none. */
  guides: z
    .union([z.literal(false), z.string().regex(/^(\/[^/?#\s]+)+\.epub$/, 'must be a site-absolute path ending in .epub, such as /guides.epub')])
    .default(false),
  /** Millimetres the printer cannot print at the sheet's edges: the booklet's pages shrink to stay inside. */
  printerMargin: z.number().min(0).max(30).default(0),
  /** The Chromium that prints the PDFs. */
  chromium: z.string().min(1).default('/usr/bin/chromium'),
});

export type ZineEditionsOptions = z.output<typeof zineEditionsSchema>;
export type ZineEditionsOptionsInput = z.input<typeof zineEditionsSchema>;

/** The section of a resolved config, or undefined when the plugin is off (`zine: false`). */
export function zineEditionsOptionsOf(config: ResolvedConfig): ZineEditionsOptions | undefined {
  const section = config.pluginOptions?.zine;
  return section === undefined ? undefined : zineEditionsSchema.parse(section);
}
