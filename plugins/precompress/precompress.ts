/**
 * Precompress a finished output folder: a .gz and a .br beside every text file, when smaller.
 * Results are cached by content hash (and settings), so an unchanged file is never recompressed:
 * entries `<key>-gz` / `<key>-br` of the `precompress` store, empty when compression did not help.
 * A damaged entry (checked against its hash as it is read) is compressed again.
 */
import { hash as sha256 } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { contentHash } from '../../src/cache/hash.js';
import type { CacheStore } from '../../src/cache/store.js';
import type { StagedOutput } from '../../src/types.ts';
import type { PrecompressOptions } from './options.ts';
import { formatBytes } from '../../src/cli/bytes.ts';
import { EFFORTS, settingKey, zopfli, type Effort, type Encoding, type Kind, type Setting } from './efforts.ts';
import { gzipInParts, ZLIB_PARTS, ZOPFLI_PARTS, type KnownPart } from './gzip-parts.ts';
import { CompressionPool } from './pool.ts';

/** Bump when the compressors' output or the cache's keys change, so old cache entries are not reused. */
export const PRECOMPRESS_VERSION = '4';
/**
 * Files above this size are `large` (efforts.ts): their cost at either effort grows linearly and an
 * edit recompresses parts of their .gz only, so one huge post and the feeds that carry it cannot take
 * minutes. Pages the theme's budget allows (200 KB) stay far below it.
 */
export const LARGE_FILE_BYTES = 512 * 1024;
/** The cache store's name. */
export const STORE = 'precompress';

/** Files compressed in a run, by kind and effort. */
type Group = `${Kind}/${Effort}`;

