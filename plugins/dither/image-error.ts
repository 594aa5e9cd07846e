/**
 * Why an image could not be read, in words an author can act on. Plain data, so it crosses from a
 * worker thread intact.
 */
import { statSync } from 'node:fs';
import sharp from 'sharp';

export interface ImageProblem {
  reason: string;
  hint: string;
}

export class ImageError extends Error implements ImageProblem {
  readonly reason: string;
  readonly hint: string;
  constructor({ reason, hint }: ImageProblem) {
    super(reason);
    this.name = 'ImageError';
    this.reason = reason;
    this.hint = hint;
  }
}

function isEmpty(input: Uint8Array | string): boolean {
  if (typeof input !== 'string') return input.length === 0;
  try {
    return statSync(input).size === 0;
  } catch {
    return false;
  }
}

const FORMATS = 'JPEG, PNG, WebP, GIF, TIFF, AVIF or SVG';

/** Turn a sharp failure on `input` (an image's bytes, or its file) into an ImageError. */
export async function explainImageError(error: unknown, input: Uint8Array | string, maxInputPixels: number): Promise<ImageError> {
  if (error instanceof ImageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isEmpty(input)) {
    return new ImageError({ reason: 'the image file is empty (0 bytes)', hint: 'copy the image again from where it came from, or remove the reference' });
  }
  if (/pixel limit/i.test(message)) {
    let size = '';
    try {
      const { width, height } = await sharp(input, { limitInputPixels: false }).metadata();
      if (width && height) size = ` (${width}×${height} = ${((width * height) / 1e6).toFixed(0)} MP)`;
    } catch {
      // the header alone was enough for the limit check; without dimensions the message still stands
    }
    return new ImageError({
      reason: `the image is larger than the limit of ${(maxInputPixels / 1e6).toFixed(0)} megapixels${size}: a decompression bomb or an unreduced scan`,
      hint: 'scale the image down before adding it (the site publishes at most the dither size), or raise dither.maxInputPixels in site.config.ts if you trust it',
    });
  }
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) {
    return new ImageError({
      reason: `not an image solarpress can read (${FORMATS}); the extension may not match the content`,
      hint: 'check the file is really an image (e.g. with `file`), and re-export it in one of those formats',
    });
  }
  return new ImageError({
    reason: `the image is corrupt or truncated (${message.trim().split('\n')[0]})`,
    hint: 'copy or export the image again; a partly downloaded file is the usual cause',
  });
}
