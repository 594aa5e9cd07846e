import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { BuildContext } from '../../src/types.ts';
import precompress, { precompressDir, precompressSchema, summarize } from './index.ts';
import { Compressions, LARGE_FILE_BYTES, PRECOMPRESS_VERSION, sameMicrosecond, STORE } from './precompress.ts';
import { contentHash } from '../../src/cache/hash.js';
import { CompressionPool, PoolAhead } from './pool.ts';
import { EFFORTS } from './efforts.ts';
import { cutPoints, gzipInParts, ZLIB_PARTS, ZOPFLI_PARTS } from './gzip-parts.ts';
import { syncParts } from './fixtures/sync-parts.ts';

let dir: string;
let out: string;
let cache: FileCache;
let store: CacheStore;
const warnings: string[] = [];

const page = (n: number) =>
  `<!doctype html><html lang="en"><title>Page ${n}</title><main>${'<p>The board runs on sunlight; when the battery is empty, the site goes off-line. '.repeat(40)}</main></html>`;

function writeSite() {
  mkdirSync(join(out, 'guides', 'x'), { recursive: true });
  mkdirSync(join(out, 'media'), { recursive: true });
  writeFileSync(join(out, 'index.html'), page(0));
  writeFileSync(join(out, 'guides', 'x', 'index.html'), page(1));
  writeFileSync(join(out, 'copy.html'), page(1)); // same bytes as another file
  writeFileSync(join(out, 'style.css'), 'body { color: #222; background: #f4f1e8; }\n'.repeat(30));
  writeFileSync(join(out, 'tiny.txt'), 'a'); // compression only makes it bigger
  writeFileSync(join(out, 'media', 'photo.png'), Buffer.alloc(4000, 7)); // not a text type
}

/** Brotli as the workers run it: text mode, the size as a hint. */
const brotli = (data: Buffer, quality: number, lgwin: number) =>
  brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });

const options = (extra: object = {}) => precompressSchema.parse({ workers: 2, zopfliIterations: 5, ...extra });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'precompress-'));
  out = join(dir, 'dist');
  cache = new FileCache(join(dir, 'cache'), { warn: (message, file) => warnings.push(`${file}: ${message}`) });
  store = cache.store(STORE, PRECOMPRESS_VERSION);
  warnings.length = 0;
  writeSite();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('precompressDir', () => {
  it('writes .gz and .br siblings that decode to the original, with its mtime', async () => {
    const before = statSync(join(out, 'index.html'), { bigint: true }).mtimeNs;
    const stats = await precompressDir({ outputDir: out, store, options: options() });
    // The original is left alone.
    expect(statSync(join(out, 'index.html'), { bigint: true }).mtimeNs).toBe(before);
    for (const file of ['index.html', 'guides/x/index.html', 'copy.html', 'style.css']) {
      const original = readFileSync(join(out, file));
      const gz = readFileSync(join(out, `${file}.gz`));
      const br = readFileSync(join(out, `${file}.br`));
      expect(gunzipSync(gz).equals(original)).toBe(true);
      expect(brotliDecompressSync(br).equals(original)).toBe(true);
      expect(gz.length).toBeLessThan(original.length);
      const ns = statSync(join(out, file), { bigint: true }).mtimeNs;
      for (const sibling of [`${file}.gz`, `${file}.br`]) {
        // Same second and microsecond (utimes cannot set nanoseconds).
        expect(statSync(join(out, sibling), { bigint: true }).mtimeNs).toBe(ns - (ns % 1000n));
      }
    }
    expect(stats.files).toBe(5);
    // copy.html has the same bytes as guides/x/index.html: compressed once.
    expect(stats.compressed).toBe(4);
  });

  it('sets sibling times exactly to the microsecond, run after run', async () => {
    const tricky = [1763924994240999000n, 1763924994241000000n, 1763924994999999999n, 1763924994000000001n];
    for (const ns of tricky) {
      const file = join(out, 'style.css');
      const time = sameMicrosecond(ns);
      utimesSync(file, time, time);
      expect(statSync(file, { bigint: true }).mtimeNs).toBe(ns - (ns % 1000n));
    }
  });

  it('never writes through a hard link at a sibling path', async () => {
    const elsewhere = join(dir, 'elsewhere.gz');
    writeFileSync(elsewhere, 'keep me');
    linkSync(elsewhere, join(out, 'index.html.gz'));
    await precompressDir({ outputDir: out, store, options: options() });
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep me');
    expect(gunzipSync(readFileSync(join(out, 'index.html.gz'))).toString()).toBe(page(0));
  });

  it('skips non-text files and files that compression would make bigger', async () => {
    await precompressDir({ outputDir: out, store, options: options() });
    expect(existsSync(join(out, 'media', 'photo.png.gz'))).toBe(false);
    expect(existsSync(join(out, 'tiny.txt.gz'))).toBe(false);
    expect(existsSync(join(out, 'tiny.txt.br'))).toBe(false);
  });

  it('with gzipEncoder zopfli, writes zopfli for the files that rarely change, zlib 9 for the changing ones at edit effort', async () => {
    const quick = (path: string) => path === 'guides/x/index.html';
    const stats = await precompressDir({ outputDir: out, store, options: options({ gzipEncoder: 'zopfli' }), quick });
    expect(stats.groups).toEqual({ 'steady/release': 4, 'changing/edit': 1 });
    const original = readFileSync(join(out, 'index.html'));
    const zopfli = readFileSync(join(out, 'index.html.gz'));
    expect(gunzipSync(zopfli).equals(original)).toBe(true);
    const zlib9 = gzipSync(original, { level: 9, memLevel: 9 });
    expect(zopfli.length).toBeLessThanOrEqual(zlib9.length);
    expect(zopfli.equals(zlib9)).toBe(false); // zopfli's stream, not zlib's
    expect(readFileSync(join(out, 'guides/x/index.html.gz')).equals(gzipSync(readFileSync(join(out, 'guides/x/index.html')), { level: 9, memLevel: 9 }))).toBe(true);
    expect(summarize(stats)).toMatch(/4 at release effort \(zopfli, brotli 11\), 1 that change on every edit at edit effort \(zlib 9, brotli 5\)/);
  });

  it('compresses the files that rarely change at release effort (zlib 9, brotli 11), those that change on every edit at edit effort (zlib 9, brotli 5)', async () => {
    const quick = (path: string) => path === 'guides/x/index.html';
    const stats = await precompressDir({ outputDir: out, store, options: options(), quick });
    expect(stats.groups).toEqual({ 'steady/release': 4, 'changing/edit': 1 }); // steady: index.html, copy.html, style.css, tiny.txt
    expect(stats.atEdit).toBe(1);
    const original = readFileSync(join(out, 'guides/x/index.html'));
    const zlib9 = gzipSync(original, { level: 9, memLevel: 9 });
    expect(readFileSync(join(out, 'guides/x/index.html.gz')).equals(zlib9)).toBe(true);
    expect(readFileSync(join(out, 'guides/x/index.html.br')).equals(brotli(original, 5, 22))).toBe(true);
    // The same bytes at another path, not changing: compressed again, at release effort.
    expect(readFileSync(join(out, 'copy.html.gz')).equals(zlib9)).toBe(true);
    expect(readFileSync(join(out, 'copy.html.br')).equals(brotli(original, 11, 22))).toBe(true);
    expect(summarize(stats)).toMatch(/4 at release effort \(zlib 9, brotli 11\), 1 that change on every edit at edit effort \(zlib 9, brotli 5\), 0 from cache\).*; 1 file at edit effort: solarpress deploy and build --release bring it to release effort$/);
  });

  it('compresses a file over LARGE_FILE_BYTES at edit effort (zlib 9 in parts, brotli 5), even when it rarely changes', async () => {
    // Prose that varies (numbers), so that zopfli would beat zlib on it.
    let big = '';
    for (let i = 0; big.length <= LARGE_FILE_BYTES; i++) big += `<p>Day ${i}: the panel gave ${(i * 37) % 251} Wh and the battery held ${(i * 13) % 97} %.</p>\n`;
    writeFileSync(join(out, 'long.html'), big);
    const stats = await precompressDir({ outputDir: out, store, options: options() });
    expect(stats.groups).toEqual({ 'steady/release': 4, 'large/edit': 1 });
    const original = readFileSync(join(out, 'long.html'));
    // zlib 9 in parts (gzip-parts.ts): the bytes of the parts joined, within 1 % of zlib 9 on the whole file.
    const gz = readFileSync(join(out, 'long.html.gz'));
    expect(gunzipSync(gz).equals(original)).toBe(true);
    expect(gz.equals((await gzipInParts(original, 'test', ZLIB_PARTS, syncParts()).then((r) => r.bytes)))).toBe(true);
    expect(gz.length / gzipSync(original, { level: 9, memLevel: 9 }).length).toBeLessThan(1.01);
    const br = readFileSync(join(out, 'long.html.br'));
    expect(br.equals(brotli(original, 5, 24))).toBe(true);
    expect(br.length).toBeLessThan(original.length / 3);
    const parts = cutPoints(original).length;
    expect(parts).toBeGreaterThan(1);
    expect(summarize(stats)).toMatch(new RegExp(`4 at release effort \\(zlib 9, brotli 11\\), 1 over 512 KB at edit effort \\(zlib 9 in parts, ${parts} of ${parts} compressed, brotli 5\\)`));

    // One line changed near the end: only the parts around it are compressed again.
    writeFileSync(join(out, 'long.html'), original.toString().replace('<p>Day 4000:', '<p>Day 4000, a cloudy one:'));
    const again = await precompressDir({ outputDir: out, store, options: options() });
    expect(again.parts.made).toBeGreaterThan(0);
    expect(again.parts.made).toBeLessThanOrEqual(3);
    const changed = readFileSync(join(out, 'long.html'));
    expect(readFileSync(join(out, 'long.html.gz')).equals((await gzipInParts(changed, 'test', ZLIB_PARTS, syncParts()).then((r) => r.bytes)))).toBe(true);
  });

  /** A file over LARGE_FILE_BYTES of prose that varies (numbers), so that zopfli beats zlib on it. */
  const long = () => {
    let big = '';
    for (let i = 0; big.length <= LARGE_FILE_BYTES * 1.5; i++) big += `<p>Day ${i}: the panel gave ${(i * 37) % 251} Wh and the battery held ${(i * 13) % 97} %.</p>\n`;
    return big;
  };

  it('at release effort, compresses changing files with zopfli and brotli 11 and large ones with zopfli in parts and brotli 11 (gzip -t, brotli round trip)', async () => {
    writeFileSync(join(out, 'long.html'), long());
    const quick = (path: string) => path === 'index.html';
    const stats = await precompressDir({ outputDir: out, store, options: options(), quick, release: true });
    expect(stats.groups).toEqual({ 'steady/release': 3, 'changing/release': 1, 'large/release': 1 });
    expect(stats.atEdit).toBe(0);
    const small = readFileSync(join(out, 'index.html'));
    expect(readFileSync(join(out, 'index.html.br')).equals(brotli(small, 11, 22))).toBe(true);
    // zopfli: zlib 9 is 11-23 % larger on lists and sitemaps.
    const smallGz = readFileSync(join(out, 'index.html.gz'));
    expect(gunzipSync(smallGz).equals(small)).toBe(true);
    expect(smallGz.equals(gzipSync(small, { level: 9, memLevel: 9 }))).toBe(false);
    const original = readFileSync(join(out, 'long.html'));
    const gz = readFileSync(join(out, 'long.html.gz'));
    execFileSync('gzip', ['-t', join(out, 'long.html.gz')]);
    expect(gunzipSync(gz).equals(original)).toBe(true);
    // zopfli's parts stand alone: smaller than zlib 9 on the whole file all the same.
    expect(gz.length).toBeLessThan(gzipSync(original, { level: 9, memLevel: 9 }).length);
    expect(cutPoints(original, ZOPFLI_PARTS).length).toBeGreaterThan(1);
    const br = readFileSync(join(out, 'long.html.br'));
    expect(br.equals(brotli(original, 11, 24))).toBe(true);
    expect(brotliDecompressSync(br).equals(original)).toBe(true);
    expect(summarize(stats)).toMatch(/1 that change on every edit at release effort \(zopfli, brotli 11\), 1 over 512 KB at release effort \(zopfli 1 in parts, 2 of 2 compressed, brotli 11\)/);
    expect(summarize(stats)).not.toMatch(/at edit effort:/);
  });

  it('a plain run after a release keeps the release siblings of unchanged files, and compresses a changed one at edit effort', async () => {
    const quick = (path: string) => path === 'guides/x/index.html' || path === 'index.html';
    await precompressDir({ outputDir: out, store, options: options(), quick, release: true });
    const released = readFileSync(join(out, 'guides/x/index.html.br'));
    rmSync(out, { recursive: true });
    writeSite();
    writeFileSync(join(out, 'index.html'), page(9));
    const plain = await precompressDir({ outputDir: out, store, options: options(), quick });
    expect(plain.compressed).toBe(1);
    expect(plain.groups).toEqual({ 'changing/edit': 1 });
    expect(readFileSync(join(out, 'guides/x/index.html.br')).equals(released)).toBe(true);
    expect(readFileSync(join(out, 'index.html.br')).equals(brotli(readFileSync(join(out, 'index.html')), 5, 22))).toBe(true);
    expect(plain.atEdit).toBe(1);
    // The release after it compresses only that file again.
    const release = await precompressDir({ outputDir: out, store, options: options(), quick, release: true });
    expect(release.compressed).toBe(1);
    expect(release.groups).toEqual({ 'changing/release': 1 });
    expect(readFileSync(join(out, 'index.html.br')).equals(brotli(readFileSync(join(out, 'index.html')), 11, 22))).toBe(true);
  });

  it('rebuilds a damaged cached part of a large file, with a warning, and writes the same bytes', async () => {
    writeFileSync(join(out, 'long.html'), long());
    await precompressDir({ outputDir: out, store, options: options() });
    const gz = readFileSync(join(out, 'long.html.gz'));
    const part = readdirSync(store.dir).find((name) => name.startsWith('part-'))!;
    truncateSync(join(store.dir, part), 10);
    // The file's own entries gone: it is made again from its parts.
    for (const name of readdirSync(store.dir)) if (!name.startsWith('part-')) rmSync(join(store.dir, name));
    rmSync(out, { recursive: true });
    writeSite();
    writeFileSync(join(out, 'long.html'), long());
    cache.startBuild();
    const again = await precompressDir({ outputDir: out, store, options: options() });
    expect(again.parts.made).toBe(1);
    expect(warnings).toEqual([`${join(store.dir, part)}: damaged cache entry (its bytes are not the ones it was written with): removed, to be made again`]);
    expect(readFileSync(join(out, 'long.html.gz')).equals(gz)).toBe(true);
  });

  it('never recompresses an unchanged file, recompresses a changed one', async () => {
    await precompressDir({ outputDir: out, store, options: options() });
    const entriesBefore = readdirSync(store.dir).length;

    // A fresh output folder with the same files: everything from the cache.
    rmSync(out, { recursive: true });
    writeSite();
    const again = await precompressDir({ outputDir: out, store, options: options() });
    expect(again.compressed).toBe(0);
    expect(again.cached).toBe(5);
    expect(gunzipSync(readFileSync(join(out, 'index.html.gz'))).toString()).toBe(page(0));

    // One file changes: only it is compressed (its old entries are the build's pruning's business).
    writeFileSync(join(out, 'index.html'), page(7));
    const changed = await precompressDir({ outputDir: out, store, options: options() });
    expect(changed.compressed).toBe(1);
    expect(readdirSync(store.dir).length).toBe(entriesBefore + 2);
    expect(gunzipSync(readFileSync(join(out, 'index.html.gz'))).toString()).toBe(page(7));
  });

  it('compresses again, with a warning, what a damaged cache entry held', async () => {
    await precompressDir({ outputDir: out, store, options: options() });
    const entry = readdirSync(store.dir).find((name) => name.includes('-gz.') && statSync(join(store.dir, name)).size > 100)!;
    truncateSync(join(store.dir, entry), 20);
    rmSync(out, { recursive: true });
    writeSite();
    cache.startBuild();
    const again = await precompressDir({ outputDir: out, store, options: options() });
    expect(again.compressed).toBe(1);
    expect(warnings).toEqual([`${join(store.dir, entry)}: damaged cache entry (its bytes are not the ones it was written with): removed, to be made again`]);
    for (const file of ['index.html', 'guides/x/index.html', 'copy.html', 'style.css']) {
      expect(gunzipSync(readFileSync(join(out, `${file}.gz`))).equals(readFileSync(join(out, file)))).toBe(true);
    }
  });

  it('honours the gzip/brotli toggles, the zlib encoder and the extension list', async () => {
    await precompressDir({ outputDir: out, store, options: options({ brotli: false, gzipEncoder: 'zlib', extensions: ['css'] }) });
    expect(existsSync(join(out, 'style.css.gz'))).toBe(true);
    expect(existsSync(join(out, 'style.css.br'))).toBe(false);
    expect(existsSync(join(out, 'index.html.gz'))).toBe(false);
  });
});

