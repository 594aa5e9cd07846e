/**
 * Precompress a finished output folder: a .gz and a .br beside every text file, when smaller.
 * Results are cached by content hash (and settings), so an unchanged file is never recompressed:
 * entries `<key>-gz` / `<key>-br` of the `precompress` store, empty when compression did not help.
 * A damaged entry (checked against its hash as it is read) is compressed again.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { contentHash } from '../../src/cache/hash.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { StagedOutput } from '../../src/types.ts';
import type { PrecompressOptions } from './options.ts';
import { formatBytes } from '../../src/cli/bytes.ts';
import { EFFORTS, type Effort, type Setting } from './efforts.ts';
import { gzipInParts } from './gzip-parts.ts';
import { CompressionPool, settingsOf, type CompressJob } from './pool.ts';

/** Bump when the compressors' output changes, so old cache entries are not reused. */
export const PRECOMPRESS_VERSION = '3';
/**
 * Files above this size are compressed with the `large` effort (efforts.ts), whose cost grows linearly
 * and fast enough that one huge post and the feeds that carry it cannot take minutes. Pages the
 * theme's budget allows (200 KB) stay far below it.
 */
export const LARGE_FILE_BYTES = 512 * 1024;
/** The cache store's name. */
export const STORE = 'precompress';

export interface PrecompressStats {
  files: number;
  /** Files compressed in this run (the rest came from the cache). */
  compressed: number;
  /** Of those, how many at each effort (efforts.ts), and what each effort ran as. */
  byEffort: Record<Effort, number>;
  jobs: Record<Effort, CompressJob>;
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
  /** Parts of the files gzipped in parts (gzip-parts.ts): compressed in this run, and in all. */
  parts: { made: number; total: number };
  /** Wall-clock time of the whole run and CPU time in the workers, in ms. */
  wallMs: number;
  workerMs: number;
}

type Encoding = 'gz' | 'br';

/** Files to compress: matching extensions, not already compressed siblings. One synchronous readdir of the whole tree (a third of the time of one readdir per folder). */
export function listTextFiles(dir: string, extensions: string[]): string[] {
  const wanted = new Set(extensions.map((e) => `.${e.toLowerCase()}`));
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && wanted.has(extname(entry.name).toLowerCase())) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** The settings and the original's content hash (the one the build knows its output files by, without reading them). */
function cacheKey(originalHash: string, job: CompressJob): string {
  const hash = createHash('sha256');
  // The encoders' settings themselves (not the effort's name): a new setting never reuses old bytes.
  hash.update(`${settingsKey(...settingsOf(job))}\0${originalHash}`);
  return hash.digest('hex').slice(0, 32);
}

/** What the bytes of the settings' output depend on: the version and the settings, not their measured speeds. */
function settingsKey(...settings: Setting[]): string {
  return `${PRECOMPRESS_VERSION}|${JSON.stringify(settings.map(({ mbPerS, ...setting }) => setting))}`;
}

/**
 * What the cache holds for a file: the bytes, null (compression did not help), or undefined (unknown,
 * or damaged). Read into memory at once, so that another build pruning the cache meanwhile cannot break this one.
 */
function load(store: CacheStore, key: string, encoding: Encoding): Uint8Array | null | undefined {
  const entry = store.find(`${key}-${encoding}`);
  const data = entry && store.read(entry);
  if (!data) return undefined;
  return data.byteLength > 0 ? data : null;
}

type Siblings = Partial<Record<Encoding, Uint8Array | null>>;

export interface PrecompressRun {
  outputDir: string;
  store: CacheStore;
  options: PrecompressOptions;
  /** Files (relative to outputDir, '/'-separated) that change on every edit: compressed quickly. */
  quick?: (path: string) => boolean;
  /** The build's staging folder (outputDir): siblings of files kept from the previous output are kept too. */
  staged?: StagedOutput;
}

/**
 * The effort for one file, by size and path only, so that a cold build and an incremental one write
 * the same bytes: see efforts.ts for what each costs and loses.
 */
export function effortOf(path: string, size: number, quick: (path: string) => boolean): Effort {
  if (size > LARGE_FILE_BYTES) return 'large';
  return quick(path) ? 'quick' : 'full';
}

