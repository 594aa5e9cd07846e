import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createDitherer } from './fast.ts';
import { decode, ditheredPng, processImage } from './process.ts';
import type { RGB } from './palette.ts';
import { defaultSettings, photo } from './test-helpers.ts';

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } });

function expectAllNear(rgb: Uint8Array, colour: RGB, tolerance: number) {
  let worst = 0;
  for (let i = 0; i < rgb.length; i++) worst = Math.max(worst, Math.abs(rgb[i] - colour[i % 3]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('decode: every input format to 8-bit sRGB', () => {
  const colour: RGB = [200, 100, 50];
  // [name, format as sharp names it, maker, tolerance: lossy formats and colour-space round trips drift]
  const inputs: [string, string, () => Promise<Buffer>, number][] = [
    ['JPEG', 'jpeg', () => solid(64, 48, '#c86432').jpeg({ quality: 95 }).toBuffer(), 6],
    ['PNG', 'png', () => solid(64, 48, '#c86432').png().toBuffer(), 0],
    ['WebP', 'webp', () => solid(64, 48, '#c86432').webp({ lossless: true }).toBuffer(), 0],
    ['GIF', 'gif', () => solid(64, 48, '#c86432').gif().toBuffer(), 8],
    ['TIFF', 'tiff', () => solid(64, 48, '#c86432').tiff().toBuffer(), 0],
    ['AVIF', 'heif', () => solid(64, 48, '#c86432').avif({ quality: 90 }).toBuffer(), 8], // sharp calls AVIF 'heif'
    ['16-bit PNG', 'png', () => solid(64, 48, '#c86432').toColourspace('rgb16').png().toBuffer(), 1],
    ['palette PNG', 'png', () => solid(64, 48, '#c86432').png({ palette: true }).toBuffer(), 2],
    ['CMYK JPEG', 'jpeg', () => solid(64, 48, '#c86432').toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(), 32],
  ];
  for (const [name, format, make, tolerance] of inputs) {
    it(name, async () => {
      const input = await make();
      const meta = await sharp(input).metadata();
      if (name.startsWith('CMYK')) expect(meta.space).toBe('cmyk');
      if (name.startsWith('16-bit')) expect(meta.depth).toBe('ushort');
      if (name.startsWith('palette')) expect(meta.isPalette).toBe(true);
      const decoded = await decode(input, defaultSettings());
      expect(decoded.format).toBe(format);
      expect([decoded.width, decoded.height]).toEqual([64, 48]);
      expect(decoded.rgb.length).toBe(64 * 48 * 3);
      expectAllNear(decoded.rgb, colour, tolerance);
    });
  }

  it('grey input becomes three equal channels', async () => {
    const grey = await solid(30, 20, '#808080').toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const decoded = await decode(grey, defaultSettings());
    expect(decoded.rgb.length).toBe(30 * 20 * 3);
    expectAllNear(decoded.rgb, [128, 128, 128], 0);
  });

  it('takes the first frame of an animated GIF', async () => {
    const red = await solid(20, 10, '#ff0000').png().toBuffer();
    const blue = await solid(20, 10, '#0000ff').png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const decoded = await decode(gif, defaultSettings());
    expect([decoded.width, decoded.height]).toEqual([20, 10]);
    expectAllNear(decoded.rgb, [255, 0, 0], 8);
  });

  it('applies EXIF orientation (6: rotate 90° clockwise)', async () => {
    // Stored 60×40, left half red and right half blue; shown upright it is 40×60, red on top.
    const left = await solid(30, 40, '#ff0000').png().toBuffer();
    const stored = await solid(60, 40, '#0000ff').composite([{ input: left, left: 0, top: 0 }]).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const decoded = await decode(stored, defaultSettings());
    expect([decoded.width, decoded.height]).toEqual([40, 60]);
    const at = (x: number, y: number) => [...decoded.rgb.subarray(3 * (y * 40 + x), 3 * (y * 40 + x) + 3)];
    expect(at(20, 5)[0]).toBeGreaterThan(200);
    expect(at(20, 5)[2]).toBeLessThan(50);
    expect(at(20, 55)[2]).toBeGreaterThan(200);
    expect(at(20, 55)[0]).toBeLessThan(50);
  });

  it('flattens transparency onto the background option, not black', async () => {
    const clear = await sharp({ create: { width: 16, height: 16, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expectAllNear((await decode(clear, defaultSettings())).rgb, [250, 250, 250], 0);
    expectAllNear((await decode(clear, defaultSettings({ background: '#336699' }))).rgb, [0x33, 0x66, 0x99], 0);
  });

  it('fits within maxSize keeping the aspect ratio, and never enlarges', async () => {
    const wide = await solid(3000, 1000, '#777777').png().toBuffer();
    const tall = await solid(500, 1500, '#777777').png().toBuffer();
    const small = await solid(100, 50, '#777777').png().toBuffer();
    expect(await decode(wide, defaultSettings()).then((d) => [d.width, d.height])).toEqual([800, 267]);
    expect(await decode(tall, defaultSettings()).then((d) => [d.width, d.height])).toEqual([267, 800]);
    expect(await decode(tall, defaultSettings({ maxSize: 300 })).then((d) => [d.width, d.height])).toEqual([100, 300]);
    expect(await decode(small, defaultSettings()).then((d) => [d.width, d.height])).toEqual([100, 50]);
  });
});

describe('processImage', () => {
  it('publishes a palette-only PNG, a WebP only when smaller, and a resized original', async () => {
    const settings = defaultSettings();
    const image = await processImage(await photo(1600, 1200).jpeg().toBuffer(), settings);
    expect([image.width, image.height]).toEqual([800, 600]);
    const { data, info } = await sharp(image.png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    const allowed = new Set(settings.palette.map((c) => c.join()));
    for (let i = 0; i < data.length; i += 3) expect(allowed.has(`${data[i]},${data[i + 1]},${data[i + 2]}`)).toBe(true);
    expect(image.webpTried).toBeGreaterThan(0);
    if (image.webp) {
      expect(image.webp.length).toBeLessThan(image.png.length);
      const webpPixels = await sharp(image.webp).removeAlpha().raw().toBuffer();
      expect(webpPixels.equals(data)).toBe(true); // lossless: the same pixels as the PNG
    } else {
      expect(image.webpTried).toBeGreaterThanOrEqual(image.png.length);
    }
    expect(image.original.ext).toBe('jpg');
    const original = await sharp(image.original.data).metadata();
    expect([original.width, original.height, original.format]).toEqual([800, 600, 'jpeg']);
  });

  it('keeps PNG originals as PNG and strips metadata', async () => {
    const input = await photo(300, 200).png().withMetadata({ orientation: 1, density: 300 }).toBuffer();
    const image = await processImage(input, defaultSettings({ webp: false }));
    expect(image.webpTried).toBe(0);
    expect(image.webp).toBeUndefined();
    expect(image.original.ext).toBe('png');
    expect((await sharp(image.original.data).metadata()).exif).toBeUndefined();
  });

  it('keeps transparency in a PNG original (the dither is flattened, the original is not)', async () => {
    const input = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    const image = await processImage(input, defaultSettings({ webp: false }));
    const original = await sharp(image.original.data).metadata();
    expect([original.format, original.hasAlpha, original.width]).toEqual(['png', true, 40]);
    expect((await sharp(image.png).metadata()).hasAlpha).toBe(false);
  });
});

describe('colour profiles', () => {
  it('a JPEG with an ICC profile (Display P3) is converted to sRGB before dithering, as a browser shows it', async () => {
    // Four flat colours in sRGB, saved as Display P3: the file holds other numbers for the same colours.
    const width = 128;
    const height = 96;
    const colours: RGB[] = [[220, 40, 40], [40, 200, 60], [40, 60, 220], [230, 180, 140]];
    const srgb = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) srgb.set(colours[(x >> 6) + (y >= 48 ? 2 : 0)], 3 * (y * width + x));
    const p3 = await sharp(srgb, { raw: { width, height, channels: 3 } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(p3).metadata()).icc?.length).toBeGreaterThan(0);
    // What a reader that ignores the profile gets (Pillow does): red is (202, 60, 50), not (220, 40, 40).
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    const meanDifference = (a: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - srgb[i]), 0) / a.length;
    expect(meanDifference(stored)).toBeGreaterThan(10);

    const palette: RGB[] = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [255, 200, 150]];
    const settings = defaultSettings({ palette, webp: false });
    const decoded = await decode(p3, settings);
    const { indices, png } = await ditheredPng(decoded, settings);
    expect(meanDifference(decoded.rgb)).toBeLessThan(3);
    // The published dither is that of the sRGB colours, not of the numbers in the file.
    const ditherer = createDitherer(palette, settings.threshold);
    const share = (a: Uint8Array, b: Uint8Array) => a.filter((v, i) => v !== b[i]).length / a.length;
    expect(share(indices, ditherer.dither(srgb, width, height))).toBeLessThan(0.05);
    expect(share(ditherer.dither(stored, width, height), ditherer.dither(srgb, width, height))).toBeGreaterThan(0.15);
    const published = await sharp(png).raw().toBuffer();
    expect(published.length).toBe(width * height * 3);
    expect(published.subarray(0, 3)).toEqual(Buffer.from(palette[indices[0]]));
  });
});
