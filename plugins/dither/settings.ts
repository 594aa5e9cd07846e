/**
 * The resolved settings one image is dithered with, the defaults of the `dither` section, and the
 * settings' canonical form for cache keys. No zod here: `solarpress dither` in a site whose config
 * has no `dither` section starts without loading it.
 */
import type { DitherOptions, DitherOverride } from './options.ts';
import { resolvePalette, resolveThreshold, type RGB } from './palette.ts';

/** The `dither` section's defaults (options.ts's schema gives them to missing fields). */
export const DEFAULT_OPTIONS = {
  palette: 6,
  threshold: 96,
  maxSize: 800,
  background: '#fafafa',
  // Off: on photos the lossless WebP saves ~2 % of the PNG for ~3× its CPU (README, BENCHMARKS.md §2).
  webp: false,
  categories: {},
  skipInvalid: false,
  maxInputPixels: 100_000_000,
} as const;

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

export function settingsFor(options: DitherOptions, category?: string, override: DitherOverride = {}): DitherSettings {
  const palette = override.palette ?? (category !== undefined ? options.categories[category] : undefined) ?? options.palette;
  return {
    palette: resolvePalette(palette),
    threshold: resolveThreshold(override.threshold ?? options.threshold),
    maxSize: options.maxSize,
    background: options.background,
    webp: options.webp,
    maxInputPixels: options.maxInputPixels,
  };
}
