/**
 * The resolved settings one image is dithered with, and their canonical form for cache keys.
 */
import type { RGB } from './palette.ts';

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
}

/** The fields that change the output, in a fixed order. */
export function settingsFingerprint(s: DitherSettings): string {
  return JSON.stringify([s.palette, s.threshold, s.maxSize, s.background.toLowerCase(), s.webp]);
}
