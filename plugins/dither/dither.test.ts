import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAYER8, bayerMatrix } from './bayer.ts';
import { createDitherer } from './fast.ts';
import { NAMED_PALETTES, type RGB } from './palette.ts';
import { ditherReference } from './reference.ts';
import { vectorsDir } from './test-helpers.ts';

interface Vector {
  name: string;
  width: number;
  height: number;
  palette: RGB[];
  threshold: RGB;
  order: number;
  rgb_base64: string;
  expected_indices_base64: string;
}

const vectors: Vector[] = readdirSync(vectorsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(vectorsDir, f), 'utf8')));

describe('golden vectors', () => {
  it('finds the shared vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(16);
  });
  for (const v of vectors) {
    const rgb = new Uint8Array(Buffer.from(v.rgb_base64, 'base64'));
    const expected = new Uint8Array(Buffer.from(v.expected_indices_base64, 'base64'));
    it(`${v.name}: reference loop`, () => {
      expect(v.order).toBe(8);
      expect(ditherReference(rgb, v.width, v.height, v.palette, v.threshold)).toEqual(expected);
    });
    it(`${v.name}: fast version`, () => {
      expect(createDitherer(v.palette, v.threshold).dither(rgb, v.width, v.height)).toEqual(expected);
    });
  }
});

describe('Bayer matrix', () => {
  it('holds 0..63 once each, built from I2 = [[0,2],[3,1]]', () => {
    expect([...BAYER8].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(bayerMatrix(2)).toEqual([[0, 2], [3, 1]]);
    expect(bayerMatrix(4)[0]).toEqual([0, 8, 2, 10]);
    expect(bayerMatrix(4)[1]).toEqual([12, 4, 14, 6]);
  });
});

/** Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('fast version equals the reference loop', () => {
  const cases: [string, RGB[], RGB][] = [
    ['6 greys', NAMED_PALETTES[6], [96, 96, 96]],
    ['3 greys, threshold 65 (ties in real numbers)', NAMED_PALETTES[3], [65, 65, 65]],
    ['11 greys, per-channel threshold', NAMED_PALETTES[11], [40, 96, 130]],
    ['colour palette with a duplicate colour', [[0, 0, 0], [255, 0, 0], [0, 0, 0], [10, 200, 30], [250, 250, 250]], [65, 65, 65]],
    ['colour palette, 2 colours', [[30, 32, 40], [243, 244, 250]], [96, 50, 0]],
    ['grey palette with equal distances', [[0, 0, 0], [130, 130, 130], [260 - 5, 255, 255]], [130, 130, 130]],
  ];
  for (const [name, palette, threshold] of cases) {
    it(name, () => {
      const width = 301;
      const height = 97;
      const rgb = randomBytes(width * height * 3, name.length * 7919);
      expect(createDitherer(palette, threshold).dither(rgb, width, height)).toEqual(ditherReference(rgb, width, height, palette, threshold));
    });
  }
  it('every sum r + g + b at every Bayer cell, grey palettes (named, unsorted, with equal greys, 2 greys)', () => {
    // Pixel x of each row has sum floor(x / 8) and Bayer column x % 8; rows 0–7 give every cell.
    const width = 766 * 8;
    const height = 8;
    const rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const s = x >> 3;
        const r = Math.min(255, s);
        const g = Math.min(255, s - r);
        rgb.set([r, g, s - r - g], 3 * (y * width + x));
      }
    }
    const greys = (...vs: number[]): RGB[] => vs.map((v) => [v, v, v]);
    const palettes = [...Object.values(NAMED_PALETTES), greys(200, 10, 90, 255), greys(40, 120, 40, 200, 120), greys(0, 255)];
    for (const palette of palettes) {
      for (const threshold of [[65, 65, 65], [96, 96, 96], [40, 96, 255]] as RGB[]) {
        expect(createDitherer(palette, threshold).dither(rgb, width, height)).toEqual(ditherReference(rgb, width, height, palette, threshold));
      }
    }
  });
  it('every grey level at every Bayer cell, for each named palette', () => {
    const width = 256;
    const height = 8 * 3;
    const rgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.fill(x, 3 * (y * width + x), 3 * (y * width + x) + 3);
    for (const palette of Object.values(NAMED_PALETTES)) {
      for (const t of [0, 1, 64, 65, 96, 130, 255]) {
        const threshold: RGB = [t, t, t];
        expect(createDitherer(palette, threshold).dither(rgb, width, height)).toEqual(ditherReference(rgb, width, height, palette, threshold));
      }
    }
  });
});
