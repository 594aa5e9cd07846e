/**
 * How hard each file is compressed: three efforts, chosen on the cost/bytes curve measured on the
 * club's site and the 1,000-article bench site (`bench/nginx-precompress.ts`, BENCHMARKS.md §3;
 * CPU time on the 2-core test machine; "+x %" is bytes over maximum effort, zopfli 15 iterations
 * for .gz and brotli 11 for .br):
 *
 * - `full`, the files that rarely change: zlib 9 and brotli 11. zlib 9 writes +3.5 % (pages), +2.1 %
 *   (CSS) over zopfli at ~25 MB/s against zopfli's ~0.1 MB/s; `gzipEncoder: 'zopfli'` brings zopfli
 *   back for these files only. No brotli quality below 11 is within 3 %: 10 is +3.1 % (club pages),
 *   +3.7 % (bench pages), 9 to 5 are +12 to +16 %.
 * - `quick`, the files that change on every edit (feeds, sitemap, home and lists) up to 512 KB:
 *   zlib 9 (+4.5 % on the club's feeds) and brotli 10 (+2.4 % on the club's feeds, +3.1 % on its
 *   pages) at ~1 MB/s, 2.4× brotli 11's speed. The 16 MB window changes nothing at this size.
 * - `large`, every file over 512 KB: zlib 9 in parts (gzip-parts.ts: only the parts an edit touched
 *   are compressed again; on a 4.5 MB bench feed +6.6 % over zopfli 15 as one stream, +6.9 % in parts) and
 *   brotli 9 with the 16 MB window (~8 MB/s, linear). No fast brotli setting is within 3 % of brotli
 *   11 on such a file: 9 is +32 % on the bench feed (+14 % on prose like the club's feeds), 8 is +52 %,
 *   5 is +137 % (no smaller than the .gz); brotli 10 (+3.0 %) would cost ~4.5 s per feed. Cost, not
 *   bytes, decides here; brotli has no way to join separately compressed parts.
 */

interface Speed {
  /** Measured speed, MB of original per CPU-second on the test machine: orders the queue (longest first). */
  mbPerS: number;
}
export type GzipSetting = (
  | { encoding: 'gz'; encoder: 'zopfli'; iterations: number }
  | { encoding: 'gz'; encoder: 'zlib'; level: number }
  /** zlib in parts joined into one member, each compressed once (gzip-parts.ts). */
  | { encoding: 'gz'; encoder: 'zlib-parts'; level: number }
) &
  Speed;
/** Brotli in text mode, with the file's size as a hint (worker.mjs). */
export type BrotliSetting = { encoding: 'br'; quality: number; lgwin: number } & Speed;
/** One encoding's setting, as a worker runs it. */
export type Setting = GzipSetting | BrotliSetting;

export type Effort = 'full' | 'quick' | 'large';

const ZLIB_9: GzipSetting = { encoding: 'gz', encoder: 'zlib', level: 9, mbPerS: 20 };

export const EFFORTS: Record<Effort, { gz: GzipSetting; br: BrotliSetting }> = {
  full: { gz: ZLIB_9, br: { encoding: 'br', quality: 11, lgwin: 22, mbPerS: 0.4 } },
  quick: { gz: ZLIB_9, br: { encoding: 'br', quality: 10, lgwin: 24, mbPerS: 1 } },
  large: { gz: { encoding: 'gz', encoder: 'zlib-parts', level: 9, mbPerS: 20 }, br: { encoding: 'br', quality: 9, lgwin: 24, mbPerS: 8 } },
};

/** zopfli, for the `full` effort's .gz when `gzipEncoder: 'zopfli'`. */
export const zopfli = (iterations: number): GzipSetting => ({ encoding: 'gz', encoder: 'zopfli', iterations, mbPerS: 0.1 });
