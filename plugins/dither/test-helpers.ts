/**
 * Helpers for the dither tests: temporary folders, generated images, a fake FileApi.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { FileCache } from '../../src/cache/file-cache.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { BuildContext, FileApi, Logger, Page } from '../../src/types.ts';
import { PLUGIN_VERSION, STORE } from './cache.ts';
import { resolvePalette } from './palette.ts';
import type { DitherSettings } from './settings.ts';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const vectorsDir = path.resolve(projectRoot, '../shared/dither-vectors');

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'solarpress-dither-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function defaultSettings(over: Partial<DitherSettings> = {}): DitherSettings {
  return { palette: resolvePalette(6), threshold: [96, 96, 96], maxSize: 800, background: '#fafafa', webp: true, maxInputPixels: 100e6, ...over };
}

/**
 * A photo-like picture, the same pixels on every run for a seed: broad colour areas with texture
 * (made at a sixteenth of the size, enlarged and blurred) under a fine sensor-like grain.
 */
export function photo(width: number, height: number, seed = 1): Sharp {
  const w = Math.max(8, Math.round(width / 16));
  const h = Math.max(8, Math.round(height / 16));
  const next = gaussian(seed);
  // Broad shapes (a coarse lattice, interpolated) plus some texture, at a sixteenth of the size.
  const cw = Math.ceil(w / 10) + 1;
  const ch = Math.ceil(h / 10) + 1;
  const coarse = Float64Array.from({ length: cw * ch * 3 }, () => next());
  const field = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [gx, gy] = [x / 10, y / 10];
      const [x0, y0] = [Math.floor(gx), Math.floor(gy)];
      const [fx, fy] = [gx - x0, gy - y0];
      for (let c = 0; c < 3; c++) {
        const at = (i: number, j: number) => coarse[((y0 + j) * cw + x0 + i) * 3 + c];
        const broad = (at(0, 0) * (1 - fx) + at(1, 0) * fx) * (1 - fy) + (at(0, 1) * (1 - fx) + at(1, 1) * fx) * fy;
        field[(y * w + x) * 3 + c] = clampByte(90 + seed * 7 + 60 * broad + 18 * next());
      }
    }
  }
  const grain = Buffer.alloc(width * height * 3);
  for (let i = 0; i < grain.length; i++) grain[i] = clampByte(128 + 20 * next());
  return sharp(field, { raw: { width: w, height: h, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .blur(1.5)
    .composite([{ input: grain, raw: { width, height, channels: 3 }, blend: 'soft-light' }]);
}

/** Seeded standard normal numbers (xorshift32, Box–Muller): test images that are the same on every run. */
function gaussian(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  const uniform = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** The dither store of a cache folder. */
export function ditherStore(cacheRoot: string, cache = new FileCache(cacheRoot)): CacheStore {
  return cache.store(STORE, PLUGIN_VERSION);
}

export interface Recorded {
  warnings: { message: string; line?: number }[];
  emitted: Map<string, string>;
  dependencies: string[];
}

export function fakeFileApi(root: string, cache: FileCache, page: Partial<Page> = {}): { api: FileApi; recorded: Recorded; log: Logger & { lines: string[] } } {
  const recorded: Recorded = { warnings: [], emitted: new Map(), dependencies: [] };
  const lines: string[] = [];
  const log = {
    lines,
    info: (m: string) => void lines.push(m),
    warn: (m: string) => void lines.push(`warning ${m}`),
    progress: () => ({ tick() {}, done() {} }),
  };
  const ctx = {
    config: { contentDir: 'content' },
    root,
    mode: 'build',
    drafts: false,
    log,
    cache: (name: string, version: string) => cache.store(name, version),
    emit() {},
    emitFile() {},
  } as unknown as BuildContext;
  const api: FileApi = {
    page: { id: 'guides/x.md', kind: 'guide', url: '/x/', outputPath: 'x/index.html', title: 'X', authors: [], tags: [], draft: false, layout: 'guide', data: {}, ...page } as Page,
    ctx,
    dependOn: (p) => void recorded.dependencies.push(p),
    emitFile: (out, abs) => void recorded.emitted.set(out, abs),
    urlOf: () => undefined,
    linksTo: () => {},
    warn: (message, line) => void recorded.warnings.push({ message, line }),
  };
  return { api, recorded, log };
}
