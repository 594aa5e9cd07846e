/**
 * The resolved settings one image is dithered with, and their canonical form for cache keys.
 */
import type { RGB } from './palette.ts';
import type { PngStrategy } from './png.ts';

export interface DitherSettings {
  palette: RGB[];
  threshold: RGB;
  /** Fit within maxSize × maxSize (never enlarged). */
  maxSize: number;
  /** Colour transparent pixels are flattened onto, '#rrggbb'. */
  background: string;
  /** Also try lossless WebP and keep it when smaller than the PNG. */
  webp: boolean;
  /** Refuse inputs with more pixels (decompression bombs). */
  maxInputPixels: number;
  /** PNG row-filter strategies to try (smallest kept); default both (see BENCHMARKS.md, dithering). */
  pngStrategies?: PngStrategy[];
}

/** The fields that change the output, in a fixed order. */
export function settingsFingerprint(s: DitherSettings): string {
  return JSON.stringify([s.palette, s.threshold, s.maxSize, s.background.toLowerCase(), s.webp, s.pngStrategies ?? ['none', 'adaptive']]);
}
