/**
 * The fast ordered dither: the same result as ditherReference, bit for bit, from lookup tables.
 *
 * For each of the 64 Bayer cells the threshold offsets are fixed, so the nearest colour depends on
 * the pixel alone. The tables hold the answer wherever it is certain — the best colour wins by more
 * than MARGIN, far beyond float rounding — and FALLBACK elsewhere, where the pixel is computed by the
 * reference formula. Two table shapes:
 * - grey palettes (r = g = b for every colour): distance² = Σv² − 2p·Σv + 3p², so the winner depends
 *   on r+g+b only: a table of 64 cells × 766 sums;
 * - any palette: per cell, a 32×32×32 grid of 8×8×8 value blocks. Distance differences are affine in
 *   the pixel, so if one colour wins by > MARGIN at all 8 corners of a block it wins inside it too.
 */
import { BAYER8 } from './bayer.ts';
import { isGreyPalette, type RGB } from './palette.ts';

const MARGIN = 1e-6;
const FALLBACK = 255;
const SUMS = 766;

export interface Ditherer {
  readonly grey: boolean;
  dither(rgb: Uint8Array, width: number, height: number, out?: Uint8Array): Uint8Array;
}

const cache = new Map<string, Ditherer>();

/** A ditherer for a palette and threshold; tables are built once and reused (2 MB for colour palettes). */
export function createDitherer(palette: readonly RGB[], threshold: RGB): Ditherer {
  if (palette.length < 1 || palette.length > 255) throw new Error('a palette holds 1 to 255 colours');
  const key = JSON.stringify([palette, threshold]);
  let ditherer = cache.get(key);
  if (!ditherer) {
    ditherer = isGreyPalette(palette) ? greyDitherer(palette, threshold) : colourDitherer(palette, threshold);
    if (cache.size > 16) cache.clear();
    cache.set(key, ditherer);
  }
  return ditherer;
}

/**
 * The reference's nearest colour (same float operations, same order), over a flat palette so the
 * hot loop stays monomorphic.
 */
function exactNearest(palette: readonly RGB[]): (v0: number, v1: number, v2: number) => number {
  const flat = Float64Array.from(palette.flat());
  const n = palette.length;
  return (v0, v1, v2) => {
    let best = 0;
    let bestDistance = Infinity;
    for (let p = 0, q = 0; p < n; p++, q += 3) {
      const d0 = v0 - flat[q];
      const d1 = v1 - flat[q + 1];
      const d2 = v2 - flat[q + 2];
      const d = d0 * d0 + d1 * d1 + d2 * d2;
      if (d < bestDistance) {
        bestDistance = d;
        best = p;
      }
    }
    return best;
  };
}

/** offsets[c][pos]: the threshold offset of channel c at Bayer position pos = (y % 8) * 8 + x % 8. */
function offsetsOf(threshold: RGB): Float64Array[] {
  return [0, 1, 2].map((c) => Float64Array.from(BAYER8, (cell) => (threshold[c] * (1 + cell)) / 65));
}

function greyDitherer(palette: readonly RGB[], threshold: RGB): Ditherer {
  const offsets = offsetsOf(threshold);
  const table = greyTable(palette, offsets);
  const nearest = exactNearest(palette);
  return {
    grey: true,
    dither(rgb, width, height, out = new Uint8Array(width * height)) {
      const [o0, o1, o2] = offsets;
      let i = 0;
      for (let y = 0; y < height; y++) {
        const row = (y & 7) << 3;
        for (let x = 0; x < width; x++, i++) {
          const pos = row | (x & 7);
          const r = rgb[3 * i];
          const g = rgb[3 * i + 1];
          const b = rgb[3 * i + 2];
          const k = table[pos * SUMS + r + g + b];
          out[i] = k !== FALLBACK ? k : nearest(r + o0[pos], g + o1[pos], b + o2[pos]);
        }
      }
      return out;
    },
  };
}

/**
 * The grey table from where the nearest grey changes, in runs, not by scoring every colour at every
 * entry (that took 40 ms of each start, mostly before V8 optimised the loop). With S = r + g + b + shift,
 * distance²(a) − distance²(b) = 2(b − a)(S − 1.5(a + b)) for greys a < b: between the boundaries
 * 1.5(a + b) of neighbouring greys one grey is nearest, by at least 2|S − boundary| (greys are whole
 * numbers), and greys further away lose by more. Within MARGIN of a boundary: FALLBACK. Equal greys
 * tie exactly, and the reference keeps the first: so does the table.
 */
