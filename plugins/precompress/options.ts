/** The `precompress` section of site.config.ts. */
import { availableParallelism } from 'node:os';
import * as z from 'zod';

export const precompressSchema = z.strictObject({
  /** Precompress at `solarpress build` (never in the preview server). */
  enabled: z.boolean().default(true),
  /** Write .gz siblings (for nginx gzip_static). */
  gzip: z.boolean().default(true),
  /**
   * zlib level 9 (~25 MB/s, 2–4 % larger) or zopfli (the smallest gzip, ~0.1 MB/s: seconds per page) for
   * the files that rarely change; files that change on every edit get zlib 9 at edit effort and zopfli
   * at release, large files their own settings (efforts.ts).
   */
  gzipEncoder: z.enum(['zlib', 'zopfli']).default('zlib'),
  /** zopfli's iterations, for small files' zopfli .gz: more is smaller and slower (15 is its own default). Large files' zopfli parts take 1. */
  zopfliIterations: z.number().int().min(1).max(1000).default(15),
  /** Write .br siblings (for nginx brotli_static): quality 11 at release effort, 5 at edit effort (efforts.ts). */
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