export interface PrecompressStats {
  files: number;
  /** Files compressed in this run (the rest came from the cache or the previous output). */
  compressed: number;
  /** Of those, how many of each kind at each effort. */
  groups: Partial<Record<Group, number>>;
  cached: number;
  /** Files whose siblings are at edit effort (a plain build's): deploy or --release brings them to release effort. */
  atEdit: number;
  /** The settings of each kind at each effort, as this run's options make them. */
  settings: (kind: Kind, effort: Effort) => Setting[];
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

/** Whether a file name has one of the extensions to compress (its siblings' .gz/.br never do). */
function isTextFile(extensions: string[]): (name: string) => boolean {
  const wanted = new Set(extensions.map((e) => `.${e.toLowerCase()}`));
  return (name) => wanted.has(extname(name).toLowerCase());
}

/** Files to compress: matching extensions, not already compressed siblings. One synchronous readdir of the whole tree (a third of the time of one readdir per folder). */
export function listTextFiles(dir: string, extensions: string[]): string[] {
  const isText = isTextFile(extensions);
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && isText(entry.name)) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** A text file of the output: its absolute and output path, and what the build says it put there. */
interface TextFile {
  file: string;
  path: string;
  placed: ReturnType<StagedOutput['placed']>;
}

/** A setting as a run uses it, with what the bytes of its output depend on (the version and the setting, not its measured speed), made once. */
interface RunSetting {
  setting: Setting;
  id: string;
}

/** A sibling's cache key: the setting and the original's content hash (the one the build knows its output files by, without reading them). */
function cacheKey(originalHash: string, { id }: RunSetting): string {
  return sha256('sha256', `${id}\0${originalHash}`).slice(0, 32);
}

/** The parts a file in parts had last time (gzip-parts.ts partsOf), as the cache keeps them (JSON); none if that is not what it holds. */
function knownParts(json: string | undefined): KnownPart[] {
  try {
    const parts: unknown = json && JSON.parse(json);
    const valid = Array.isArray(parts) && parts.every((p) => Array.isArray(p) && p.length === 2 && Number.isInteger(p[0]) && p[0] > 0 && typeof p[1] === 'string');
    return valid ? (parts as KnownPart[]) : [];
  } catch {
    return [];
  }
}

/**
 * What the cache holds for a sibling: the bytes, null (compression did not help), or undefined
 * (unknown, or damaged). Read into memory at once, so that another build pruning the cache meanwhile cannot break this one.
 */
function load(store: CacheStore, entry: string): Uint8Array | null | undefined {
  const found = store.find(entry);
  const data = found && store.read(found);
  if (!data) return undefined;
  return data.byteLength > 0 ? data : null;
}

export interface PrecompressRun {
  outputDir: string;
  store: CacheStore;
  options: PrecompressOptions;
  /** Files (relative to outputDir, '/'-separated) that change on every edit: `changing` (efforts.ts). */
  quick?: (path: string) => boolean;
  /** Compress at release effort (deploy, build --release) instead of edit effort. */
  release?: boolean;
  /** The build's staging folder (outputDir): siblings of files kept from the previous output are kept too. */
  staged?: StagedOutput;
  /** Worker threads started ahead (pool.ts PoolAhead), else started at the first file to compress: the run closes them. */
  pool?: Promise<CompressionPool>;
  /** Compressions begun at buildEnd (Compressions.begin), with this run's store, options, quick and release. */
  begun?: Compressions;
}

/**
 * A file's kind, by size and path only, so that a cold build and an incremental one write the same
 * bytes: see efforts.ts for what each costs and loses.
 */
export function kindOf(path: string, size: number, quick: (path: string) => boolean): Kind {
  if (size > LARGE_FILE_BYTES) return 'large';
  return quick(path) ? 'changing' : 'steady';
}

/** The setting of one encoding for a kind at an effort, with the options' zopfli iterations, and zopfli for steady files if asked. */
function settingFor(kind: Kind, effort: Effort, encoding: Encoding, options: PrecompressOptions): Setting {
  const { gz, br } = EFFORTS[kind][effort];
  if (encoding === 'br') return br;
  // zopfli's seconds per page for every steady file (a cold build compresses them all) only when asked.
  const zopfliWanted = gz.encoder === 'zopfli' || (kind === 'steady' && options.gzipEncoder === 'zopfli');
  return zopfliWanted ? zopfli(options.zopfliIterations) : gz;
}

/** Each kind's settings at each effort for one run's options, made once (not per file). */
type RunSettings = Record<Kind, Record<Effort, Record<Encoding, RunSetting>>>;

function settingsOf(options: PrecompressOptions): RunSettings {
  const at = (kind: Kind, effort: Effort) => {
    const of = (encoding: Encoding): RunSetting => {
      const setting = settingFor(kind, effort, encoding, options);
      return { setting, id: `${PRECOMPRESS_VERSION}|${settingKey(setting)}` };
    };
    return { gz: of('gz'), br: of('br') };
  };
  const kind = (k: Kind) => ({ edit: at(k, 'edit'), release: at(k, 'release') });
  return { steady: kind('steady'), changing: kind('changing'), large: kind('large') };
}

/** A file the build made in memory (BuildContext.made): its output path, bytes and their content hash. */
export interface MadeFile {
  outputPath: string;
  data: Uint8Array;
  hash: string;
}

/** What a run (or its beginning at buildEnd) compresses by: the files' kinds and the effort. */
interface RunBasis {
  store: CacheStore;
  options: PrecompressOptions;
  quick?: (path: string) => boolean;
  release?: boolean;
}

/**
 * The siblings one build compresses, by cache entry (files with identical bytes share one
 * compression), with the workers' time and the parts of files in parts. Begun at buildEnd for the
 * bytes the build made (begin), taken up by precompressDir once the output is written.
 */
export class Compressions {
  readonly store: CacheStore;
  readonly options: PrecompressOptions;
  readonly encodings: Encoding[];
  readonly settings: RunSettings;
  readonly quick: (path: string) => boolean;
  readonly release: boolean;
  /** Siblings being made, by cache entry. */
  readonly inFlight = new Map<string, Promise<Uint8Array | null>>();
  /** Entries a file of the run counted as compressed (precompressDir): another file with the same bytes shares it. */
  readonly counted = new Set<string>();
  workerMs = 0;
  readonly parts = { made: 0, total: 0 };

