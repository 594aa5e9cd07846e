/**
 * How hard each file is compressed: by its kind (path and size) and the build's effort. A plain
 * `solarpress build` compresses what changed at the `edit` effort, whose time fits an edit;
 * `solarpress deploy` and `build --release` bring every file to the `release` effort, within 6 % of
 * maximum effort for .gz (zopfli 15 iterations) and 3 % for .br (brotli 11). A file whose
 * release siblings are cached keeps them in later plain builds.
 *
 * Measured on the club's site and the 1,000-article bench site (BENCHMARKS.md §3; CPU on the 2-core
 * test machine; "+x %" is bytes over maximum effort; the bench feeds are 4.5 MB of repetitive items,
 * the club's 223 KB of prose):
 *
 * - `steady` files, the ones that rarely change (articles, pages, CSS, JS), are always at release
 *   effort: zlib 9 (+3.6 % on the club's 16, +3.5 % on 60 of the bench's pages; `gzipEncoder:
 *   'zopfli'`: zopfli) and brotli 11 (the 4 MB window: 0.0 % over the 16 MB one); one page costs
 *   milliseconds, and a cold build of 1,000 articles can afford it (zopfli would be ~200 s of CPU).
 * - `changing` files (feeds, sitemap, the theme's generated pages) up to 512 KB. Edit: zlib 9 and
 *   brotli 5 (8 ms for a 223 KB club feed against brotli 10's 175 ms and brotli 11's 450 ms): +4.1 %
 *   .gz and +16.5 % .br on the club's 48, +12.8 % and +19.8 % on the bench's 14. Release: zopfli
 *   (`zopfliIterations`, 15) and brotli 11: zlib 9 is +11 to +14 % on the bench's lists and +23 % on its
 *   sitemap, whose links repeat; zopfli 1 would be +6.8 % on the sitemap at ~80 % of 15's time (its
 *   match search, not the iterations, is the cost: 1.3–2 s for a 37 KB tag page under load).
 * - `large` files, over 512 KB (the full-content feeds at 1,000 articles). Edit: zlib 9 in parts of
 *   ~130 KB (gzip-parts.ts: only the parts an edit touched are compressed again; +6.9 % over zopfli 15)
 *   and brotli 5 with the 16 MB window (~0.12 s per 4.5 MB feed; +137 % on the bench feed, whose
 *   items repeat, brotli 9 would be +32 % at 0.4 s): +6.9 % .gz and +137 % .br on the three bench
 *   feeds. Release: zopfli 1 iteration in parts of ≥ 512 KB (+2.6 % on the three, +2.8 % on
 *   feed.xml; ~2.2 s of CPU per MB, and an edit recompresses one or two
 *   parts; zopfli takes no dictionary, so a part starts with an empty window: in parts of ~130 KB
 *   that was +11 %; zopfli 1 whole is +1.4 % at the same speed) and brotli 11 with the 16 MB window
 *   (12–16 s per feed, whole: brotli streams cannot be joined; brotli 10 is +3.0 to +5.1 % on the
 *   bench feeds, not within 3 %).
 */

interface Speed {
  /** Measured speed, MB of original per CPU-second on the test machine: orders the queue (longest first). */
  mbPerS: number;
}
export type GzipSetting = (
  | { encoding: 'gz'; encoder: 'zopfli'; iterations: number }
  | { encoding: 'gz'; encoder: 'zlib'; level: number }
  /** zlib in parts joined into one member, each compressed once with the window before it (gzip-parts.ts). */
  | { encoding: 'gz'; encoder: 'zlib-parts'; level: number }
  /** zopfli in parts joined into one member, each compressed alone (deflate-final.ts, gzip-parts.ts). */
  | { encoding: 'gz'; encoder: 'zopfli-parts'; iterations: number }
) &
  Speed;
/** Brotli in text mode, with the file's size as a hint (worker.mjs). */
export type BrotliSetting = { encoding: 'br'; quality: number; lgwin: number } & Speed;
/** One encoding's setting, as a worker runs it. */
export type Setting = GzipSetting | BrotliSetting;
export type Encoding = Setting['encoding'];

/** What a file is, for compression: decided by path and size only (precompress.ts kindOf). */
export type Kind = 'steady' | 'changing' | 'large';
export type Effort = 'edit' | 'release';
export type Settings = { gz: GzipSetting; br: BrotliSetting };

/** zopfli on the whole file: small files' release .gz (`zopfliIterations` sets the iterations). */
export const zopfli = (iterations: number): GzipSetting => ({ encoding: 'gz', encoder: 'zopfli', iterations, mbPerS: 0.1 });

const ZLIB_9: GzipSetting = { encoding: 'gz', encoder: 'zlib', level: 9, mbPerS: 20 };
const BROTLI_11: BrotliSetting = { encoding: 'br', quality: 11, lgwin: 22, mbPerS: 0.4 };

export const EFFORTS: Record<Kind, Record<Effort, Settings>> = {
  steady: { edit: { gz: ZLIB_9, br: BROTLI_11 }, release: { gz: ZLIB_9, br: BROTLI_11 } },
  changing: {
    edit: { gz: ZLIB_9, br: { encoding: 'br', quality: 5, lgwin: 22, mbPerS: 25 } },
    release: { gz: zopfli(15), br: BROTLI_11 },
  },
  large: {
    edit: { gz: { encoding: 'gz', encoder: 'zlib-parts', level: 9, mbPerS: 20 }, br: { encoding: 'br', quality: 5, lgwin: 24, mbPerS: 35 } },
    release: { gz: { encoding: 'gz', encoder: 'zopfli-parts', iterations: 1, mbPerS: 0.45 }, br: { encoding: 'br', quality: 11, lgwin: 24, mbPerS: 0.3 } },
  },
};

/** What the bytes of a setting's output depend on: the setting, not its measured speed. */
export function settingKey({ mbPerS, ...setting }: Setting): string {
  return JSON.stringify(setting);
}
