/**
 * Dither benchmark: a corpus of ≥ 20 generated photos of 1–12 MP (made with sharp at benchmark time,
 * cached in the temp folder; nothing third-party is committed), through the dither plugin.
 *
 *   node --import tsx bench/dither.ts [--runs 3] [--workers 2] [--archive 600] [--photos DIR]
 *
 * Prints Markdown: dithering alone (fast vs reference loop, MP/s on one core), each pipeline stage,
 * the whole plugin cold and cached through the worker pool (images/s, MP/s), the 600-photo archive
 * (extrapolated, or run with --archive N), and output sizes against Pillow's optimize=True PNG of the
 * same indices (Debian python3-pil), sharp's palette PNG, and lossless WebP.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createDitherer } from '../plugins/dither/fast.ts';
import { resolvePalette, type RGB } from '../plugins/dither/palette.ts';
import { decode, encodeOriginal, encodeWebp } from '../plugins/dither/process.ts';
import { encodeIndexedPng, packRows, type PngStrategy } from '../plugins/dither/png.ts';
import { deflateSync } from 'node:zlib';
import { ditherReference } from '../plugins/dither/reference.ts';
import { DitherService } from '../plugins/dither/service.ts';
import { PLUGIN_VERSION, STORE } from '../plugins/dither/cache.ts';
import { FileCache } from '../src/cache/file-cache.js';
import type { DitherSettings } from '../plugins/dither/settings.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    workers: { type: 'string', default: String(availableParallelism()) },
    archive: { type: 'string' },
    photos: { type: 'string' },
    count: { type: 'string', default: '24' },
  },
});
const runs = Number(args.runs);
const workers = Number(args.workers);

const settings = (palette: 3 | 6 | 11 = 6, over: Partial<DitherSettings> = {}): DitherSettings => ({
  palette: resolvePalette(palette),
  threshold: [96, 96, 96],
  maxSize: 800,
  background: '#fafafa',
  webp: true,
  maxInputPixels: 100e6,
  ...over,
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f1 = (x: number) => x.toFixed(1);
const kb = (n: number) => (n / 1024).toFixed(1);

/** A photo-like JPEG: smooth colour fields at several scales, a sky gradient, fine grain. */
async function makePhoto(width: number, height: number, seed: number): Promise<Buffer> {
  const layer = (scale: number, sigma: number) =>
    sharp({ create: { width: Math.max(4, Math.round(width / scale)), height: Math.max(4, Math.round(height / scale)), channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma } } })
      .resize(width, height, { kernel: 'cubic' })
      .png({ compressionLevel: 0 })
      .toBuffer();
  const sky = Buffer.alloc(width * 3 * 2);
  for (let x = 0; x < width; x++) sky.set([90 + ((seed * 37) % 100), 140, 200 - ((seed * 23) % 80)], 3 * x);
  for (let x = 0; x < width; x++) sky.set([40, 60 + ((seed * 11) % 90), 30], 3 * (width + x));
  const gradient = await sharp(sky, { raw: { width, height: 2, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'linear' }).png({ compressionLevel: 0 }).toBuffer();
  const [coarse, medium, fine] = await Promise.all([layer(400, 70), layer(40, 40), layer(3, 12)]);
  return sharp(gradient)
    .composite([
      { input: coarse, blend: 'overlay' },
      { input: medium, blend: 'soft-light' },
      { input: fine, blend: 'soft-light' },
    ])
    .jpeg({ quality: 88 })
    .toBuffer();
}