/** Compress every text file under outputDir; returns byte and time totals. */
export async function precompressDir({ outputDir, store, options, quick = () => false, staged }: PrecompressRun): Promise<PrecompressStats> {
  const started = performance.now();
  const jobs = Object.fromEntries(
    (Object.keys(EFFORTS) as Effort[]).map((effort) => [
      effort,
      { gzip: options.gzip ? options.gzipEncoder : false, zopfliIterations: options.zopfliIterations, brotli: options.brotli, effort },
    ]),
  ) as Record<Effort, CompressJob>;
  const encodings: Encoding[] = [...(options.gzip ? (['gz'] as const) : []), ...(options.brotli ? (['br'] as const) : [])];
  const stats: PrecompressStats = {
    files: 0, compressed: 0, byEffort: { full: 0, quick: 0, large: 0 }, jobs, cached: 0, originalBytes: 0,
    gzipBytes: 0, gzipFiles: 0, brotliBytes: 0, brotliFiles: 0, gzipOriginalBytes: 0, brotliOriginalBytes: 0,
    parts: { made: 0, total: 0 }, wallMs: 0, workerMs: 0,
  };
  /** Files with identical bytes share one compression. */
  const inFlight = new Map<string, Promise<Siblings>>();
  const files = encodings.length ? listTextFiles(outputDir, options.extensions) : [];
  let pool: Promise<CompressionPool> | undefined;

  /** The encodings of the bytes `read` gives that `known` (from the cache) lacks, each a task of its own. */
  const compress = async (key: string, read: () => Buffer | Promise<Buffer>, job: CompressJob, known: Siblings): Promise<Siblings> => {
    // The threads start while the file is read.
    pool ??= CompressionPool.start(Math.min(options.workers, files.length));
    const data = await read();
    const workers = await pool;
    const siblings: Siblings = { ...known };
    const isInParts = (setting: Setting) => setting.encoding === 'gz' && setting.encoder === 'zlib-parts';
    // Whole-file tasks first: the workers start on them while this thread cuts a file into parts.
    const settings = settingsOf(job)
      .filter((setting) => known[setting.encoding] === undefined)
      .sort((a, b) => Number(isInParts(a)) - Number(isInParts(b)));
    await Promise.all(
      settings.map(async (setting) => {
        const { bytes, ms } = isInParts(setting)
          ? await inParts(data, setting, workers)
          : // A fresh copy: its buffer is moved to the worker.
            await workers.encode(new Uint8Array(data), setting);
        stats.workerMs += ms;
        siblings[setting.encoding] = bytes.byteLength < data.byteLength ? bytes : null;
        store.putLater(`${key}-${setting.encoding}`, siblings[setting.encoding] ?? new Uint8Array());
      }),
    );
    stats.compressed++;
    stats.byEffort[job.effort]++;
    return siblings;
  };

  /** A gzip file in parts (gzip-parts.ts): each part from the cache, or compressed by a worker and kept. */
  const inParts = async (data: Buffer, setting: Setting, workers: CompressionPool) => {
    let ms = 0;
    const { bytes, parts, made } = await gzipInParts(data, settingsKey(setting), {
      cached: (key) => {
        const entry = store.find(`part-${key}`);
        return entry && store.read(entry);
      },
      deflate: async (key, part, dictionary) => {
        const result = await workers.encode(part, setting, dictionary);
        ms += result.ms;
        store.putLater(`part-${key}`, result.bytes);
        return result.bytes;
      },
    });
    stats.parts.made += made;
    stats.parts.total += parts;
    return { bytes, ms };
  };

  /** The siblings of the bytes `read` gives, which are read only if they must be compressed. */
  const siblingsOf = async (key: string, read: () => Buffer | Promise<Buffer>, job: CompressJob): Promise<Siblings> => {
    let work = inFlight.get(key);
    if (work) {
      stats.cached++;
      return work;
    }
    const known: Siblings = {};
    for (const encoding of encodings) {
      const cached = load(store, key, encoding);
      if (cached !== undefined) known[encoding] = cached;
    }
    if (encodings.every((encoding) => known[encoding] !== undefined)) {
      stats.cached++;
      return known;
    }
    work = compress(key, read, job, known);
    inFlight.set(key, work);
    return work;
  };

  const count = (encoding: Encoding, bytes: number, originalBytes: number) => {
    if (encoding === 'gz') {
      stats.gzipFiles++;
      stats.gzipBytes += bytes;
      stats.gzipOriginalBytes += originalBytes;
    } else {
      stats.brotliFiles++;
      stats.brotliBytes += bytes;
      stats.brotliOriginalBytes += originalBytes;
    }
  };

  const place = async (target: string, bytes: Uint8Array, mtimeNs: bigint) => {
    // A new file, not written through whatever was at that path (a file of the output's, maybe linked).
    await rm(target, { force: true });
    await writeFile(target, bytes);
    const time = sameMicrosecond(mtimeNs);
    await utimes(target, time, time);
  };

  /** A file's .gz and .br: the previous output's if the file itself was kept from it, else from the cache or the workers. */
  const siblingsFor = async (file: string) => {
    const path = relative(outputDir, file).split(sep).join('/');
    const placed = staged?.placed(path);
    const data = placed?.hash ? undefined : await readFile(file);
    const size = placed?.size ?? data!.byteLength;
    const job = jobs[effortOf(path, size, quick)];
    const key = cacheKey(placed?.hash ?? contentHash(data!), job);
    stats.files++;
    stats.originalBytes += size;
    const missing = encodings.filter((encoding) => {
      const kept = placed?.kept ? staged!.keep(`${path}.${encoding}`, `${key}-${encoding}`) : undefined;
      if (kept === undefined) return true;
      store.find(`${key}-${encoding}`); // still used: pruning keeps it
      count(encoding, kept, size);
      return false;
    });
    if (missing.length === 0) {
      stats.cached++;
      return;
    }
    const [siblings, info] = await Promise.all([siblingsOf(key, () => data ?? readFile(file), job), stat(file, { bigint: true })]);
    for (const encoding of missing) {
      const bytes = siblings[encoding];
      if (!bytes) continue;
      await place(`${file}.${encoding}`, bytes, info.mtimeNs);
      staged?.madeFrom(`${path}.${encoding}`, `${key}-${encoding}`);
      count(encoding, bytes.byteLength, size);
    }
  };

  try {
    await Promise.all(files.map(siblingsFor));
  } finally {
    await (await pool)?.close();
    await store.flush();
  }
  stats.wallMs = performance.now() - started;
  return stats;
}

