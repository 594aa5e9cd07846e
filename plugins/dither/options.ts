/**
 * The `dither` section of site.config.ts, and the settings one image gets from it:
 * site default → the page's category palette → the image's own override.
 */
import * as z from 'zod';
import type { PaletteSpec } from './palette.ts';
import { DEFAULT_OPTIONS } from './settings.ts';

const channel = z.number().int().min(0).max(255);
const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'write a colour as #rrggbb or [r, g, b]');

export const paletteSchema = z.union([
  z.literal(3),
  z.literal(6),
  z.literal(11),
  z.array(z.union([z.tuple([channel, channel, channel]), hexColour])).min(2).max(255),
]);

export const thresholdSchema = z.union([z.number().min(0).max(255), z.tuple([z.number().min(0).max(255), z.number().min(0).max(255), z.number().min(0).max(255)])]);

export const ditherOptionsSchema = z.strictObject({
  /** 3, 6 or 11 grey tones, or a list of colours ([r, g, b] or '#rrggbb'). */
  palette: paletteSchema.default(DEFAULT_OPTIONS.palette),
  /** Dither strength per channel (one number for all three). */
  threshold: thresholdSchema.default(DEFAULT_OPTIONS.threshold),
  /** Images are fitted within maxSize × maxSize pixels, never enlarged. */
  maxSize: z.number().int().min(16).max(4096).default(DEFAULT_OPTIONS.maxSize),
  /** Transparent areas are flattened onto this colour (the theme's page background). */
  background: hexColour.default(DEFAULT_OPTIONS.background),
  /** Also encode lossless WebP and serve it (with a PNG fallback) where it is smaller. */
  webp: z.boolean().default(DEFAULT_OPTIONS.webp),
  /** A palette per category (front matter `category`). */
  categories: z.record(z.string(), paletteSchema).default({}),
  /** Publish pages without images that cannot be read (with a warning) instead of failing the build. */
  skipInvalid: z.boolean().default(DEFAULT_OPTIONS.skipInvalid),
  /** Refuse images with more pixels than this (decompression bombs). */
  maxInputPixels: z.number().int().positive().default(DEFAULT_OPTIONS.maxInputPixels),
  /** Worker threads; default one per core, 0 works in the main thread. */
  workers: z.number().int().min(0).max(64).optional(),
});

export type DitherOptions = z.output<typeof ditherOptionsSchema>;
export type DitherOptionsInput = z.input<typeof ditherOptionsSchema>;

/** What an image's own override may change. */
export interface DitherOverride {
  palette?: PaletteSpec;
  threshold?: number | [number, number, number];
}