describe('Compressions begun before the output is written', () => {
  /** A pool whose tasks are counted. */
  async function countingPool() {
    const pool = await CompressionPool.start(2);
    const counted = { tasks: 0 };
    const encode = pool.encode.bind(pool);
    pool.encode = (...args) => {
      counted.tasks++;
      return encode(...args);
    };
    return { pool, counted };
  }
  const made = (path: string) => {
    const data = readFileSync(join(out, path));
    return { outputPath: path, data, hash: contentHash(data) };
  };

  it('compress the bytes a build made, which the run then takes up instead of compressing them again', async () => {
    const plain = await countingPool();
    const alone = await precompressDir({ outputDir: out, store, options: options(), pool: Promise.resolve(plain.pool) });
    const siblings = ['index.html.gz', 'index.html.br', 'style.css.br'].map((f) => readFileSync(join(out, f)));
    rmSync(join(dir, 'cache'), { recursive: true });
    for (const f of readdirSync(out, { recursive: true }).map(String)) if (/\.(gz|br)$/.test(f)) rmSync(join(out, f));
    cache = new FileCache(join(dir, 'cache'));
    store = cache.store(STORE, PRECOMPRESS_VERSION);

    const ahead = await countingPool();
    const opts = options();
    const work = new Compressions({ store, options: opts });
    // Not an extension to compress: left alone.
    work.begin([made('index.html'), made('style.css'), made('media/photo.png')], () => Promise.resolve(ahead.pool));
    expect(work.inFlight.size).toBe(4);
    await Promise.all(work.inFlight.values());
    expect(ahead.counted.tasks).toBe(4);
    const stats = await precompressDir({ outputDir: out, store, options: opts, pool: Promise.resolve(ahead.pool), begun: work });
    // Each sibling compressed once in all, and the summary the same as a run's alone.
    expect(ahead.counted.tasks).toBe(plain.counted.tasks);
    expect(summarize({ ...stats, wallMs: 0, workerMs: 0 })).toBe(summarize({ ...alone, wallMs: 0, workerMs: 0 }));
    expect(['index.html.gz', 'index.html.br', 'style.css.br'].map((f) => readFileSync(join(out, f)))).toEqual(siblings);

    // What the cache holds is not begun again.
    const again = new Compressions({ store, options: opts });
    again.begin([made('index.html'), made('style.css')], () => {
      throw new Error('no pool needed');
    });
    expect(again.inFlight.size).toBe(0);
  });
});