  constructor({ store, options, quick = () => false, release = false }: RunBasis) {
    this.store = store;
    this.options = options;
    this.encodings = [...(options.gzip ? (['gz'] as const) : []), ...(options.brotli ? (['br'] as const) : [])];
    this.settings = settingsOf(options);
    this.quick = quick;
    this.release = release;
  }

  /** A file's kind, and the effort its siblings are made at. */
  kindOf(path: string, size: number): { kind: Kind; effort: Effort } {
    const kind = kindOf(path, size, this.quick);
    // A steady file's edit effort is its release effort (efforts.ts): said so in the summary.
    return { kind, effort: this.release || kind === 'steady' ? 'release' : 'edit' };
  }

  /**
   * Start compressing, before the output is written, each sibling of the bytes the build made (pages
   * laid out, feeds) that the cache holds at neither effort, on the threads started ahead: the
   * workers are busy with them while the build writes the output, and precompressDir takes them up
   * by cache entry. The files' bytes in the output are what decides: a file changed since (by an
   * outputReady hook) is compressed as it is then, and this work is only lost.
   */
  begin(made: Iterable<MadeFile>, pool: () => Promise<CompressionPool> | undefined): void {
    const isText = isTextFile(this.options.extensions);
    for (const { outputPath, data, hash } of made) {
      if (!isText(outputPath)) continue;
      const { kind, effort } = this.kindOf(outputPath, data.byteLength);
      for (const encoding of this.encodings) {
        const target = this.settings[kind][effort][encoding];
        const finished = this.settings[kind].release[encoding];
        const entryOf = (setting: RunSetting) => `${cacheKey(hash, setting)}-${encoding}`;
        if (this.store.find(entryOf(finished)) || this.store.find(entryOf(target))) continue;
        const workers = pool();
        if (!workers) return;
        // Its failure is the run's to report, when it takes this sibling up.
        this.compress(entryOf(target), () => data, target, outputPath, () => workers).catch(() => {});
      }
    }
  }

  /** One sibling of the bytes `read` gives, compressed by a worker and kept in the cache under `entry`. */
  compress(entry: string, read: () => Uint8Array, { setting, id }: RunSetting, path: string, pool: () => Promise<CompressionPool>): Promise<Uint8Array | null> {
    let work = this.inFlight.get(entry);
    if (work) return work;
    work = (async () => {
      // The threads start while the file is read (unless started ahead).
      const starting = pool();
      const data = read();
      const workers = await starting;
      const inParts = setting.encoding === 'gz' && (setting.encoder === 'zlib-parts' || setting.encoder === 'zopfli-parts');
      // Whole-file tasks first: the workers start on them while this thread cuts a file into parts.
      if (inParts) await new Promise(setImmediate);
      const { bytes, ms } = inParts
        ? await this.gzipParts(data, setting, id, path, workers)
        : // A fresh copy: its buffer is moved to the worker.
          await workers.encode(new Uint8Array(data), setting);
      this.workerMs += ms;
      const sibling = bytes.byteLength < data.byteLength ? bytes : null;
      this.store.putLater(entry, sibling ?? new Uint8Array());
      return sibling;
    })();
    this.inFlight.set(entry, work);
    return work;
  }

