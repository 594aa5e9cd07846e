/**
 * Pictures on paper (print/images.ts): the print edition dithers the published original again, to
 * two tones at 150 dpi, as wide as the page shows it, instead of printing the screen's 3–11 greys
 * (which a printer screens a second time). Checked on the dither itself and, through Chromium and
 * `solarpress zine`, in the PDF (`pdfimages`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCliAsync, tempSite } from '../../test/support/site.ts';
import { requireTools } from '../../test/support/tools.ts';
import { PRINT_DPI, printDither, TEXT_WIDTH_MM } from './print/images.ts';

/** A left-to-right grey ramp, black to white, as a PNG. */
async function ramp(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.round((255 * x) / (width - 1));
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** The grey values of an image, and the share of white in each tenth of its width. */
async function tones(png: Buffer): Promise<{ values: Set<number>; whiteByTenth: number[]; width: number }> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const values = new Set<number>();
  const white = Array.from({ length: 10 }, () => 0);
  const count = Array.from({ length: 10 }, () => 0);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const v = data[(y * info.width + x) * info.channels]!;
      values.add(v);
      const tenth = Math.floor((10 * x) / info.width);
      count[tenth]!++;
      if (v === 255) white[tenth]!++;
    }
  }
  return { values, whiteByTenth: white.map((w, i) => w / count[i]!), width: info.width };
}

describe('the print dither', () => {
  it('makes two tones, black and white, at 150 dpi of the printed width, following the picture’s greys', async () => {
    const { png, width, height } = await printDither(await ramp(800, 200), TEXT_WIDTH_MM);
    expect(width).toBe(Math.round((TEXT_WIDTH_MM / 25.4) * PRINT_DPI)); // 697
    expect(height).toBe(Math.round((697 * 200) / 800));
    // An indexed PNG of 1 bit per pixel (IHDR: bit depth 1, colour type 3).
    expect([png[24], png[25]]).toEqual([1, 3]);
    const { values, whiteByTenth } = await tones(png);
    expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
    // The share of white dots follows the ramp, tenth by tenth: about 5 %, 15 %, … 95 %.
    whiteByTenth.forEach((share, i) => expect(Math.abs(share - (i + 0.5) / 10), `tenth ${i + 1}: ${share}`).toBeLessThan(0.06));
  });
});

describe.runIf(requireTools('/usr/bin/chromium', 'pdfimages'))('a picture in the print edition', () => {
  it('is printed from the original, dithered to two tones at 150 dpi, as wide as the text block', async () => {
    const intro = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/content/zine/one/01-intro.md'), 'utf8');
    const root = tempSite({
      'content/zine/one/images/ramp.png': await ramp(800, 300),
      'content/zine/one/01-intro.md': `${intro}\n![A grey ramp, black to white](images/ramp.png)\n`,
    });
    try {
      const out = path.join(root, 'print');
      const result = await runCliAsync(root, ['zine', 'one', '--pdf', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      const pdf = path.join(out, readdirSync(out).find((f) => f.endsWith('-a5.pdf'))!);
      // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
      const rows = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean).map((l) => l.trim().split(/\s+/));
      const images = rows.filter((r) => r[2] === 'image');
      expect(images).toHaveLength(1);
      const [, , , width, , , , , , , , , xPpi] = images[0]!;
      expect(Number(width)).toBe(697);
      expect(Math.abs(Number(xPpi) - PRINT_DPI)).toBeLessThanOrEqual(2);
      execFileSync('pdfimages', ['-png', pdf, path.join(out, 'image')]);
      const png = readFileSync(path.join(out, readdirSync(out).find((f) => f.startsWith('image-') && f.endsWith('.png'))!));
      const { values, whiteByTenth } = await tones(png);
      expect([...values].sort((a, b) => a - b)).toEqual([0, 255]);
      expect(whiteByTenth[0]).toBeLessThan(0.15);
      expect(whiteByTenth[9]).toBeGreaterThan(0.85);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
