/**
 * An indexed PNG encoder: exact palette indices (sharp's palette output re-quantises and picks its own
 * order), the smallest bit depth the palette allows, the palette's colours only.
 *
 * The deflate is zlib-ng's level 9 inside libvips (via sharp): smaller than node:zlib's level 9 on
 * dithered rows and 2–5× faster (see BENCHMARKS.md, dithering). The trick: PNG filters work on bytes, one
 * byte per "pixel" below 8 bits, exactly as for an 8-bit grey image. So the packed index rows, handed
 * to sharp as a grey image one byte per column, come back as an IDAT stream that is valid, unchanged,
 * for the indexed image; we write our own IHDR and PLTE around it.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { RGB } from './palette.ts';

export function bitDepthFor(colours: number): 1 | 2 | 4 | 8 {
  return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

/** Index rows packed at `depth` bits per pixel (high bits first), `stride` bytes per row, no filter bytes. */
export function packRows(indices: Uint8Array, width: number, height: number, depth: number): { packed: Uint8Array; stride: number } {
  const stride = Math.ceil((width * depth) / 8);
  if (depth === 8) return { packed: indices, stride };
  const packed = new Uint8Array(height * stride);
  const perByte = 8 / depth;
  // A byte at a time, built from its pixels; past the row's end, zeros. No separate code for a partly
  // filled last byte: V8 would compile the loop without it and fall back to its interpreter for the
  // rest of the first image of odd width (30-40 ms of the command's main thread).
  for (let y = 0, src = 0; y < height; y++, src += width) {
    const row = y * stride;
    if (depth === 4) {
      for (let j = 0, x = 0; j < stride; j++, x += 2) packed[row + j] = (indices[src + x] << 4) | (x + 1 < width ? indices[src + x + 1] : 0);
    } else {
      for (let j = 0, x = 0; j < stride; j++) {
        let byte = 0;
        for (let k = 0; k < perByte; k++, x++) byte = (byte << depth) | (x < width ? indices[src + x] : 0);
        packed[row + j] = byte;
      }
    }
  }
  return { packed, stride };
}

/** Row filters: 'none' everywhere (best for dithered rows, as a rule), or libspng's adaptive choice per row. */
export type PngStrategy = 'none' | 'adaptive';

/**
 * The filter strategy an image is encoded with: rows unfiltered for palettes of up to 8 colours,
 * adaptive filters above. Measured on photos (BENCHMARKS.md, section 2): unfiltered rows are the
 * smaller for 3 and 6 greys and for a 6-colour palette (or within 0.2 %, and no larger than Pillow's
 * optimize=True), adaptive filters 7–10 % smaller for 11 greys. Encoding both and keeping the smaller
 * cost a second, slower deflate for at most 0.7 % (6 greys).
 */
export function strategyFor(colours: number): PngStrategy {
  return colours <= 8 ? 'none' : 'adaptive';
}

export interface PngOptions {
  /** Filter strategies to try; the smallest result is kept. Default: strategyFor(the palette's size). */
  strategies?: PngStrategy[];
}

export async function encodeIndexedPng(indices: Uint8Array, width: number, height: number, palette: readonly RGB[], options: PngOptions = {}): Promise<Buffer> {
  if (indices.length !== width * height) throw new Error('indices do not match width × height');
  if (palette.length < 1 || palette.length > 256) throw new Error('a PNG palette holds 1 to 256 colours');
  const depth = bitDepthFor(palette.length);
  const { packed, stride } = packRows(indices, width, height, depth);
  let idat: Buffer[] | undefined;
  let best = Infinity;
  for (const strategy of options.strategies ?? [strategyFor(palette.length)]) {
    const carrier = await sharp(packed, { raw: { width: stride, height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9, adaptiveFiltering: strategy === 'adaptive' })
      .toBuffer();
    const chunks = idatChunks(carrier);
    const size = chunks.reduce((n, c) => n + c.length + 12, 0);
    if (size < best) {
      best = size;
      idat = chunks;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 3; // colour type: indexed
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    ...idat!.map((data) => chunk('IDAT', data)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The data of every IDAT chunk of a PNG, in order (one zlib stream split across them). */
export function idatChunks(png: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') out.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}
