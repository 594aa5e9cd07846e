/**
 * The inputs of the last build, recorded so that `solarpress build` with nothing changed ends at once:
 * when the config's export, every file and folder the last build read (content, static files, theme,
 * solarpress's own code and packages) and the output folder are as that build left them, and no
 * held-back or future-dated page's date has passed since, a build would write the same output: the
 * command says so without loading the pipeline, the cache or the pages.
 *
 * The output's being the same rests on what the caches rest on already: a build's output is made of
 * these inputs alone. A site whose config lists plugins of its own always builds in full (solarpress
 * cannot know what their hooks read); so does one whose config exports anything but plain data.
 *
 * A file's stat tells its bytes only once it has been still for a few seconds (src/cache/stamps.js):
 * stamps are taken when the build begins and kept only if every stamped file was last changed
 * SETTLE_NS before the command started, so that nothing read earlier (the config, the theme's code)
 * or later (the pages) can have changed unseen.
 */
import { hash } from 'node:crypto';
import { existsSync, readdirSync, statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { serialize } from 'node:v8';
import { moduleInputs } from './bundle.js';
import { FileCache } from './cache/file-cache.js';
import { isPlainData } from './cache/plain.js';
import { ABSENT, settledBefore, stampOf, stampOfStat } from './cache/stamps.js';
import { DEFAULT_CACHE_DIR } from './config-file.ts';
import { importSiteConfig } from './config-module.ts';
import { intact, MANIFEST_STORE, manifestKeyOf, readManifest } from './output.ts';
import { OUTPUT_MARKER } from './output-guard.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import type { Logger } from './types.ts';
import { VERSION } from './version.ts';
import { joinNormal } from './join-normal.js';

const STORE = { name: 'inputs', version: '1' } as const;

/** What `solarpress build` was asked for. */
export interface BuildRequest {
  root: string;
  drafts: boolean;
  future: boolean;
  /** --release: its output differs from a plain build's (precompression at release effort). */
  release?: boolean;
  /** --out, as given */
  out?: string;
}

/** What the summary of a build says, besides its time. */
export interface BuildFigures {
  pages: number;
  images: number;
  files: number;
  bytes: number;
  draftsLeftOut: number;
  futureLeftOut: number;
}

/** The inputs of a build, stamped as it began (stampInputs), and what it found about them on its way. */
export interface BuildInputs {
  /** absolute path → stampOf() */
  stamps: Record<string, string>;
  /** The last change of any stamped file, in ns since the epoch: the stamps count only if it is SETTLE_NS before the command started. */
  lastChangeNs: bigint;
  /** The config's bundled module the build ran. */
  configModule: string;
  /** The earliest date of a page held back or shown as future-dated (ms since the epoch): the output changes then. */
  changesAt?: number;
  /** Cache entries the build found damaged: it warned, so its warnings are not the content's alone. */
  cacheDamaged: number;
}

interface InputsRecord {
  config: string;
  outDir: string;
  stamps: Record<string, string>;
  changesAt: number | null;
  /** The output manifest's entry (src/output.ts): its name holds its content hash. */
  manifest: string;
  figures: BuildFigures;
  /** The build's warnings, as shown: the content's, said again while it is unchanged. */
  warnings: string[];
}

/** The config as this command loaded it, and the last build's record if nothing it lists has changed. */
export interface LastBuild {
  /** Identity of the config's code and export; undefined when the export is not plain data (no record is kept). */
  config?: string;
  configModule?: string;
  unchanged?: { outDir: string; figures: BuildFigures; warnings: string[] };
}

/**
 * The last build's record, if the build asked for now would write exactly the output it wrote and
 * that output is in place, untouched. Any doubt (a missing or damaged record, an error loading the
 * config) says nothing: the build runs, and reports what there is to report.
 */
export async function lastBuild(request: BuildRequest, log: Logger): Promise<LastBuild> {
  let raw: unknown;
  let configModule: string;
  try {
    ({ raw, module: configModule } = await importSiteConfig(request.root));
  } catch {
    return {};
  }
  const config = configIdentity(raw, configModule);
  if (!config) return {};
  const found: LastBuild = { config, configModule };
  const cache = cacheOf(request.root, raw as Record<string, unknown>, log);
  const record = cache && readRecord(cache, request);
  if (!cache || record?.config !== config) return found;
  if (record.changesAt !== null && Date.now() >= record.changesAt) return found;
  for (const file in record.stamps) if (stampOf(file) !== record.stamps[file]) return found;
  const manifests = cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version);
  if (manifests.find(manifestKeyOf(record.outDir))?.name !== record.manifest) return found;
  const manifest = readManifest(manifests, record.outDir);
  if (!manifest || !existsSync(path.join(record.outDir, OUTPUT_MARKER)) || !intact(record.outDir, manifest.files)) return found;
  return { ...found, unchanged: { outDir: record.outDir, figures: record.figures, warnings: record.warnings } };
}

/**
 * Keep the inputs of a build that wrote its output, for the next command to compare (lastBuild);
 * or forget the last record, when there is nothing sure to keep.
 * @param startedMs when the command started, before it read anything
 */
