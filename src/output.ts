/**
 * The output of a build, held as a map until it is complete, and the one place that writes outDir:
 * everything goes into a temporary sibling folder, which replaces outDir only when the whole build,
 * including the plugins' last steps, succeeded. A failed build leaves the previous outDir untouched.
 */
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FileCache } from './cache/file-cache.js';
import { contentHash } from './cache/hash.js';
import type { CacheStore } from './cache/store.js';
import { ContentError } from './errors.ts';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT, siblingFolder, spareFolder } from './output-guard.ts';
import { removeReplaced } from './output-removal.ts';
import { claimSpare, sameStat, SpareFolder, statOf, type FileStat } from './output-spare.ts';
import type { StagedOutput } from './types.ts';
import { joinNormal } from './join-normal.js';

/** Bytes made by this build (`hash`: their contentHash, when the maker has it already), or a file to publish. */
export type OutputSource = { data: Uint8Array; hash?: string } | { file: string };

/** Formats that are compressed already: nginx sends them as they are. */
const PRECOMPRESSED = /\.(png|jpe?g|gif|webp|avif|woff2?|ico|gz|br|zip)$/i;

export class Output {
  readonly files = new Map<string, OutputSource>();
  /**
   * Files published from the cache are its entries: they count as used, their identity is their
   * content hash, and their bytes are checked against it whenever they are read or published.
   */
  constructor(readonly cache?: FileCache) {}

  private readonly gzipMemo = new Map<string, number>();
  private readonly identities = new Map<string, string>();
  /** Files published by path are looked at once per build (size, signature, summary). */
  private readonly stats = new Map<string, Stats>();
  /** Sizes of the files writeOutput placed (copies of their sources, or the previous output's same files): no stat of the source later. */
  private readonly placedSizes = new Map<string, number>();

  emit(outputPath: string, data: string | Uint8Array, hash?: string): void {
    this.put(outputPath, { data: typeof data === 'string' ? Buffer.from(data) : data, hash });
  }

  emitFile(outputPath: string, file: string): void {
    this.put(outputPath, { file });
  }

  has(outputPath: string): boolean {
    return this.files.has(outputPath);
  }

  read(outputPath: string): Buffer {
    const source = this.files.get(outputPath);
    if (!source) throw new Error(`no output file ${outputPath}`);
    if ('data' in source) return Buffer.from(source.data);
    if (!this.cache?.holds(source.file)) return readFileSync(source.file);
    const data = this.cache.readVerified(source.file);
    if (!data) throw new DamagedCacheEntries([source.file]);
    return data;
  }

  size(outputPath: string): number {
    const source = this.files.get(outputPath)!;
    return 'data' in source ? source.data.byteLength : (this.placedSizes.get(outputPath) ?? this.statOf(source.file).size);
  }

  /** The file at this path was placed in the output folder with these bytes' size (its source's). */
  placedAs(outputPath: string, size: number): void {
    this.placedSizes.set(outputPath, size);
  }

  /** The files made as bytes (emit, not emitFile), with their content hash. */
  *made(): Iterable<{ outputPath: string; data: Uint8Array; hash: string }> {
    for (const [outputPath, source] of this.files) if ('data' in source) yield { outputPath, data: source.data, hash: this.identityOf(outputPath) };
  }

  /** Bytes on the wire for a site-absolute URL: gzip for text, as-is for compressed formats. */
  compressedSize(url: string): number | undefined {
    const outputPath = outputPathOf(url);
    if (!outputPath || !this.files.has(outputPath)) return undefined;
    if (PRECOMPRESSED.test(outputPath)) return this.size(outputPath);
    const bytes = this.read(outputPath);
    const key = createHash('sha1').update(bytes).digest('hex');
    let size = this.gzipMemo.get(key);
    if (size === undefined) {
      size = gzipSync(bytes, { level: 9 }).byteLength;
      this.gzipMemo.set(key, size);
    }
    return size;
  }

  /** Identity of the whole output: its paths and what each file is made from (identityOf). */
  signature(): string {
    const hash = createHash('sha256');
    for (const outputPath of [...this.files.keys()].sort()) hash.update(`${outputPath}\0${this.identityOf(outputPath)}\0`);
    return hash.digest('hex');
  }

