/**
 * One image from source bytes to published files: decode with sharp (EXIF orientation, alpha
 * flattened onto the background, sRGB 8-bit, fit within maxSize with Lanczos), ordered dither,
 * indexed PNG (+ lossless WebP when smaller), and a resized original for "view original".
 */
import sharp, { type Sharp } from 'sharp';
import { createDitherer } from './fast.ts';
import { explainImageError } from './image-error.ts';
import { encodeIndexedPng } from './png.ts';
import type { DitherSettings } from './settings.ts';

export interface DecodedImage {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** sharp's name of the input format ('jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', …). */
  format: string;
  hasAlpha: boolean;
}

export interface ProcessedImage {
  width: number;
  height: number;
  format: string;
  png: Buffer;
  /** Lossless WebP of the same pixels, when smaller than the PNG. */
  webp?: Buffer;
  /** Size of the WebP that was tried (kept or not), 0 when not tried. */
  webpTried: number;
  original: { data: Buffer; ext: string; type: string };
}

function open(input: Uint8Array | string, settings: DitherSettings) {
  // failOn 'warning': a truncated or damaged file is an error, not a half-grey picture.
  return sharp(input, { limitInputPixels: settings.maxInputPixels, failOn: 'warning', animated: false, pages: 1 });
}

/** The pixels alone, decoded and converted as for the dither. */
export type Pixels = Pick<DecodedImage, 'rgb' | 'width' | 'height'>;

export async function decode(bytes: Uint8Array, settings: DitherSettings): Promise<DecodedImage> {
  return opened(bytes, settings, async (image) => {
    const meta = await image.metadata();
    return { ...(await pixelsOf(image, settings)), format: meta.format ?? 'unknown', hasAlpha: Boolean(meta.hasAlpha) };
  });
}

/**
 * decode() of an image's bytes or of its file (which sharp then reads in its own thread), without
 * the input's format and alpha: only the build's original copy needs them, and `solarpress dither`
 * does without metadata() (a second call into sharp for each image).
 */
export function decodePixels(input: Uint8Array | string, settings: DitherSettings): Promise<Pixels> {
  return opened(input, settings, (image) => pixelsOf(image, settings));
}

/** `use` of the opened image; any failure (empty bytes included) explained as an ImageError. */
async function opened<T>(input: Uint8Array | string, settings: DitherSettings, use: (image: Sharp) => Promise<T>): Promise<T> {
  try {
    if (typeof input !== 'string' && input.length === 0) throw new Error('empty');
    return await use(open(input, settings));
  } catch (error) {
    throw await explainImageError(error, input, settings.maxInputPixels);
  }
}

async function pixelsOf(image: Sharp, settings: DitherSettings): Promise<Pixels> {
  const { data, info } = await image
    .rotate()
    .flatten({ background: settings.background })
    .toColourspace('srgb')
    .resize({ width: settings.maxSize, height: settings.maxSize, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Dithered RGB (for WebP) from palette indices. */
function paletteRgb(indices: Uint8Array, settings: DitherSettings): Buffer {
  const out = Buffer.allocUnsafe(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const c = settings.palette[indices[i]];
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}

export async function encodeWebp(indices: Uint8Array, width: number, height: number, settings: DitherSettings): Promise<Buffer> {
  return sharp(paletteRgb(indices, settings), { raw: { width, height, channels: 3 } })
    .webp({ lossless: true, effort: 1, exact: true })
    .toBuffer();
}

/** The web format an original is published in: PNG stays PNG (GIF too), WebP stays WebP, the rest JPEG. */
function originalFormat(format: string): { ext: string; type: string } {
  if (format === 'png' || format === 'gif') return { ext: 'png', type: 'image/png' };
  if (format === 'webp') return { ext: 'webp', type: 'image/webp' };
  return { ext: 'jpg', type: 'image/jpeg' };
}

function encodeAs(image: Sharp, ext: string, settings: DitherSettings): Promise<Buffer> {
  if (ext === 'png') return image.png({ compressionLevel: 9 }).toBuffer();
  if (ext === 'webp') return image.webp({ quality: 80 }).toBuffer();
  return image.flatten({ background: settings.background }).jpeg({ quality: 80 }).toBuffer();
}

/**
 * The original, oriented and resized like the dither, metadata (GPS!) stripped, in a web format.
 * With transparency it is decoded again (the dither's pixels were flattened); without, the dither's
 * own decoded pixels are reused.
 */
export async function encodeOriginal(bytes: Uint8Array, decoded: DecodedImage, settings: DitherSettings): Promise<ProcessedImage['original']> {
  const { ext, type } = originalFormat(decoded.format);
  try {
    const image = decoded.hasAlpha
      ? open(bytes, settings)
          .rotate()
          .toColourspace('srgb')
          .resize({ width: settings.maxSize, height: settings.maxSize, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
      : sharp(decoded.rgb, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
    return { data: await encodeAs(image, ext, settings), ext, type };
  } catch (error) {
    throw await explainImageError(error, bytes, settings.maxInputPixels);
  }
}

/** Dither decoded pixels and encode the indexed PNG: with the decode, all that `solarpress dither` does. */
export async function ditheredPng({ rgb, width, height }: Pixels, settings: DitherSettings): Promise<{ indices: Uint8Array; png: Buffer }> {
  const indices = createDitherer(settings.palette, settings.threshold).dither(rgb, width, height);
  return { indices, png: await encodeIndexedPng(indices, width, height, settings.palette) };
}

export async function processImage(bytes: Uint8Array, settings: DitherSettings): Promise<ProcessedImage> {
  const decoded = await decode(bytes, settings);
  const { indices, png } = await ditheredPng(decoded, settings);
  const { width, height } = decoded;
  const [webpTried, original] = await Promise.all([
    settings.webp ? encodeWebp(indices, width, height, settings) : Promise.resolve(undefined),
    encodeOriginal(bytes, decoded, settings),
  ]);
  const webp = webpTried && webpTried.length < png.length ? webpTried : undefined;
  return { width, height, format: decoded.format, png, webp, webpTried: webpTried?.length ?? 0, original };
}
