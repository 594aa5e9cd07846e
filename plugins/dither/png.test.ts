import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NAMED_PALETTES, type RGB } from './palette.ts';
import { bitDepthFor, encodeIndexedPng } from './png.ts';

function ihdr(png: Buffer) {
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), depth: png[24], colourType: png[25] };
}

function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    types.push(png.subarray(at + 4, at + 8).toString('latin1'));
    at += 12 + length;
  }
  return types;
}

function indicesFor(width: number, height: number, colours: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = (i * 7 + Math.floor(i / width) * 3) % colours;
  return out;
}

async function decodedRgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

const colourful = (n: number): RGB[] => Array.from({ length: n }, (_, i) => [(i * 37) % 256, (i * 91) % 256, 255 - i] as RGB);

describe('indexed PNG', () => {
  it('uses the smallest bit depth the palette allows', () => {
    expect([2, 3, 4, 5, 6, 11, 16, 17, 255].map(bitDepthFor)).toEqual([1, 2, 2, 4, 4, 4, 4, 8, 8]);
  });

  for (const [name, palette] of [
    ['3 greys', NAMED_PALETTES[3]],
    ['6 greys', NAMED_PALETTES[6]],
    ['11 greys', NAMED_PALETTES[11]],
    ['2 colours', colourful(2)],
    ['40 colours', colourful(40)],
  ] as [string, RGB[]][]) {
    for (const strategies of [['none'], ['adaptive'], ['none', 'adaptive']] as const) {
      it(`${name}, filters ${strategies.join('+')}: IHDR, PLTE of the palette only, every pixel exact`, async () => {
        const width = 37; // odd: exercises partial bytes at bit depths 1, 2, 4
        const height = 23;
        const indices = indicesFor(width, height, palette.length);
        const png = await encodeIndexedPng(indices, width, height, palette, { strategies: [...strategies] });
        expect(ihdr(png)).toEqual({ width, height, depth: bitDepthFor(palette.length), colourType: 3 });
        expect(chunkTypes(png).filter((t, i, all) => t !== all[i - 1])).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
        const plteLength = png.readUInt32BE(33);
        expect(plteLength).toBe(palette.length * 3);
        const { data, info } = await decodedRgb(png);
        expect([info.width, info.height, info.channels]).toEqual([width, height, 3]);
        for (let i = 0; i < indices.length; i++) {
          expect([data[3 * i], data[3 * i + 1], data[3 * i + 2]]).toEqual(palette[indices[i]]);
        }
      });
    }
  }

  it('rejects indices that do not match the size', async () => {
    await expect(encodeIndexedPng(new Uint8Array(5), 2, 2, NAMED_PALETTES[3])).rejects.toThrow(/width × height/);
  });

  it('a 1×1 image and a one-colour palette', async () => {
    const png = await encodeIndexedPng(new Uint8Array([0]), 1, 1, [[12, 34, 56]]);
    expect(ihdr(png)).toMatchObject({ width: 1, height: 1, depth: 1 });
    expect([...(await decodedRgb(png)).data]).toEqual([12, 34, 56]);
  });

  it('a tall image decodes exactly too', async () => {
    const [width, height] = [50, 400];
    for (const palette of [NAMED_PALETTES[3], NAMED_PALETTES[11]]) {
      const indices = indicesFor(width, height, palette.length);
      const { data } = await decodedRgb(await encodeIndexedPng(indices, width, height, palette));
      for (let i = 0; i < indices.length; i++) expect([data[3 * i], data[3 * i + 1], data[3 * i + 2]]).toEqual(palette[indices[i]]);
    }
  });
});