  /**
   * What the file at this path is made from: the content hash of its bytes (a cache entry's is in its
   * name), or for another file (the static folder's) its path, size, mtime and inode.
   */
  identityOf(outputPath: string): string {
    let identity = this.identities.get(outputPath);
    if (identity === undefined) {
      const source = this.files.get(outputPath);
      if (!source) throw new Error(`no output file ${outputPath}`);
      if ('data' in source) identity = source.hash ?? contentHash(source.data);
      else {
        const entry = this.cache?.entryAt(source.file)?.entry;
        const st = entry ? undefined : this.statOf(source.file);
        identity = entry ? entry.hash : `file\0${source.file}\0${st!.size}\0${st!.mtimeMs}\0${st!.ino}`;
      }
      this.identities.set(outputPath, identity);
    }
    return identity;
  }

  /** The content hash of the bytes at this path, when known without reading a file (data, cache entries). */
  contentHashOf(outputPath: string): string | undefined {
    if (!this.files.has(outputPath)) return undefined;
    const identity = this.identityOf(outputPath);
    return identity.startsWith('file\0') ? undefined : identity;
  }

  totalBytes(): number {
    let total = 0;
    for (const outputPath of this.files.keys()) total += this.size(outputPath);
    return total;
  }

  private statOf(file: string): Stats {
    let st = this.stats.get(file);
    if (!st) {
      st = statSync(file);
      this.stats.set(file, st);
    }
    return st;
  }

  private put(outputPath: string, source: OutputSource): void {
    if (outputPath.startsWith('/') || outputPath.split('/').some((part) => part === '..' || part === '')) {
      throw new Error(`output path must be relative and inside the output: ${outputPath}`);
    }
    const existing = this.files.get(outputPath);
    if (existing && !sameBytes(existing, source)) {
      throw new ContentError(`two different files want to be published at /${outputPath}`, undefined, 'rename one of the sources (a slug, an image, an asset)');
    }
    this.files.set(outputPath, source);
    this.identities.delete(outputPath);
    this.placedSizes.delete(outputPath);
    if ('file' in source) {
      // A cache entry's identity is its content hash (identityOf), known here already.
      const entry = this.cache?.use(source.file);
      if (entry) this.identities.set(outputPath, entry.hash);
    }
  }
}