async function corpus(): Promise<string[]> {
  if (args.photos) {
    return readdirSync(args.photos)
      .filter((n) => /\.(jpe?g|png|webp)$/i.test(n))
      .map((n) => path.join(args.photos!, n));
  }
  const count = Number(args.count);
  const dir = path.join(tmpdir(), `solarpress-dither-corpus-v1-${count}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const mp = 1 + (11 * i) / (count - 1); // 1 … 12 MP
    const width = Math.round(Math.sqrt(mp * 1e6 * 1.5));
    const height = Math.round(width / 1.5);
    const [w, h] = i % 4 === 3 ? [height, width] : [width, height]; // some portrait
    const file = path.join(dir, `photo-${String(i).padStart(2, '0')}-${w}x${h}.jpg`);
    if (!existsSync(file)) writeFileSync(file, await makePhoto(w, h, i));
    files.push(file);
  }
  return files;
}

const files = await corpus();
const metas = await Promise.all(files.map((f) => sharp(f).metadata()));
const inputMP = metas.reduce((s, m) => s + (m.width! * m.height!) / 1e6, 0);
const inputBytes = files.reduce((s, f) => s + statSync(f).size, 0);
const out: string[] = [];
const print = (line = '') => {
  out.push(line);
  console.log(line);
};

print(`## Dither benchmark`);
print();
print(`- command: \`node --import tsx bench/dither.ts ${process.argv.slice(2).join(' ')}\`; median of ${runs} runs where timed`);
print(`- machine: ${cpus()[0].model}, ${availableParallelism()} cores, Node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);
print(`- load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the machine is shared: wall times suffer, CPU times much less)`);
print(`- corpus: ${files.length} ${args.photos ? `photos from ${args.photos}` : 'generated photo-like JPEGs (q88)'}, ${f1(inputMP)} MP, ${f1(inputBytes / 1024 / 1024)} MB; ${f1(Math.min(...metas.map((m) => (m.width! * m.height!) / 1e6)))}–${f1(Math.max(...metas.map((m) => (m.width! * m.height!) / 1e6)))} MP each`);
print();

// 1. Decode once (what the workers hand to the ditherer), then time the dithering alone on one core.
const decoded = [];
for (const f of files) decoded.push(await decode(readFileSync(f), settings()));
const ditherMP = decoded.reduce((s, d) => s + (d.width * d.height) / 1e6, 0);
const fullRes = await sharp(files.at(-1)!).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
const fullMP = (fullRes.info.width * fullRes.info.height) / 1e6;

print(`### Dithering alone (after decode), one core`);
print();
print(`| palette | loop | ${f1(ditherMP)} MP at ≤ 800 px: MP/s | one ${f1(fullMP)} MP image at full size: MP/s | same indices as reference |`);
print(`|---|---|---:|---:|---|`);
const testPalettes: [string, RGB[]][] = [
  ['6 greys', resolvePalette(6)],
  ['3 greys', resolvePalette(3)],
  ['11 greys', resolvePalette(11)],
  ['6 colours', resolvePalette(['#1e2028', '#0b1547', '#394dae', '#9ea8da', '#bbc4e6', '#f3f4fa'])],
];
for (const [name, palette] of testPalettes) {
  const threshold: RGB = [96, 96, 96];
  const fast = createDitherer(palette, threshold);
  const time = (fn: (rgb: Uint8Array, w: number, h: number) => Uint8Array, images: { rgb: Uint8Array; width: number; height: number }[]) =>
    median(
      Array.from({ length: runs }, () => {
        const t0 = performance.now();
        for (const d of images) fn(d.rgb, d.width, d.height);
        return (performance.now() - t0) / 1000;
      }),
    );
  const full = [{ rgb: new Uint8Array(fullRes.data.buffer, fullRes.data.byteOffset, fullRes.data.length), width: fullRes.info.width, height: fullRes.info.height }];
  const same = decoded.every((d) => Buffer.from(fast.dither(d.rgb, d.width, d.height)).equals(ditherReference(d.rgb, d.width, d.height, palette, threshold)));
  const fastFn = (rgb: Uint8Array, w: number, h: number) => fast.dither(rgb, w, h);
  const refFn = (rgb: Uint8Array, w: number, h: number) => ditherReference(rgb, w, h, palette, threshold);
  print(`| ${name} | lookup tables | ${f1(ditherMP / time(fastFn, decoded))} | ${f1(fullMP / time(fastFn, full))} | ${same ? 'yes' : '**NO**'} |`);
  print(`| ${name} | reference | ${f1(ditherMP / time(refFn, decoded))} | ${f1(fullMP / time(refFn, full))} | — |`);
}
print();

// 2. Stages, one thread, per image (median over the corpus of the per-image time).
print(`### Pipeline stages, one thread (ms per image, median over the corpus)`);
print();
const stage: Record<string, number[]> = { decode: [], 'dither (fast)': [], 'dither (reference)': [], 'PNG, filter none': [], 'PNG, adaptive filters': [], 'PNG, default (both, smaller kept)': [], 'node:zlib level 9 (same rows)': [], 'WebP lossless (effort 1)': [], original: [] };
const sizes: { png: number; pngNone: number; pngAdaptive: number; nodeZlib: number; webp: number; name: string; indices: Uint8Array; width: number; height: number }[] = [];
for (let i = 0; i < files.length; i++) {
  const bytes = readFileSync(files[i]);
  const s = settings();
  let t0 = performance.now();
  const d = await decode(bytes, s);
  stage.decode.push(performance.now() - t0);
  t0 = performance.now();
  const indices = createDitherer(s.palette, s.threshold).dither(d.rgb, d.width, d.height);
  stage['dither (fast)'].push(performance.now() - t0);
  t0 = performance.now();
  ditherReference(d.rgb, d.width, d.height, s.palette, s.threshold);
  stage['dither (reference)'].push(performance.now() - t0);
  const png = async (strategies: PngStrategy[]) => {
    const t = performance.now();
    const b = await encodeIndexedPng(indices, d.width, d.height, s.palette, { strategies });
    return [b.length, performance.now() - t];
  };
  const [pngNone, tNone] = await png(['none']);
  const [pngAdaptive, tAdaptive] = await png(['adaptive']);
  t0 = performance.now();
  const nodeZlib = deflateSync(packRows(indices, d.width, d.height, 4).packed, { level: 9, memLevel: 9 }).length; // lower bound: no filter bytes
  stage['node:zlib level 9 (same rows)'].push(performance.now() - t0);
  stage['PNG, filter none'].push(tNone);
  stage['PNG, adaptive filters'].push(tAdaptive);
  stage['PNG, default (both, smaller kept)'].push(tNone + tAdaptive);
  t0 = performance.now();
  const webp = await encodeWebp(indices, d.width, d.height, s);
  stage['WebP lossless (effort 1)'].push(performance.now() - t0);
  t0 = performance.now();
  await encodeOriginal(bytes, d, s);
  stage.original.push(performance.now() - t0);
  sizes.push({ png: Math.min(pngNone, pngAdaptive), pngNone, pngAdaptive, nodeZlib, webp: webp.length, name: path.basename(files[i]), indices, width: d.width, height: d.height });
}
print(`| stage | ms |`);
print(`|---|---:|`);
for (const [name, times] of Object.entries(stage)) print(`| ${name} | ${f1(median(times))} |`);
print();

// 3. The whole plugin through the worker pool: cold (empty cache), then cached.
print(`### Whole plugin (decode → dither → PNG + WebP + original → cache), ${workers} worker threads`);
print();
const timings = { cold: [] as number[], cached: [] as number[], coldCpu: [] as number[] };
for (let r = 0; r < runs; r++) {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'solarpress-dither-bench-'));
  try {
    const cold = new DitherService({ store: new FileCache(cacheDir).store(STORE, PLUGIN_VERSION), workers });
    let t0 = performance.now();
    const cpu0 = process.cpuUsage(); // this process: main thread, worker threads and libvips threads
    await Promise.all(files.map((f) => cold.dither(f, settings())));
    timings.cold.push((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    timings.coldCpu.push((cpu.user + cpu.system) / 1e6);
    await cold.close();
    const warm = new DitherService({ store: new FileCache(cacheDir).store(STORE, PLUGIN_VERSION), workers });
    t0 = performance.now();
    await Promise.all(files.map((f) => warm.dither(f, settings())));
    timings.cached.push((performance.now() - t0) / 1000);
    await warm.close();
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
// Reference-loop pipeline: the fast pipeline's time with the dither stage swapped for the loop's.
const refExtra = stage['dither (reference)'].reduce((a, b) => a + b, 0) - stage['dither (fast)'].reduce((a, b) => a + b, 0);
const coldS = median(timings.cold);
const cachedS = median(timings.cached);
const refS = coldS + refExtra / 1000 / workers;
print(`| run | seconds | images/s | input MP/s |`);
print(`|---|---:|---:|---:|`);
print(`| cold, lookup-table dither | ${coldS.toFixed(2)} | ${f1(files.length / coldS)} | ${f1(inputMP / coldS)} |`);
print(`| cold, reference loop (estimated: cold + extra loop time / workers) | ${refS.toFixed(2)} | ${f1(files.length / refS)} | ${f1(inputMP / refS)} |`);
print(`| cached (hash + look-up only) | ${cachedS.toFixed(2)} | ${f1(files.length / cachedS)} | ${f1(inputMP / cachedS)} |`);
print();
const perImage = coldS / files.length;
const cpuPerImage = median(timings.coldCpu) / files.length;
print(`CPU time, cold: ${(cpuPerImage * 1000).toFixed(0)} ms per image (all threads).`);
print();
print(`600-photo archive (${f1(inputMP / files.length)} MP average), extrapolated: **${(600 * perImage).toFixed(0)} s** cold from this run's wall time, **${((600 * cpuPerImage) / workers).toFixed(0)} s** from its CPU time on ${workers} idle cores; ${(600 * (cachedS / files.length)).toFixed(1)} s cached (target < 60 s on 2 cores).`);

if (args.archive) {
  const n = Number(args.archive);
  const dir = mkdtempSync(path.join(tmpdir(), 'solarpress-dither-archive-'));
  try {
    const copies: string[] = [];
    for (let i = 0; i < n; i++) {
      // A distinct JPEG per copy (a COM segment after SOI), so every one is a cache miss.
      const src = readFileSync(files[i % files.length]);
      const note = Buffer.from(`copy ${i}`);
      const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0, note.length + 2]), note]);
      const file = path.join(dir, `p${i}.jpg`);
      writeFileSync(file, Buffer.concat([src.subarray(0, 2), com, src.subarray(2)]));
      copies.push(file);
    }
    const service = new DitherService({ store: new FileCache(path.join(dir, 'cache')).store(STORE, PLUGIN_VERSION), workers });
    const t0 = performance.now();
    await Promise.all(copies.map((f) => service.dither(f, settings())));
    const s = (performance.now() - t0) / 1000;
    await service.close();
    print();
    print(`${n}-photo archive, run: **${s.toFixed(1)} s** cold (${f1(n / s)} images/s).`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
print();
print(`- load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
print();

// 4. Sizes: our PNG against Pillow optimize=True, sharp's palette PNG, WebP lossless (6 greys).
print(`### Output size, 6 greys (KB, totals over the corpus)`);
print();
const pillowDir = mkdtempSync(path.join(tmpdir(), 'solarpress-dither-pillow-'));
let pillow: number[] = [];
try {
  const palette = settings().palette.flat();
  sizes.forEach((s, i) => writeFileSync(path.join(pillowDir, `${i}.idx`), s.indices));
  const jobs = sizes.map((s, i) => [path.join(pillowDir, `${i}.idx`), s.width, s.height]);
  const script = `
import json, sys, io
from PIL import Image
jobs, palette = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = []
for path, w, h in jobs:
    im = Image.frombytes('P', (w, h), open(path, 'rb').read())
    im.putpalette(palette)
    buf = io.BytesIO()
    im.save(buf, 'PNG', optimize=True)
    out.append(len(buf.getvalue()))
print(json.dumps(out))`;
  pillow = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(jobs), JSON.stringify(palette)], { encoding: 'utf8' }));
} catch (error) {
  print(`(Pillow not available: ${(error as Error).message.split('\n')[0]} — apt-get install python3-pil)`);
} finally {
  rmSync(pillowDir, { recursive: true, force: true });
}
const sharpPng = await Promise.all(
  sizes.map(async (s) => {
    const rgb = Buffer.alloc(s.indices.length * 3);
    const p = settings().palette;
    s.indices.forEach((k, i) => rgb.set(p[k], 3 * i));
    return (await sharp(rgb, { raw: { width: s.width, height: s.height, channels: 3 } }).png({ palette: true, colours: 6, effort: 10, compressionLevel: 9, dither: 0 }).toBuffer()).length;
  }),
);
const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ours = sizes.map((s) => s.png);
print(`| encoder | total KB | vs ours |`);
print(`|---|---:|---:|`);
print(`| ours (default): indexed PNG 4-bit, zlib-ng level 9 (libvips), smaller of two filter strategies | ${kb(total(ours))} | — |`);
print(`| ours, filter none on every row | ${kb(total(sizes.map((s) => s.pngNone)))} | ${f1((total(sizes.map((s) => s.pngNone)) / total(ours) - 1) * 100)} % |`);
print(`| node:zlib level 9 of the same rows (IDAT data only) | ${kb(total(sizes.map((s) => s.nodeZlib)))} | ${f1((total(sizes.map((s) => s.nodeZlib)) / total(ours) - 1) * 100)} % |`);
print(`| ours, adaptive filter per row | ${kb(total(sizes.map((s) => s.pngAdaptive)))} | ${f1((total(sizes.map((s) => s.pngAdaptive)) / total(ours) - 1) * 100)} % (smaller than none on ${sizes.filter((s) => s.pngAdaptive < s.pngNone).length}/${sizes.length}) |`);
if (pillow.length) {
  const larger = sizes.filter((s, i) => s.png > pillow[i]).length;
  print(`| Pillow 9 \`optimize=True\` of the same indices | ${kb(total(pillow))} | ${f1((total(pillow) / total(ours) - 1) * 100)} % (ours larger on ${larger}/${sizes.length} images) |`);
}
print(`| sharp \`png({ palette: true, colours: 6, effort: 10, compressionLevel: 9 })\` | ${kb(total(sharpPng))} | ${f1((total(sharpPng) / total(ours) - 1) * 100)} % |`);
print(`| WebP lossless (effort 1) | ${kb(total(sizes.map((s) => s.webp)))} | ${f1((total(sizes.map((s) => s.webp)) / total(ours) - 1) * 100)} % (smaller on ${sizes.filter((s) => s.webp < s.png).length}/${sizes.length}) |`);
print(`| input JPEGs | ${kb(inputBytes)} | |`);
print();

// Per palette: PNG bytes of the whole corpus.
print(`| palette | bit depth | PNG total KB | WebP total KB | WebP kept on |`);
print(`|---|---:|---:|---:|---:|`);
for (const p of [3, 6, 11] as const) {
  const s = settings(p);
  let png = 0;
  let webp = 0;
  let kept = 0;
  for (const d of decoded) {
    const indices = createDitherer(s.palette, s.threshold).dither(d.rgb, d.width, d.height);
    const a = (await encodeIndexedPng(indices, d.width, d.height, s.palette)).length;
    const b = (await encodeWebp(indices, d.width, d.height, s)).length;
    png += a;
    webp += b;
    if (b < a) kept++;
  }
  print(`| ${p} greys | ${p <= 4 ? 2 : 4} | ${kb(png)} | ${kb(webp)} | ${kept}/${decoded.length} |`);
}
