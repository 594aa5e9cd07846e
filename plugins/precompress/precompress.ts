/**
 * Precompress a finished output folder: a .gz and a .br beside every text file, when smaller.
 * Results are cached by content hash (and settings), so an unchanged file is never recompressed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PrecompressOptions } from './options.ts';
import { CompressionPool, type CompressJob } from './pool.ts';

/** Bump when the compressors' output changes, so old cache entries are not reused. */
export const PRECOMPRESS_VERSION = '1';

export interface PrecompressStats {
  files: number;
  /** Files compressed in this run (the rest came from the cache). */
  compressed: number;
  cached: number;
  originalBytes: number;
  /** Bytes of the originals that got a .gz, and of their .gz. */
  gzipBytes: number;
  gzipFiles: number;
  brotliBytes: number;
  brotliFiles: number;
  /** Bytes of the originals, for the files that got each sibling (for ratios). */
  gzipOriginalBytes: number;
  brotliOriginalBytes: number;
  /** Wall-clock time of the whole run and CPU time in the workers, in ms. */
  wallMs: number;
  workerMs: number;
  pruned: number;
}

type Encoding = 'gz' | 'br';

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Files to compress: matching extensions, not already compressed siblings. */
export async function listTextFiles(dir: string, extensions: string[]): Promise<string[]> {
  const wanted = new Set(extensions.map((e) => `.${e.toLowerCase()}`));
  const files: string[] = [];
  for await (const file of walk(dir)) if (wanted.has(extname(file).toLowerCase())) files.push(file);
  return files.sort();
}

function cacheKey(data: Uint8Array, job: CompressJob): string {
  const hash = createHash('sha256');
  hash.update(`${PRECOMPRESS_VERSION}|${job.gzip}|${job.gzip === 'zopfli' ? job.zopfliIterations : ''}|${job.brotli}\0`);
  hash.update(data);
  return hash.digest('hex');
}

/** Cache layout: `<key>.gz` / `<key>.br`, or an empty `<key>.gz.none` when compression did not help. */
function cachePaths(cacheDir: string, key: string, encoding: Encoding) {
  return { data: join(cacheDir, `${key}.${encoding}`), none: join(cacheDir, `${key}.${encoding}.none`) };
}

let tmpCounter = 0;

async function writeCacheEntry(cacheDir: string, key: string, encoding: Encoding, bytes: Uint8Array | undefined): Promise<void> {
  const { data, none } = cachePaths(cacheDir, key, encoding);
  const target = bytes ? data : none;
  const tmp = `${target}.${process.pid}-${tmpCounter++}.tmp`;
  await writeFile(tmp, bytes ?? new Uint8Array());
  await rename(tmp, target);
}

/**
 * What the cache holds for a file: the bytes, null (compression did not help), or undefined (unknown).
 * Read into memory at once, so that another build pruning the cache meanwhile cannot break this one.
 */
async function load(cacheDir: string, key: string, encoding: Encoding): Promise<Uint8Array | null | undefined> {
  const { data, none } = cachePaths(cacheDir, key, encoding);
  try {
    return await readFile(data);
  } catch {
    return existsSync(none) ? null : undefined;
  }
}

type Siblings = Partial<Record<Encoding, Uint8Array | null>>;

export interface PrecompressRun {
  outputDir: string;
  cacheDir: string;
  options: PrecompressOptions;
}

