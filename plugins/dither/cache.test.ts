import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRACE_MS } from '../../src/cache/store.js';
import { cacheKey } from './cache.ts';
import { libvipsId } from './libvips.ts';
import { resolvePalette } from './palette.ts';
import { DitherService } from './service.ts';
import { defaultSettings, ditherStore, photo, tempDir } from './test-helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function writePhoto(name: string, seed: number) {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, await photo(400, 300, seed).jpeg().toBuffer());
  return file;
}

describe('the libvips in the cache key', () => {
  it("is named by sharp's release when sharp brings its own libvips, without loading sharp for it", async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const dir = path.dirname(path.dirname(require.resolve('sharp')));
    const fromSource = existsSync(path.join(dir, 'src/build/Release'));
    const sharp = (await import('sharp')).default;
    const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(libvipsId()).toBe(fromSource ? `vips ${sharp.versions.vips}` : `sharp ${version}`);
    // The prebuilt libvips sharp loads is the one its release pins.
    if (!fromSource) expect(sharp.versions.sharp).toBe(version);
  });
});

describe('dither cache', () => {
  it('keys on the source bytes and the settings', () => {
    const bytes = Buffer.from('same bytes');
    const base = cacheKey(bytes, defaultSettings());
    expect(cacheKey(Buffer.from('same bytes'), defaultSettings())).toBe(base);
    expect(cacheKey(Buffer.from('other bytes'), defaultSettings())).not.toBe(base);
    expect(cacheKey(bytes, defaultSettings({ palette: resolvePalette(3) }))).not.toBe(base);
    expect(cacheKey(bytes, defaultSettings({ threshold: [64, 64, 64] }))).not.toBe(base);
    expect(cacheKey(bytes, defaultSettings({ maxSize: 400 }))).not.toBe(base);
    expect(cacheKey(bytes, defaultSettings({ background: '#000000' }))).not.toBe(base);
    expect(cacheKey(bytes, defaultSettings({ maxInputPixels: 5 }))).toBe(base); // a limit changes no output
  });

  it('misses, then hits without redoing the work; a changed palette re-dithers', async () => {
    const file = await writePhoto('a.jpg', 1);
    const cacheDir = path.join(tmp.dir, 'cache');
    const first = new DitherService({ store: ditherStore(cacheDir), workers: 0 });
    const entry = await first.dither(file, defaultSettings());
    expect(first.stats).toMatchObject({ images: 1, fresh: 1, cached: 0 });
    expect(existsSync(entry.png.file)).toBe(true);
    expect(first.cache.store.find(entry.key)).toBeDefined(); // its record

    const second = new DitherService({ store: ditherStore(cacheDir), workers: 0 });
    const again = await second.dither(file, defaultSettings());
    expect(again).toEqual(entry);
    expect(second.stats).toMatchObject({ images: 1, fresh: 0, cached: 1 });

    const other = await second.dither(file, defaultSettings({ palette: resolvePalette(3) }));
    expect(other.key).not.toBe(entry.key);
    expect(second.stats).toMatchObject({ images: 2, fresh: 1, cached: 1 });
  });

  it('dithers an image used twice in one build once', async () => {
    const file = await writePhoto('a.jpg', 2);
    const service = new DitherService({ store: ditherStore(path.join(tmp.dir, 'cache')), workers: 0 });
    const [a, b] = await Promise.all([service.dither(file, defaultSettings()), service.dither(file, defaultSettings())]);
    expect(a).toEqual(b);
    expect(service.stats.images).toBe(1);
  });

  it('an entry missing a file, or with a damaged record, is redone', async () => {
    const file = await writePhoto('a.jpg', 3);
    const cacheDir = path.join(tmp.dir, 'cache');
    const entry = await new DitherService({ store: ditherStore(cacheDir), workers: 0 }).dither(file, defaultSettings());
    const service = new DitherService({ store: ditherStore(cacheDir), workers: 0 });
    writeFileSync(service.cache.store.find(entry.key)!.file, '{"key": ');
    await service.dither(file, defaultSettings());
    expect(service.stats.fresh).toBe(1);
  });

  it('every entry of an image a build used counts as used: the pruning keeps it and drops the rest', async () => {
    const keep = await writePhoto('keep.jpg', 4);
    const drop = await writePhoto('drop.jpg', 5);
    const cacheDir = path.join(tmp.dir, 'cache');
    const before = new DitherService({ store: ditherStore(cacheDir), workers: 0 });
    const kept = await before.dither(keep, defaultSettings());
    await before.dither(drop, defaultSettings());
    const long = (Date.now() - GRACE_MS - 60_000) / 1000;
    for (const name of readdirSync(before.cache.store.dir)) utimesSync(path.join(before.cache.store.dir, name), long, long);

    const build = new DitherService({ store: ditherStore(cacheDir), workers: 0 });
    await build.dither(keep, defaultSettings());
    build.cache.store.prune();
    const names = readdirSync(build.cache.store.dir);
    expect(names.length).toBe(kept.stored.length);
    expect(names.every((n) => n.startsWith(kept.key))).toBe(true);
  });

  it('runs jobs in worker threads with the same result as in this thread', async () => {
    const files = await Promise.all([1, 2, 3].map((seed) => writePhoto(`w${seed}.jpg`, seed)));
    const inThread = new DitherService({ store: ditherStore(path.join(tmp.dir, 'c1')), workers: 0 });
    const pooled = new DitherService({ store: ditherStore(path.join(tmp.dir, 'c2')), workers: 2 });
    try {
      const a = await Promise.all(files.map((f) => inThread.dither(f, defaultSettings())));
      const b = await Promise.all(files.map((f) => pooled.dither(f, defaultSettings())));
      expect(b.map((e) => [e.key, e.png.bytes, e.width, e.height])).toEqual(a.map((e) => [e.key, e.png.bytes, e.width, e.height]));
      expect(pooled.stats.fresh).toBe(3);
      // Written in the workers, known to this thread's store.
      for (const entry of b) expect(pooled.cache.read(entry.key)?.png.name).toBe(entry.png.name);
    } finally {
      await pooled.close();
    }
  });

  it('a job failing inside a worker rejects with the reason, and the pool keeps working', async () => {
    const file = await writePhoto('a.jpg', 6);
    const service = new DitherService({ store: ditherStore(path.join(tmp.dir, 'cache')), workers: 1 });
    try {
      await expect(service.dither(file, defaultSettings({ palette: [] }))).rejects.toThrow(/dither worker failed: Error: a palette holds 1 to 255 colours/);
      expect((await service.dither(file, defaultSettings())).width).toBe(400);
    } finally {
      await service.close();
    }
  });
});
