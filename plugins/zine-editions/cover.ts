/**
 * The books' cover, set like the site's typographic cover (big bold capitals in a black frame):
 * an SVG drawn from the edition's cover lines, rasterised by sharp into a two-tone PNG that every
 * e-reader shows, in its library too.
 */
import sharp from 'sharp';
import type { RGB } from '../dither/palette.ts';
import { encodeIndexedPng } from '../dither/png.ts';

const WIDTH = 600;
const HEIGHT = 800;
const MARGIN = 56;
/** Advance of a bold capital in DejaVu Sans Bold, in ems (wide, so lines never overflow). */
const CAPITAL_EM = 0.74;

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Words wrapped into rows of at most `max` characters (a longer word gets a row of its own). */
function wrap(lines: string[], max: number): string[] {
  const rows: string[] = [];
  for (const line of lines) {
    let row = '';
    for (const word of line.split(/\s+/).filter(Boolean)) {
      if (row && row.length + 1 + word.length > max) {
        rows.push(row);
        row = word;
      } else row = row ? `${row} ${word}` : word;
    }
    if (row) rows.push(row);
  }
  return rows;
}

/** The rows and font size that fill the frame: the biggest size at which the wrapped lines fit. */
export function coverLayout(lines: string[]): { rows: string[]; size: number } {
  const upper = lines.map((l) => l.toUpperCase());
  const width = WIDTH - 2 * MARGIN;
  const height = HEIGHT - 2 * MARGIN;
  for (let size = 96; size > 12; size -= 4) {
    const max = Math.floor(width / (size * CAPITAL_EM));
    const rows = wrap(upper, max);
    if (rows.every((r) => r.length <= max) && rows.length * size * 1.08 <= height) return { rows, size };
  }
  return { rows: wrap(upper, 40), size: 12 };
}

export function coverSvg(lines: string[]): string {
  const { rows, size } = coverLayout(lines);
  const lineHeight = size * 1.08;
  const text = rows
    .map((row, i) => `<text x="${MARGIN}" y="${(MARGIN + size * 0.9 + i * lineHeight).toFixed(1)}">${escapeXml(row)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<rect x="16" y="16" width="${WIDTH - 32}" height="${HEIGHT - 32}" fill="none" stroke="#000" stroke-width="8"/>` +
    `<g font-family="DejaVu Sans, sans-serif" font-weight="800" font-size="${size}" fill="#000">${text}</g></svg>`;
}

const BLACK_WHITE: RGB[] = [[0, 0, 0], [255, 255, 255]];

/**
 * The cover as a 1-bit PNG (a few KB), written by the dither plugin's indexed encoder: sharp's own
 * palette PNG quantises the two tones again (libimagequant), most of the EPUB's time (BENCHMARKS.md §7).
 */
export async function coverPng(lines: string[]): Promise<Buffer> {
  const { data, info } = await sharp(Buffer.from(coverSvg(lines))).greyscale().threshold(128).raw().toBuffer({ resolveWithObject: true });
  const indices = new Uint8Array(info.width * info.height);
  for (let i = 0; i < indices.length; i++) indices[i] = data[i * info.channels]! > 127 ? 1 : 0;
  return encodeIndexedPng(indices, info.width, info.height, BLACK_WHITE, { strategies: ['none'] });
}