  /** A gzip file in parts (gzip-parts.ts): each part from the cache, or compressed by a worker and kept. */
  private async gzipParts(data: Uint8Array, setting: Setting & { encoding: 'gz' }, id: string, path: string, workers: CompressionPool) {
    const store = this.store;
    let ms = 0;
    const layout = setting.encoder === 'zopfli-parts' ? ZOPFLI_PARTS : ZLIB_PARTS;
    // The parts of the file's last version at this path: those found again need no scan for their ends.
    const knownKey = `known-${sha256('sha256', `${id}\0${JSON.stringify(layout)}\0${path}`).slice(0, 32)}`;
    const before = store.get(knownKey)?.toString();
    const { bytes, parts, made, known } = await gzipInParts(data, id, layout, {
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
    }, knownParts(before));
    const now = JSON.stringify(known);
    if (now !== before) store.putLater(knownKey, now);
    this.parts.made += made;
    this.parts.total += parts;
    return { bytes, ms };
  }
}

/** Compress every text file under outputDir (taking up what `begun` began); returns byte and time totals. */
export async function precompressDir({ outputDir, store, options, quick, release, staged, pool, begun }: PrecompressRun): Promise<PrecompressStats> {
  const started = performance.now();
  const work = begun ?? new Compressions({ store, options, quick, release });
  if (work.store !== store || work.options !== options) throw new Error('precompressDir takes up compressions begun with other options');
  const { encodings, settings } = work;
  const stats: PrecompressStats = {
    files: 0, compressed: 0, groups: {}, cached: 0, atEdit: 0,
    settings: (kind, effort) => encodings.map((encoding) => settings[kind][effort][encoding].setting),
    originalBytes: 0, gzipBytes: 0, gzipFiles: 0, brotliBytes: 0, brotliFiles: 0, gzipOriginalBytes: 0, brotliOriginalBytes: 0,
    parts: work.parts, wallMs: 0, workerMs: 0,
  };
  const files = encodings.length ? listTextFiles(outputDir, options.extensions) : [];
  // The threads start at the first file to compress, unless started ahead.
  const workers = () => (pool ??= CompressionPool.start(Math.min(options.workers, files.length)));

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

  const writeSibling = async (target: string, bytes: Uint8Array, mtimeNs: bigint) => {
    // A new file, not written through whatever was at that path (a file of the output's, maybe linked).
    await rm(target, { force: true });
    await writeFile(target, bytes);
    const time = sameMicrosecond(mtimeNs);
    await utimes(target, time, time);
  };

  /**
   * A file's .gz and .br, each the best that is at hand: its release-effort sibling if the previous
   * output or the cache has it (a plain build never undoes a release), else one at this run's effort,
   * from the previous output, the cache or the workers.
   */
  const siblingsFor = async ({ file, path, placed }: TextFile) => {
    const known = placed?.hash ? undefined : await readFile(file);
    let bytes = known;
    // At once: the workers get the file before this thread goes on to the files kept (precompressDir).
    const read = () => (bytes ??= readFileSync(file));
    const size = placed?.size ?? known!.byteLength;
    const hash = placed?.hash ?? contentHash(known!);
    const { kind, effort } = work.kindOf(path, size);
    let mtime: Promise<bigint> | undefined;
    let compressed = false;
    let atEdit = false;
    stats.files++;
    stats.originalBytes += size;

    const siblingFor = async (encoding: Encoding) => {
      const target = settings[kind][effort][encoding];
      const finished = settings[kind].release[encoding];
      const sibling = `${path}.${encoding}`;
      const use = async (setting: RunSetting, entry: string, bytes: Uint8Array | null) => {
        if (setting.id !== finished.id) atEdit = true;
        if (!bytes) return;
        mtime ??= stat(file, { bigint: true }).then((info) => info.mtimeNs);
        await writeSibling(`${file}.${encoding}`, bytes, await mtime);
        staged?.madeFrom(sibling, entry);
        count(encoding, bytes.byteLength, size);
      };
      for (const setting of target.id === finished.id ? [target] : [finished, target]) {
        const entry = `${cacheKey(hash, setting)}-${encoding}`;
        const kept = placed?.kept ? staged!.keep(sibling, entry) : undefined;
        if (kept !== undefined) {
          store.find(entry); // still used: pruning keeps it
          if (setting.id !== finished.id) atEdit = true;
          count(encoding, kept, size);
          return;
        }
        // Being compressed in this run (begun at buildEnd, or for a file with the same bytes): taken up below, not as a cache hit.
        if (work.inFlight.has(entry)) break;
        const cached = load(store, entry);
        if (cached !== undefined) return use(setting, entry, cached);
      }
      const entry = `${cacheKey(hash, target)}-${encoding}`;
      // Identical bytes elsewhere already being compressed: shared, not counted twice.
      if (!work.counted.has(entry)) compressed = true;
      work.counted.add(entry);
      return use(target, entry, await work.compress(entry, read, target, path, workers));
    };

    await Promise.all(encodings.map(siblingFor));
    if (atEdit) stats.atEdit++;
    if (!compressed) {
      stats.cached++;
      return;
    }
    stats.compressed++;
    const group: Group = `${kind}/${effort}`;
    stats.groups[group] = (stats.groups[group] ?? 0) + 1;
  };

  try {
    // listTextFiles' paths begin with outputDir's, normalized: cut, not path.relative (which resolves both, for each of a thousand files).
    const prefix = join(outputDir, sep);
    const textFiles = files.map((file): TextFile => {
      const path = (file.startsWith(prefix) ? file.slice(prefix.length) : relative(outputDir, file)).split(sep).join('/');
      return { file, path, placed: staged?.placed(path) };
    });
    // The files not kept from the previous output first (the ones that may need compressing): their
    // compression is under way in the workers while this thread goes through the files kept.
    const fresh = Promise.all(textFiles.filter((f) => !f.placed?.kept).map(siblingsFor));
    fresh.catch(() => {}); // awaited below, after the files kept
    await new Promise(setImmediate);
    await Promise.all([fresh, ...textFiles.filter((f) => f.placed?.kept).map(siblingsFor)]);
  } finally {
    await pool?.then((workers) => workers.close(), () => {});
    await store.flush();
  }
  stats.workerMs = work.workerMs;
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

/** How each kind of file is described in the summary. */
const KIND_WORDS: Record<Kind, string> = {
  steady: '',
  changing: ' that change on every edit',
  large: ` over ${LARGE_FILE_BYTES / 1024} KB`,
};

/** 'zlib 9, brotli 11': settings as the summary names them (with how many parts were compressed, for a .gz in parts). */
function describe(settings: Setting[], parts: PrecompressStats['parts']): string {
  return settings
    .map((s) => {
      if (s.encoding === 'br') return `brotli ${s.quality}`;
      if (s.encoder === 'zopfli') return 'zopfli';
      const inParts = `in parts, ${parts.made} of ${parts.total} compressed`;
      if (s.encoder === 'zopfli-parts') return `zopfli ${s.iterations} ${inParts}`;
      return s.encoder === 'zlib-parts' ? `zlib ${s.level} ${inParts}` : `zlib ${s.level}`;
    })
    .join(', ');
}

/**
 * One log line with what was compressed, by kind and effort (and the settings of each), time and
 * byte totals, and how many files are at edit effort.
 */
export function summarize(s: PrecompressStats): string {
  const split = (Object.keys(KIND_WORDS) as Kind[]).flatMap((kind) =>
    (['release', 'edit'] as const).flatMap((effort) => {
      const files = s.groups[`${kind}/${effort}`];
      return files ? [`${files}${KIND_WORDS[kind]} at ${effort} effort (${describe(s.settings(kind, effort), s.parts)})`] : [];
    }),
  );
  const one = s.atEdit === 1;
  const edit = s.atEdit === 0 ? '' : `; ${s.atEdit} file${one ? '' : 's'} at edit effort: solarpress deploy and build --release bring ${one ? 'it' : 'them'} to release effort`;
  return (
    `precompress: ${s.files} files (${[...(split.length ? split : ['0 compressed']), `${s.cached} from cache`].join(', ')}) in ${(s.wallMs / 1000).toFixed(2)} s ` +
    `(workers ${(s.workerMs / 1000).toFixed(2)} s); ${kb(s.originalBytes)} of text → ` +
    `gzip ${s.gzipFiles} files ${kb(s.gzipBytes)} (${pct(s.gzipBytes, s.gzipOriginalBytes)}), ` +
    `brotli ${s.brotliFiles} files ${kb(s.brotliBytes)} (${pct(s.brotliBytes, s.brotliOriginalBytes)})${edit}`
  );
}