function greyTable(palette: readonly RGB[], offsets: Float64Array[]): Uint8Array {
  const greys = [...new Set(palette.map(([v]) => v))].sort((a, b) => a - b);
  const index = greys.map((v) => palette.findIndex(([g]) => g === v));
  const bounds = greys.slice(1).map((v, k) => 1.5 * (greys[k] + v));
  const table = new Uint8Array(64 * SUMS);
  for (let pos = 0; pos < 64; pos++) {
    const row = table.subarray(pos * SUMS, (pos + 1) * SUMS);
    const shift = offsets[0][pos] + offsets[1][pos] + offsets[2][pos];
    let start = 0;
    greys.forEach((_, k) => {
      // Grey k up to the first sum at or past its upper boundary (the last grey: to the end).
      const end = k < bounds.length ? Math.min(SUMS, Math.max(start, Math.ceil(bounds[k] - shift))) : SUMS;
      row.fill(index[k], start, end);
      start = end;
    });
    for (const bound of bounds) {
      const s = Math.round(bound - shift);
      if (s >= 0 && s < SUMS && Math.abs(s + shift - bound) <= MARGIN) row[s] = FALLBACK;
    }
  }
  return table;
}

function colourDitherer(palette: readonly RGB[], threshold: RGB): Ditherer {
  const offsets = offsetsOf(threshold);
  const table = new Uint8Array(64 << 15);
  const side = 33; // lattice 0, 8, …, 256: corners of the 32 blocks per channel
  const corner = new Uint8Array(side * side * side);
  const scores = new Float64Array(palette.length);
  for (let pos = 0; pos < 64; pos++) {
    const [o0, o1, o2] = [offsets[0][pos], offsets[1][pos], offsets[2][pos]];
    for (let a = 0; a < side; a++) {
      for (let b = 0; b < side; b++) {
        for (let c = 0; c < side; c++) {
          const v0 = 8 * a + o0;
          const v1 = 8 * b + o1;
          const v2 = 8 * c + o2;
          for (let p = 0; p < palette.length; p++) {
            const q = palette[p];
            scores[p] = (v0 - q[0]) * (v0 - q[0]) + (v1 - q[1]) * (v1 - q[1]) + (v2 - q[2]) * (v2 - q[2]);
          }
          corner[(a * side + b) * side + c] = certainWinner(scores);
        }
      }
    }
    const base = pos << 15;
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 32; b++) {
        for (let c = 0; c < 32; c++) {
          const k = corner[(a * side + b) * side + c];
          let same = k !== FALLBACK;
          for (let n = 1; same && n < 8; n++) {
            same = corner[((a + (n >> 2)) * side + b + ((n >> 1) & 1)) * side + c + (n & 1)] === k;
          }
          table[base | (a << 10) | (b << 5) | c] = same ? k : FALLBACK;
        }
      }
    }
  }
  const nearest = exactNearest(palette);
  return {
    grey: false,
    dither(rgb, width, height, out = new Uint8Array(width * height)) {
      const [o0, o1, o2] = offsets;
      let i = 0;
      for (let y = 0; y < height; y++) {
        const row = (y & 7) << 3;
        for (let x = 0; x < width; x++, i++) {
          const pos = row | (x & 7);
          const r = rgb[3 * i];
          const g = rgb[3 * i + 1];
          const b = rgb[3 * i + 2];
          const k = table[(pos << 15) | ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)];
          out[i] = k !== FALLBACK ? k : nearest(r + o0[pos], g + o1[pos], b + o2[pos]);
        }
      }
      return out;
    },
  };
}

/** The index of the smallest score if it beats every other by more than MARGIN, else FALLBACK. */
function certainWinner(scores: Float64Array): number {
  let best = 0;
  for (let p = 1; p < scores.length; p++) if (scores[p] < scores[best]) best = p;
  for (let p = 0; p < scores.length; p++) {
    if (p !== best && scores[p] - scores[best] <= MARGIN) return FALLBACK;
  }
  return best;
}