/**
 * The original's mtime as seconds for utimes, which keeps microseconds: the sibling gets the same
 * second (what Last-Modified shows) and microsecond. Half a microsecond is added because libuv
 * truncates, and the double's rounding error (~0.25 µs today) must not drop to the microsecond below.
 */
export function sameMicrosecond(mtimeNs: bigint): number {
  const micros = mtimeNs / 1000n;
  return Number(micros / 1_000_000n) + (Number(micros % 1_000_000n) + 0.5) / 1e6;
}

/** Sizes in the summary: always KB, one decimal. */
const kb = (bytes: number) => formatBytes(bytes, { decimals: 1, bytes: false, megabytes: false });

function pct(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

/** How each effort's files are described in the summary. */
const EFFORT_WORDS: Record<Effort, string> = {
  full: 'at full effort',
  quick: 'quickly as they change on every edit',
  large: `over ${LARGE_FILE_BYTES / 1024} KB quickly`,
};

/** 'zlib 9, brotli 11': a job's encoders as the summary names them (with how many parts were compressed, for zlib in parts). */
function describe(job: CompressJob, parts: PrecompressStats['parts']): string {
  return settingsOf(job)
    .map((s) => {
      if (s.encoding === 'br') return `brotli ${s.quality}`;
      if (s.encoder === 'zopfli') return 'zopfli';
      return s.encoder === 'zlib-parts' ? `zlib ${s.level} in parts, ${parts.made} of ${parts.total} compressed` : `zlib ${s.level}`;
    })
    .join(', ');
}

/** One log line with the run's split by effort (and the encoders of each), time and byte totals. */
export function summarize(s: PrecompressStats): string {
  const split = (Object.keys(EFFORTS) as Effort[])
    .filter((effort) => s.byEffort[effort] > 0)
    .map((effort) => `${s.byEffort[effort]} ${EFFORT_WORDS[effort]} (${describe(s.jobs[effort], s.parts)})`);
  return (
    `precompress: ${s.files} files (${[...(split.length ? split : ['0 compressed']), `${s.cached} from cache`].join(', ')}) in ${(s.wallMs / 1000).toFixed(2)} s ` +
    `(workers ${(s.workerMs / 1000).toFixed(2)} s); ${kb(s.originalBytes)} of text → ` +
    `gzip ${s.gzipFiles} files ${kb(s.gzipBytes)} (${pct(s.gzipBytes, s.gzipOriginalBytes)}), ` +
    `brotli ${s.brotliFiles} files ${kb(s.brotliBytes)} (${pct(s.brotliBytes, s.brotliOriginalBytes)})`
  );
}