describe('CompressionPool', () => {
  it('passes a worker\'s failure on as a rejection, and keeps working', async () => {
    const pool = await CompressionPool.start(1);
    try {
      // Not bytes: fails before or inside the worker, and only this task fails.
      await expect(pool.encode('not bytes' as never, EFFORTS.steady.release.gz)).rejects.toThrow();
      await expect(pool.encode({ buffer: new ArrayBuffer(4) } as never, EFFORTS.steady.release.br)).rejects.toThrow();
      const ok = await pool.encode(new TextEncoder().encode('hello hello hello hello'), EFFORTS.steady.release.gz);
      expect(gunzipSync(ok.bytes).toString()).toBe('hello hello hello hello');
    } finally {
      await pool.close();
    }
  });
});

describe('PoolAhead', () => {
  const node = (code: string) =>
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { PoolAhead } from ${JSON.stringify(join(import.meta.dirname, 'pool.ts'))};\n${code}`], {
      encoding: 'utf8',
      // An idle pool must not keep the process: it exits at once, far within this.
      timeout: 20_000,
    });

  it('keeps no process alive while its threads are idle (a build that failed before taking it exits)', () => {
    expect(node(`new PoolAhead(2); console.log('started');`)).toBe('started\n');
  });

  it('keeps the process alive while a task runs, and is the taker\'s to close', () => {
    const code = `const ahead = new PoolAhead(1);
      const pool = await ahead.take();
      const { bytes } = await pool.encode(new TextEncoder().encode('sun '.repeat(100)), { encoding: 'gz', encoder: 'zlib', level: 9, mbPerS: 20 });
      console.log(bytes.byteLength < 400, ahead.take() === undefined);
      await pool.close();`;
    expect(node(code)).toBe('true true\n');
  });
});

describe('precompress plugin', () => {
  function fakeContext(mode: 'build' | 'dev', lines: string[]): BuildContext {
    return {
      mode,
      cache: (name: string, version: string) => cache.store(name, version),
      log: { info: (m: string) => lines.push(m), warn: () => {}, progress: () => ({ tick() {}, done() {} }) },
    } as unknown as BuildContext;
  }

  it('runs at build and logs its time and byte totals', async () => {
    const plugin = precompress.definition.setup(options(), {} as never);
    const lines: string[] = [];
    await plugin.outputReady!(fakeContext('build', lines), out);
    expect(existsSync(join(out, 'index.html.br'))).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/precompress: 5 files .* in [\d.]+ s .*gzip 4 files [\d.]+ KB .*brotli 4 files [\d.]+ KB/);
  });

  it('never runs in the preview (dev mode) or when disabled', async () => {
    const lines: string[] = [];
    await precompress.definition.setup(options(), {} as never).outputReady!(fakeContext('dev', lines), out);
    await precompress.definition.setup(options({ enabled: false }), {} as never).outputReady!(fakeContext('build', lines), out);
    expect(existsSync(join(out, 'index.html.gz'))).toBe(false);
    expect(lines).toEqual([]);
  });

  it('rejects bad options with the key that is wrong', () => {
    const bad = precompressSchema.safeParse({ extensions: ['.html'] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['extensions', 0]);
    expect(precompressSchema.safeParse({ workers: 0 }).success).toBe(false);
    expect(precompressSchema.safeParse({ zopfli: true }).success).toBe(false);
  });
});