/** '/a/' → 'a/index.html', '/feed.xml' → 'feed.xml'; undefined for other origins. */
export function outputPathOf(url: string): string | undefined {
  if (!url.startsWith('/') || url.startsWith('//')) return undefined;
  const clean = decodeURIComponent(url.split(/[?#]/)[0]).slice(1);
  return clean === '' || clean.endsWith('/') ? `${clean}index.html` : clean;
}

function sameBytes(a: OutputSource, b: OutputSource): boolean {
  if ('file' in a && 'file' in b && a.file === b.file) return true;
  const read = (s: OutputSource) => ('data' in s ? Buffer.from(s.data) : readFileSync(s.file));
  return read(a).equals(read(b));
}

/**
 * A file of a written output folder: its path, what it was made from (identityOf, or what a plugin
 * said; null if unknown), its size, mtime and inode once in place, which say it is untouched since,
 * and whether a hook reported it (StagedOutput.madeFrom, keep) rather than the build placing it.
 */
export type ManifestFile = [path: string, size: number, mtimeMs: number, ino: number, madeFrom: string | null, hook?: true];

export interface Manifest {
  signature: string;
  /** Every file the build placed in the folder, and those outputReady hooks reported (StagedOutput.madeFrom), sorted by path. */
  files: ManifestFile[];
}

/**
 * The temporary folder beside outDir that a build's output goes into: the spare folder if there is
 * one (`reused`: the output before last, brought up to date in writeOutput, output-spare.ts), else a
 * new one, whose folders can be made ahead, in the background (libuv's threads), while the build is
 * still rendering: on some disks a folder costs half a millisecond, and a site has one per page.
 */
export class Staging {
  readonly dir: string;
  readonly reused: boolean;
  private readonly made = new Map<string, Promise<unknown>>();

  constructor(private readonly outDir: string) {
    const parent = path.dirname(path.resolve(outDir));
    mkdirSync(parent, { recursive: true });
    this.dir = siblingFolder(outDir, 'staging');
    rmSync(this.dir, { recursive: true, force: true });
    this.reused = claimSpare(spareFolder(outDir), this.dir);
    if (!this.reused) mkdirSync(this.dir);
  }

  /** Start making the folders these output files go in (a reused folder has most: writeOutput makes the others). */
  prepare(outputPaths: Iterable<string>): void {
    if (this.reused) return;
    for (const outputPath of outputPaths) void this.folder(path.dirname(outputPath)).catch(() => {});
  }

  /** The folder (relative, posix) made, its parents first. */
  folder(relative: string): Promise<unknown> {
    if (relative === '.' || relative === '') return Promise.resolve();
    let made = this.made.get(relative);
    if (!made) {
      made = this.folder(path.posix.dirname(relative)).then(() => mkdir(path.join(this.dir, relative)));
      this.made.set(relative, made);
    }
    return made;
  }

  /** Remove it: the build failed. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.made.values());
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Not needed: the output was in place already. A spare claimed goes back untouched. */
  async unused(): Promise<void> {
    if (this.reused && claimSpare(this.dir, spareFolder(this.outDir))) return;
    await this.discard();
  }
}

/**
 * Write the output into the staging folder (made here if the build did not start one), let `finish`
 * work on it (precompression, checks), then swap it in. Throws, leaving outDir as it was, if anything
 * fails. When the output is the one already in outDir (same files, and outDir untouched since),
 * nothing is written at all; a file that is the same as in outDir is hard-linked from it, not written.
 * A release (`release`: finished at release effort) is the same output only as a release; a plain
 * build takes a release's output as its own (it would keep its release-effort files anyway).
 * `finishedWith` names what `finish` writes by (the build's settings): the same files finished with
 * other settings (precompression turned on or off) are another output.
 */
export async function writeOutput(
  output: Output,
  outDir: string,
  finish: (dir: string, staged: StagedOutput) => Promise<void>,
  finishedWith: string,
  manifests: CacheStore,
  prepared?: Staging,
  release = false,
): Promise<'written' | 'unchanged'> {
  const plain = contentHash(`${output.signature()}\0${finishedWith}`);
  const released = contentHash(`${plain}\0release`);
  const signature = release ? released : plain;
  const manifestKey = manifestKeyOf(outDir);
  const previousManifest = readManifest(manifests, outDir);
  const same = previousManifest?.signature === signature || (!release && previousManifest?.signature === released);
  const spareKey = `${manifestKey}-spare`;
  // Used by every build (pruning keeps it) while the spare folder it describes is there.
  const spareRecord = manifests.find(spareKey);
  if (same && existsSync(path.join(outDir, OUTPUT_MARKER)) && intact(outDir, previousManifest!.files)) {
    await prepared?.unused();
    return 'unchanged';
  }

  const stagingFolder = prepared ?? new Staging(outDir);
  const staging = stagingFolder.dir;
  const spare = stagingFolder.reused ? new SpareFolder(staging, (spareRecord && (manifests.getJson(spareKey) as ManifestFile[] | undefined)) || []) : undefined;
  const placed = new StagedFiles(path.resolve(outDir), staging, output, previousManifest?.files ?? [], spare);
  let files: ManifestFile[];
  let spared = false;
  try {
    const sorted = [...output.files].sort(([a], [b]) => (a < b ? -1 : 1));
    if (spare) spare.prepare(output.files.keys(), (outputPath) => output.has(outputPath));
    else await Promise.all(sorted.map(([outputPath]) => stagingFolder.folder(path.posix.dirname(outputPath))));
    const damaged: string[] = [];
    for (const [outputPath, source] of sorted) {
      const identity = output.identityOf(outputPath);
      const kept = placed.keep(outputPath, identity);
      if (kept !== undefined) {
        output.placedAs(outputPath, kept);
        continue;
      }
      placed.free(outputPath);
      const target = path.join(staging, outputPath);
      // A new file ('wx'): never written through one that is there (in a spare folder, maybe the live output's own).
      if ('data' in source) writeFileSync(target, source.data, { flag: 'wx' });
      else if (!publishFile(source.file, target, output.cache)) {
        damaged.push(source.file);
        continue;
      }
      output.placedAs(outputPath, placed.madeFrom(outputPath, identity));
    }
    if (damaged.length > 0) throw new DamagedCacheEntries(damaged);
    await finish(staging, placed);
    spare?.sweep((outputPath) => placed.has(outputPath));
    // Last, so that no plugin sees (or publishes) it: it lets the next build replace this folder.
    writeFileSync(path.join(staging, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    placed.marked();
    files = placed.manifest();
    manifests.evict(manifestKey);
    manifests.evict(spareKey);
    // The folder replaced is kept as the next build's spare only with the record of what it holds.
    spared = await swapIn(staging, outDir, previousManifest !== undefined);
  } catch (error) {
    await stagingFolder.discard();
    throw error;
  }
  manifests.put(manifestKey, JSON.stringify({ signature, files } satisfies Manifest));
  if (spared) manifests.put(spareKey, JSON.stringify(previousManifest!.files));
  return 'written';
}

type Placed = FileStat & { madeFrom: string | null; kept: boolean };

/**
 * The files put into a staging folder, with what each was made from and its stat once in place.
 * A file of the previous output is kept (hard-linked from outDir: never a link to the cache) when
 * the manifest says it was made from the same thing and its size, mtime and inode say nobody
 * touched it since; anything else is written anew.
 */
class StagedFiles implements StagedOutput {
  private readonly previous: Map<string, ManifestFile>;
  private readonly files = new Map<string, Placed>();

  constructor(
    private readonly outDir: string,
    private readonly dir: string,
    private readonly output: Output,
    previousFiles: ManifestFile[],
    /** When dir is the spare folder: what it holds is kept from there first. */
    private readonly spare?: SpareFolder,
  ) {
    this.previous = new Map(previousFiles.map((file) => [file[0], file]));
  }

  placed(outputPath: string): { size: number; hash?: string; kept: boolean } | undefined {
    const placed = this.files.get(outputPath);
    const st = placed && lstatSync(joinNormal(this.dir, outputPath), { throwIfNoEntry: false });
    if (!placed || !st || !sameStat(placed, st)) return undefined;
    const byTheBuild = this.output.has(outputPath) && this.output.identityOf(outputPath) === placed.madeFrom;
    return { size: placed.size, hash: byTheBuild ? this.output.contentHashOf(outputPath) : undefined, kept: placed.kept };
  }

  keep(outputPath: string, madeFrom: string): number | undefined {
    const spared = this.spare?.take(outputPath, madeFrom);
    if (spared) {
      this.record(outputPath, madeFrom, true, spared);
      return spared.size;
    }
    const before = this.previous.get(outputPath);
    if (before?.[4] !== madeFrom) return undefined;
    this.spare?.clear(outputPath);
    const target = joinNormal(this.dir, outputPath);
    try {
      linkSync(joinNormal(this.outDir, outputPath), target);
    } catch {
      return undefined; // gone, or something is at the target already: written anew
    }
    // The inode linked, not the one looked at before: a file replaced meanwhile is not kept.
    const st = lstatSync(target);
    if (!st.isFile() || !sameStat(statOf(before), st)) {
      rmSync(target);
      return undefined;
    }
    this.record(outputPath, madeFrom, true, st);
    return st.size;
  }

  /** Whether a file was placed at this path (kept, written, or said by a hook). */
  has(outputPath: string): boolean {
    return this.files.has(outputPath);
  }

  /** Make way for a file the build writes at this path (what a spare folder holds there is another one). */
  free(outputPath: string): void {
    this.spare?.clear(outputPath);
  }

  /** Its size. */
  madeFrom(outputPath: string, madeFrom: string): number {
    return this.record(outputPath, madeFrom, false);
  }

  /** The marker, written last: listed like the others, made from nothing that could be kept. */
  marked(): void {
    this.record(OUTPUT_MARKER, null, false);
  }

  /**
   * Every file placed (kept, written, or reported by a hook with madeFrom), with its stat as placed,
   * in path order: what the build knows, no walk of the folder. A file a hook changed or replaced
   * since no longer matches its stat, so the next build neither keeps it nor finds the folder intact.
   */
  manifest(): ManifestFile[] {
    return [...this.files]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([relative, { size, mtimeMs, ino, madeFrom }]): ManifestFile =>
        madeFrom !== null && !this.output.has(relative) ? [relative, size, mtimeMs, ino, madeFrom, true] : [relative, size, mtimeMs, ino, madeFrom],
      );
  }

  private record(outputPath: string, madeFrom: string | null, kept: boolean, st = lstatSync(joinNormal(this.dir, outputPath))): number {
    this.files.set(outputPath, { madeFrom, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, kept });
    return st.size;
  }
}

/**
 * Each file (anything not a folder) under dir, lstat-ed once, in path order ('/'-separated). Paths
 * are put together as strings, not by path.join and path.relative: on an output of 4,000 files
 * those were half of a no-change build's check that its output is intact.
 */
function walk<T>(dir: string, each: (relative: string, st: Stats) => T): T[] {
  const found: string[] = [];
  const visit = (relative: string) => {
    for (const entry of readdirSync(relative ? joinNormal(dir, relative) : dir, { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(name);
      else found.push(name);
    }
  };
  visit('');
  return found.sort().map((relative) => each(relative, lstatSync(joinNormal(dir, relative))));
}

/**
 * Put the staging folder in outDir's place: the old folder is moved aside, then kept as the spare
 * folder (`keepSpare`, if none is there: output-spare.ts) or removed once the new one is in (in the
 * background: output-removal.ts). If the new one cannot be moved in, the old one is moved back:
 * outDir is never left missing. Returns whether the old folder became the spare.
 */
async function swapIn(staging: string, outDir: string, keepSpare: boolean): Promise<boolean> {
  const previous = siblingFolder(outDir, 'previous');
  const hadPrevious = existsSync(outDir);
  if (hadPrevious) renameSync(outDir, previous);
  try {
    renameSync(staging, outDir);
  } catch (error) {
    if (hadPrevious) renameSync(previous, outDir);
    throw error;
  }
  if (!hadPrevious) return false;
  if (keepSpare && claimSpare(previous, spareFolder(outDir))) return true;
  await removeReplaced(previous, siblingFolder(outDir, 'old'));
  return false;
}

/** The cache store the manifests of written output folders are kept in. */
export const MANIFEST_STORE = { name: 'output', version: '3' } as const;

/** The manifest of what a build wrote to outDir is kept per output folder: tests and `--out` build elsewhere with the same cache. */
export const manifestKeyOf = (outDir: string) => createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16);

export function readManifest(manifests: CacheStore, outDir: string): Manifest | undefined {
  return manifests.getJson(manifestKeyOf(outDir)) as Manifest | undefined;
}

/** Whether dir holds exactly the files listed, each untouched since (size, mtime, inode): one walk, one lstat a file. */
export function intact(dir: string, files: ManifestFile[]): boolean {
  try {
    // Both lists are in walk's path order: the same files, one by one, each with its recorded stat.
    const now = walk(dir, (relative, st) => ({ relative, st }));
    return now.length === files.length && now.every(({ relative, st }, i) => files[i]![0] === relative && sameStat(statOf(files[i]!), st));
  } catch {
    return false;
  }
}

/**
 * Put a file into the output as a copy of its own, never a link: nothing done to dist/ can reach the
 * cache or the sources. A cache entry is written from its bytes once they are verified (false if they
 * are damaged or gone); other files are cloned where the file system can (reflinks), else copied.
 */
function publishFile(from: string, to: string, cache: FileCache | undefined): boolean {
  if (cache?.holds(from)) {
    const data = cache.readVerified(from);
    if (!data) return false;
    writeFileSync(to, data, { flag: 'wx' });
    return true;
  }
  copyFileSync(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
  return true;
}

/**
 * Cache entries found damaged (or gone) while they were published. They are removed already, with a
 * warning; the build runs again once, and their makers make them afresh.
 */
export class DamagedCacheEntries extends ContentError {
  constructor(readonly files: string[]) {
    super(
      `${files.length} cache ${files.length === 1 ? 'entry was' : 'entries were'} damaged or removed while in use`,
      { file: files[0] },
      'build again; if this comes back, delete the cache folder (cacheDir in site.config.ts) and check the disk',
    );
  }
}
