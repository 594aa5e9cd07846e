/**
 * Images for paper. The site's dithered PNG is made for screens: up to 800 px in 3–11 greys. On a
 * laser printer or a photocopier (a zine gets copied) only black dots exist, so every grey is screened
 * again by the printer, whose own pattern beats against the Bayer pattern (moiré) and clogs the mid
 * tones. So the print edition dithers again, for paper: the published original (the same picture
 * before its screen dither) in grey, resized to the size it is printed at, at 150 dots per inch, then
 * the dither plugin's ordered Bayer dither to two tones, black and white. Every dot (1/150 in, 4 × 4
 * dots of a 600 dpi printer) is printed as it is, without a second screen, and survives a copier;
 * the visible pattern stays the solar look. SVG stays vector.
 */
import sharp from 'sharp';
import { createDitherer } from '../../dither/fast.ts';
import type { RGB } from '../../dither/palette.ts';
import { encodeIndexedPng } from '../../dither/png.ts';
import { MissingImageError, type ReadOutput } from '../epub.ts';
import type { Edition } from '../edition.ts';

/** Dots per inch of the print dither. */
export const PRINT_DPI = 150;
/** Text-block width of the A5 page (148 − 2 × 15 mm): no image is printed wider. */
export const TEXT_WIDTH_MM = 118;
/** CSS pixels per millimetre: how wide Chromium prints an image whose width is not set. */
const CSS_PX_PER_MM = 96 / 25.4;

const BLACK_WHITE: RGB[] = [[0, 0, 0], [255, 255, 255]];
/*
 * The dither plugin adds threshold·(1 + cell)/65 to a value and takes the nearer tone. With values
 * halved (0–127.5) and threshold 128, a pixel is white when v > 255 − 3.94·(1 + cell): 64 thresholds
 * spread evenly over 0–255, the classic two-tone ordered dither, from the plugin's own tables.
 */
const PRINT_DITHERER = createDitherer(BLACK_WHITE, [128, 128, 128]);

export interface PrintImage {
  /** data: URL of the image as printed. */
  src: string;
  /** Printed width in mm (its pixels are PRINT_DPI dots per inch at this width); none for SVG. */
  widthMm?: number;
}

/** An image element of a page body: its published URL, the original's, and its width on screen. */
interface Found {
  src: string;
  original?: string;
  width?: number;
}

function imagesOf(edition: Edition): Found[] {
  const found: Found[] = [];
  const walk = (node: unknown): void => {
    const n = node as { type?: string; tagName?: string; properties?: Record<string, unknown>; children?: unknown[] };
    const p = n.properties;
    if (n.type === 'element' && n.tagName === 'img' && typeof p?.src === 'string' && p.src.startsWith('/')) {
      found.push({ src: p.src, original: typeof p.dataOriginal === 'string' ? p.dataOriginal : undefined, width: typeof p.width === 'number' ? p.width : Number(p.width) || undefined });
    }
    n.children?.forEach(walk);
  };
  for (const page of edition.parts) walk(page.body);
  return found;
}

/** One picture dithered for paper: two tones at PRINT_DPI, printed `widthMm` wide. */
export async function printDither(bytes: Uint8Array, widthMm: number): Promise<{ png: Buffer; width: number; height: number }> {
  const width = Math.max(1, Math.round((widthMm / 25.4) * PRINT_DPI));
  const { data, info } = await sharp(bytes)
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize({ width, kernel: 'lanczos3' })
    .linear(0.5, 0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The ditherer reads RGB: the grey value three times.
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0; i < info.width * info.height; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = data[i * info.channels]!;
  const indices = PRINT_DITHERER.dither(rgb, info.width, info.height);
  return { png: await encodeIndexedPng(indices, info.width, info.height, BLACK_WHITE, { strategies: ['none'] }), width: info.width, height: info.height };
}

/** Every published image of the edition's parts, by its URL, as it is printed. */
export async function printImages(edition: Edition, read: ReadOutput): Promise<Map<string, PrintImage>> {
  const images = new Map<string, PrintImage>();
  for (const image of imagesOf(edition)) {
    if (images.has(image.src)) continue;
    const source = image.original ?? image.src;
    const bytes = read(source.slice(1));
    if (!bytes) throw new MissingImageError(`the image ${source} is not published, so the print edition cannot hold it`);
    if (source.toLowerCase().endsWith('.svg')) {
      images.set(image.src, { src: `data:image/svg+xml;base64,${Buffer.from(bytes).toString('base64')}` });
      continue;
    }
    // As wide as the screen shows it (CSS pixels), never wider than the text block.
    const natural = image.width ?? (await sharp(bytes).metadata()).width ?? 0;
    const widthMm = Math.min(TEXT_WIDTH_MM, natural / CSS_PX_PER_MM);
    const { png } = await printDither(bytes, widthMm);
    images.set(image.src, { src: `data:image/png;base64,${png.toString('base64')}`, widthMm });
  }
  return images;
}
