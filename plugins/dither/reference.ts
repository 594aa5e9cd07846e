/**
 * The plain per-pixel ordered dither, written exactly as the algorithm reads: the definition the fast
 * implementation is tested against, and the baseline of the benchmark.
 */
import { BAYER8 } from './bayer.ts';
import type { RGB } from './palette.ts';

/** rgb: row-major RGB bytes; returns one palette index per pixel. */
export function ditherReference(rgb: Uint8Array, width: number, height: number, palette: readonly RGB[], threshold: RGB): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const cell = BAYER8[(y % 8) * 8 + (x % 8)];
      const v0 = rgb[3 * i] + (threshold[0] * (1 + cell)) / 65;
      const v1 = rgb[3 * i + 1] + (threshold[1] * (1 + cell)) / 65;
      const v2 = rgb[3 * i + 2] + (threshold[2] * (1 + cell)) / 65;
      out[i] = nearest(v0, v1, v2, palette);
    }
  }
  return out;
}

/** Index of the palette colour nearest to (v0, v1, v2) by Euclidean distance; the first on ties. */
export function nearest(v0: number, v1: number, v2: number, palette: readonly RGB[]): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let p = 0; p < palette.length; p++) {
    const [r, g, b] = palette[p];
    const d = (v0 - r) * (v0 - r) + (v1 - g) * (v1 - g) + (v2 - b) * (v2 - b);
    if (d < bestDistance) {
      bestDistance = d;
      best = p;
    }
  }
  return best;
}