/** Compress every text file under outputDir; returns byte and time totals. */
export async function precompressDir({ outputDir, cacheDir, options }: PrecompressRun): Promise<PrecompressStats> {
  const started = performance.now();
  mkdirSync(cacheDir, { recursive: true });
  const job: CompressJob = {
    gzip: options.gzip ? options.gzipEncoder : false,
    zopfliIterations: options.zopfliIterations,
    brotli: options.brotli,
  };
  const encodings: Encoding[] = [...(options.gzip ? (['gz'] as const) : []), ...(options.brotli ? (['br'] as const) : [])];
  const stats: PrecompressStats = {
    files: 0, compressed: 0, cached: 0, originalBytes: 0,
    gzipBytes: 0, gzipFiles: 0, brotliBytes: 0, brotliFiles: 0, gzipOriginalBytes: 0, brotliOriginalBytes: 0,
    wallMs: 0, workerMs: 0, pruned: 0,
  };
  const used = new Set<string>();
  /** Files with identical bytes share one compression. */
  const inFlight = new Map<string, Promise<Siblings>>();
  const files = encodings.length ? await listTextFiles(outputDir, options.extensions) : [];
  let pool: CompressionPool | undefined;

  const compress = async (key: string, data: Buffer): Promise<Siblings> => {
    pool ??= new CompressionPool(Math.min(options.workers, files.length));
    // A fresh copy: its buffer is moved to the worker.
    const result = await pool.compress(new Uint8Array(data), job);
    stats.workerMs += result.ms;
    stats.compressed++;
    const siblings: Siblings = {};
    for (const encoding of encodings) {
      const bytes = encoding === 'gz' ? result.gz : result.br;
      siblings[encoding] = bytes && bytes.byteLength < data.byteLength ? bytes : null;
      await writeCacheEntry(cacheDir, key, encoding, siblings[encoding] ?? undefined);
    }
    return siblings;
  };

  const siblingsOf = async (key: string, data: Buffer): Promise<Siblings> => {
    const shared = inFlight.get(key);
    if (shared) {
      stats.cached++;
      return shared;
    }
    const cached = await Promise.all(encodings.map((e) => load(cacheDir, key, e)));
    if (cached.every((c) => c !== undefined)) {
      stats.cached++;
      return Object.fromEntries(encodings.map((e, i) => [e, cached[i]]));
    }
    let work = inFlight.get(key);
    if (!work) {
      work = compress(key, data);
      inFlight.set(key, work);
    } else {
      stats.cached++;
    }
    return work;
  };

  const place = async (file: string, encoding: Encoding, bytes: Uint8Array, size: number, mtimeNs: bigint) => {
    const target = `${file}.${encoding}`;
    // Never write through a hard link (the core links cached files into the output).
    await rm(target, { force: true });
    await writeFile(target, bytes);
    const time = sameMicrosecond(mtimeNs);
    await utimes(target, time, time);
    if (encoding === 'gz') {
      stats.gzipFiles++;
      stats.gzipBytes += bytes.byteLength;
      stats.gzipOriginalBytes += size;
    } else {
      stats.brotliFiles++;
      stats.brotliBytes += bytes.byteLength;
      stats.brotliOriginalBytes += size;
    }
  };

  try {
    await Promise.all(
      files.map(async (file) => {
        const [data, info] = await Promise.all([readFile(file), stat(file, { bigint: true })]);
        const key = cacheKey(data, job);
        used.add(key);
        stats.files++;
        stats.originalBytes += data.byteLength;
        const siblings = await siblingsOf(key, data);
        for (const encoding of encodings) {
          const bytes = siblings[encoding];
          if (bytes) await place(file, encoding, bytes, data.byteLength, info.mtimeNs);
        }
      }),
    );
  } finally {
    await pool?.close();
  }
  stats.pruned = await prune(cacheDir, used);
  stats.wallMs = performance.now() - started;
  return stats;
}

/**
 * The original's mtime as seconds for utimes, which keeps microseconds: the sibling gets the same
 * second (what Last-Modified shows) and microsecond. Half a microsecond is added because libuv
 * truncates, and the double's rounding error (~0.25 µs today) must not drop to the microsecond below.
 * The original itself is never touched: it may be a hard link into another cache.
 */
export function sameMicrosecond(mtimeNs: bigint): number {
  const micros = mtimeNs / 1000n;
  return Number(micros / 1_000_000n) + (Number(micros % 1_000_000n) + 0.5) / 1e6;
}

/** Remove cache entries no file of this build used. */
async function prune(cacheDir: string, used: Set<string>): Promise<number> {
  let removed = 0;
  for (const name of await readdir(cacheDir)) {
    const key = name.split('.')[0];
    if (!used.has(key)) {
      await rm(join(cacheDir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function pct(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

/** One log line with the run's time and byte totals. */
export function summarize(s: PrecompressStats): string {
  return (
    `precompress: ${s.files} files (${s.compressed} compressed, ${s.cached} from cache) in ${(s.wallMs / 1000).toFixed(2)} s ` +
    `(workers ${(s.workerMs / 1000).toFixed(2)} s); ${kb(s.originalBytes)} of text → ` +
    `gzip ${s.gzipFiles} files ${kb(s.gzipBytes)} (${pct(s.gzipBytes, s.gzipOriginalBytes)}), ` +
    `brotli ${s.brotliFiles} files ${kb(s.brotliBytes)} (${pct(s.brotliBytes, s.brotliOriginalBytes)})` +
    (s.pruned ? `; ${s.pruned} stale cache entries removed` : '')
  );
}
