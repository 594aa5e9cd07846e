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

/** A photo-like picture: smooth noise in colour. */
export function photo(width: number, height: number, seed = 1): Sharp {
  return sharp({ create: { width: Math.max(8, Math.round(width / 16)), height: Math.max(8, Math.round(height / 16)), channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 90 + seed * 7, sigma: 50 } } })
    .resize(width, height, { kernel: 'cubic' })
    .blur(1.5);
}

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
