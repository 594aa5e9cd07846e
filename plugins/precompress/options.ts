/** The `precompress` section of site.config.ts. */
import { availableParallelism } from 'node:os';
import * as z from 'zod';

export const precompressSchema = z.strictObject({
  /** Precompress at `solarpress build` (never in the preview server). */
  enabled: z.boolean().default(true),
  /** Write .gz siblings (for nginx gzip_static). */
  gzip: z.boolean().default(true),
  /** zopfli (smallest gzip, slow) or zlib level 9 (fast, a few % larger). */
  gzipEncoder: z.enum(['zopfli', 'zlib']).default('zopfli'),
  /** zopfli's iterations: more is smaller and slower (15 is its own default). */
  zopfliIterations: z.number().int().min(1).max(1000).default(15),
  /** Write .br siblings, brotli quality 11 (for nginx brotli_static). */
  brotli: z.boolean().default(true),
  /** File extensions to compress (text only: images are compressed already). */
  extensions: z
    .array(z.string().regex(/^[a-z0-9]+$/i, 'an extension without the dot, e.g. "html"'))
    .min(1)
    .default(['html', 'css', 'js', 'xml', 'json', 'svg', 'txt']),
  /** Worker threads (default: one per core). */
  workers: z.number().int().min(1).max(64).default(() => availableParallelism()),
});

export type PrecompressOptions = z.output<typeof precompressSchema>;
