/**
 * An indexed PNG encoder: exact palette indices (sharp's palette output re-quantises), the smallest
 * bit depth the palette allows, and the smallest of a few filter/deflate strategies at zlib level 9.
 */
import { constants, crc32, deflateSync } from 'node:zlib';
import type { RGB } from './palette.ts';

export function bitDepthFor(colours: number): 1 | 2 | 4 | 8 {
  return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

/** Rows of packed indices, each preceded by its filter-type byte 0 (None). */
export function packRows(indices: Uint8Array, width: number, height: number, depth: number): { raw: Uint8Array; stride: number } {
  const stride = Math.ceil((width * depth) / 8);
  const raw = new Uint8Array(height * (stride + 1));
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    const src = y * width;
    if (depth === 8) {
      raw.set(indices.subarray(src, src + width), row);
      continue;
    }
    for (let x = 0; x < width; x++) {
      const shift = 8 - depth * ((x % perByte) + 1);
      raw[row + Math.floor(x / perByte)] |= indices[src + x] << shift;
    }
  }
  return { raw, stride };
}

/** Per row, the filter (0–4) whose output has the least sum of absolute signed bytes (libpng's heuristic). */
export function adaptiveFilter(raw: Uint8Array, stride: number, height: number): Uint8Array {
  const out = new Uint8Array(raw.length);
  const line = new Uint8Array(stride);
  const best = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1) + 1;
    const cur = raw.subarray(at, at + stride);
    const prev = y > 0 ? raw.subarray(at - stride - 1, at - 1) : undefined;
    let bestSum = Infinity;
    let bestType = 0;
    for (let type = 0; type < 5; type++) {
      if (type > 1 && !prev) break; // Up/Average/Paeth against a zero row only repeat None/Sub
      let sum = 0;
      for (let x = 0; x < stride; x++) {
        const a = x > 0 ? cur[x - 1] : 0;
        const b = prev ? prev[x] : 0;
        const c = prev && x > 0 ? prev[x - 1] : 0;
        const predictor = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (cur[x] - predictor) & 0xff;
        line[x] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        bestType = type;
        best.set(line);
      }
    }
    out[at - 1] = bestType;
    out.set(best, at);
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export type PngStrategy = 'none' | 'adaptive';

export interface PngOptions {
  /** Filter strategies to try; the smallest result is kept. Default: none (dithered rows compress best unfiltered). */
  strategies?: PngStrategy[];
}

export function encodeIndexedPng(indices: Uint8Array, width: number, height: number, palette: readonly RGB[], options: PngOptions = {}): Buffer {
  if (indices.length !== width * height) throw new Error('indices do not match width × height');
  const depth = bitDepthFor(palette.length);
  const { raw, stride } = packRows(indices, width, height, depth);
  let idat: Buffer | undefined;
  for (const strategy of options.strategies ?? ['none']) {
    const data = strategy === 'none' ? raw : adaptiveFilter(raw, stride, height);
    const compressed = deflateSync(data, { level: 9, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
    if (!idat || compressed.length < idat.length) idat = compressed;
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
    chunk('IDAT', idat!),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