export function recordBuild(
  request: BuildRequest,
  last: LastBuild,
  build: { cacheDir: string; outDir: string; inputs?: BuildInputs; figures: BuildFigures; written: boolean },
  warnings: string[],
  startedMs: number,
): void {
  const cache = new FileCache(build.cacheDir);
  const store = cache.store(STORE.name, STORE.version);
  const key = keyOf(request);
  const { inputs } = build;
  const manifest = cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version).find(manifestKeyOf(build.outDir));
  const sure =
    inputs !== undefined &&
    last.config !== undefined &&
    // The config this command compared is the one the build ran (it was not edited in between).
    inputs.configModule === last.configModule &&
    inputs.cacheDamaged === 0 &&
    build.written &&
    manifest !== undefined &&
    inputs.lastChangeNs <= settledBefore(startedMs);
  if (!sure) {
    store.evict(key);
    return;
  }
  const record: InputsRecord = {
    config: last.config!,
    outDir: build.outDir,
    stamps: inputs.stamps,
    changesAt: inputs.changesAt ?? null,
    manifest: manifest.name,
    figures: build.figures,
    warnings,
  };
  try {
    store.put(key, JSON.stringify(record));
  } catch {
    // A read-only cache: every build runs in full, as before.
  }
}

/** The inputs stamped, and the stats they were stamped from (by absolute path: the build reads its pages' from here). */
export type StampedInputs = Pick<BuildInputs, 'stamps' | 'lastChangeNs'> & { stats: ReadonlyMap<string, BigIntStats> };

/** Stamp what a build reads besides its config (InputPlaces), and solarpress's own code and packages. */
export function stampInputs(read: InputPlaces): StampedInputs | undefined {
  try {
    return stampAll(read);
  } catch {
    return undefined; // a folder that cannot be read: the build says so, or goes on without a record
  }
}

/** Where a build reads from, besides its config and solarpress's own code. */
export interface InputPlaces {
  /** Folders read whole: the content and static folders. */
  folders: string[];
  /** Folders of code (a theme): what they import from packages is stamped as the modules' inputs, not their node_modules. */
  code: string[];
  /** Files whose presence decides something. */
  files: string[];
  /** Site modules imported (bundled: src/bundle.js), each stamped with every file it was made from. */
  modules: string[];
}

function stampAll({ folders, code, files, modules }: InputPlaces): StampedInputs {
  const stamps: Record<string, string> = {};
  const stats = new Map<string, BigIntStats>();
  let lastChangeNs = 0n;
  const add = (file: string, stat: BigIntStats | undefined) => {
    stamps[file] = stat ? stampOfStat(stat) : ABSENT;
    if (stat) stats.set(file, stat);
    if (stat && stat.ctimeNs > lastChangeNs) lastChangeNs = stat.ctimeNs;
    if (stat && stat.mtimeNs > lastChangeNs) lastChangeNs = stat.mtimeNs;
  };
  const seen = new Set<string>();
  const folder = (dir: string, isCode: boolean) => {
    const stat = statSync(dir, { bigint: true, throwIfNoEntry: false });
    add(dir, stat);
    if (!stat?.isDirectory() || seen.has(`${stat.dev}:${stat.ino}`)) return;
    seen.add(`${stat.dev}:${stat.ino}`);
    for (const name of readdirSync(dir)) {
      if (isCode && name === 'node_modules') continue;
      const file = joinNormal(dir, name); // dir is resolved already
      const st = statSync(file, { bigint: true, throwIfNoEntry: false });
      if (st?.isDirectory()) folder(file, isCode);
      else add(file, st);
    }
  };
  for (const dir of folders) folder(path.resolve(dir), false);
  for (const dir of [...code, path.join(PACKAGE_ROOT, 'src'), path.join(PACKAGE_ROOT, 'plugins')]) folder(path.resolve(dir), true);
  const bundled = modules.flatMap((module) => moduleInputs(module) ?? [module]);
  for (const file of [...files, ...bundled, path.join(PACKAGE_ROOT, 'package.json'), path.join(PACKAGE_ROOT, 'package-lock.json')]) {
    if (!(file in stamps)) add(file, statSync(file, { bigint: true, throwIfNoEntry: false }));
  }
  return { stamps, lastChangeNs, stats };
}

/**
 * What a build's output depends on in the config: its export (plain data only: a function or a
 * plugin's object cannot be compared), its code, solarpress's version and Node's.
 */
function configIdentity(raw: unknown, module: string): string | undefined {
  // Not an object at all: no record; the build names the mistake.
  if (typeof raw !== 'object' || raw === null || !isPlainData(raw)) return undefined;
  return hash('sha256', Buffer.concat([Buffer.from(`${VERSION}\0${process.version}\0${path.basename(module)}\0`), serialize(raw)]));
}

/** The site's cache, where its config puts it (a cacheDir that is not a string fails the build: no record then). */
function cacheOf(root: string, raw: Record<string, unknown>, log: Logger): FileCache | undefined {
  const dir = raw.cacheDir ?? DEFAULT_CACHE_DIR;
  if (typeof dir !== 'string') return undefined;
  return new FileCache(path.resolve(root, dir), { warn: (message, file) => log.warn(message, { file }) });
}

function readRecord(cache: FileCache, request: BuildRequest): InputsRecord | undefined {
  return cache.store(STORE.name, STORE.version).getJson(keyOf(request)) as InputsRecord | undefined;
}

/** One record for each way of building a site (drafts, future, --release, --out). */
function keyOf({ root, drafts, future, release, out }: BuildRequest): string {
  const request = [path.resolve(root), drafts, future, out === undefined ? null : path.resolve(root, out)];
  return hash('sha256', JSON.stringify(release ? [...request, 'release'] : request)).slice(0, 16);
}
