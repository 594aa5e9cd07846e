/**
 * Where a build may write. The output folder is replaced whole at the end of every build, so it must
 * never be a folder holding anything else: the project, its sources, its cache, or a folder of the
 * user's own files. Checked once per build, before anything is rendered, for `--out`, the config's
 * outDir, `deploy`'s build and the preview alike (they all build through SiteBuilder).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ContentError } from './errors.ts';
import { removeInBackground } from './output-removal.ts';
import type { Logger } from './types.ts';

/** The file every output folder solarpress writes holds: proof that it may replace the folder. */
export const OUTPUT_MARKER = '.solarpress-output';
/** Its bytes, the same at every build (rsync and hard-linking releases see no change). */
export const OUTPUT_MARKER_TEXT =
  'This folder is written by `solarpress build`, which replaces it whole at every build.\n' +
  'Keep nothing else here. (nginx never serves dotfiles; deploy does not send this file.)\n';

export interface ProjectFolders {
  root: string;
  contentDir: string;
  staticDir: string;
  themeDir: string;
  cacheDir: string;
}

export interface OutDirOrigin {
  /** How the user named the folder: '--out' or 'outDir in site.config.ts'. */
  label: string;
  /** The file that set it, for the error's location (site.config.ts), if any. */
  file?: string;
}

/**
 * Make sure a build may write outDir; throws a ContentError (exit 1) naming the folder when not.
 * The place is checked for every build (a wrong outDir is a config error even for `check`); what
 * the folder holds, and the leftovers of killed builds beside it, only for builds that write.
 */
export function claimOutDir(
  outDir: string,
  project: ProjectFolders,
  origin: OutDirOrigin,
  writing: false | { log: Logger; previousFiles: () => Iterable<string> | undefined },
): void {
  checkOutDirPlace(outDir, project, origin);
  if (!writing) return;
  removeLeftovers(outDir, writing.log);
  checkOutDirOwner(outDir, project, origin, writing.previousFiles);
}

/**
 * The files of the output folder's last build, from the manifest where the release before the
 * cache layer kept it (`<cacheDir>/output/<key>.json`): lets a dist/ it built, which has no marker,
 * be replaced on the first build after the upgrade. The cache prunes that old file later.
 */
export function legacyManifestFiles(cacheDir: string, outDir: string): string[] | undefined {
  const key = createHash('sha256').update(path.resolve(outDir)).digest('hex').slice(0, 16);
  try {
    const manifest = JSON.parse(readFileSync(path.join(cacheDir, 'output', `${key}.json`), 'utf8')) as { files: Array<[string, number, number]> };
    return manifest.files.map(([file]) => file);
  } catch {
    return undefined;
  }
}

/**
 * Refuse an output folder that is, holds or lies inside a folder solarpress must not replace.
 * Pure path rules (symlinks resolved): no folder is read.
 */
function checkOutDirPlace(outDir: string, project: ProjectFolders, origin: OutDirOrigin): void {
  const out = realish(outDir);
  const named = (what: string, dir: string) => `${what} (${shown(dir, project.root)})`;
  const protectedFolders: Array<{ dir: string; what: string; inside: boolean }> = [
    // The project may hold the output (dist/), but may not be it or lie inside it.
    { dir: project.root, what: 'the project folder', inside: false },
    { dir: project.contentDir, what: named('the content folder', project.contentDir), inside: true },
    { dir: project.staticDir, what: named('the static folder', project.staticDir), inside: true },
    { dir: project.themeDir, what: named('the theme folder', project.themeDir), inside: true },
    { dir: project.cacheDir, what: named('the cache folder', project.cacheDir), inside: true },
    { dir: path.join(project.root, 'node_modules'), what: 'node_modules/', inside: true },
    { dir: path.join(project.root, '.git'), what: '.git/', inside: true },
  ];
  for (const { dir, what, inside } of protectedFolders) {
    const real = realish(dir);
    let problem: string | undefined;
    if (real === out) problem = `is ${what}`;
    else if (isInside(real, out)) problem = `holds ${what}`;
    else if (inside && isInside(out, real)) problem = `is inside ${what}`;
    if (problem) refuse(outDir, project, origin, `${problem}: a build replaces its output folder whole, which would delete it`);
  }
}

/**
 * Refuse a cache folder that is, holds or lies inside the project's own folders. Each store prunes
 * what it did not write within the hour from its folder, so a store named like a folder of the
 * site's (the `pages` store in content/pages/, with cacheDir: 'content') would delete its files.
 * Pure path rules, checked before the cache is opened.
 */
export function checkCacheDirPlace(project: ProjectFolders, configFile: string): void {
  const cache = realish(project.cacheDir);
  const named = (what: string, dir: string) => `${what} (${shown(dir, project.root)})`;
  const own: Array<{ dir: string; what: string }> = [
    { dir: project.contentDir, what: named('the content folder', project.contentDir) },
    { dir: project.staticDir, what: named('the static folder', project.staticDir) },
    { dir: project.themeDir, what: named('the theme folder', project.themeDir) },
    { dir: path.join(project.root, 'node_modules'), what: 'node_modules/' },
    { dir: path.join(project.root, '.git'), what: '.git/' },
  ];
  const root = realish(project.root);
  let problem = cache === root ? 'is the project folder' : isInside(root, cache) ? 'holds the project folder' : undefined;
  // Not removed: the cache cannot tell a leftover of its own from a file of the user's by that name.
  if (statSync(cache, { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new ContentError(`the cache folder "${shown(project.cacheDir, project.root)}" (cacheDir) is a file, not a folder`, { file: configFile }, 'delete it if it is a leftover of the cache (it is safe to delete), or set cacheDir to a folder');
  }
  for (const { dir, what } of own) {
    if (problem) break;
    const real = realish(dir);
    if (real === cache) problem = `is ${what}`;
    else if (isInside(real, cache)) problem = `holds ${what}`;
    else if (isInside(cache, real)) problem = `is inside ${what}`;
  }
  if (problem) {
    throw new ContentError(
      `the cache folder "${shown(project.cacheDir, project.root)}" (cacheDir) ${problem}: the cache deletes what it does not know in its folders`,
      { file: configFile },
      `give the cache a folder of its own, e.g. cacheDir: '.solarpress-cache'`,
    );
  }
}

/**
 * Refuse an existing output folder that solarpress did not write: it is replaced only when it is
 * missing, empty, holds the marker, or (a folder built before the marker existed) holds only files
 * that the previous build's manifest lists.
 */
function checkOutDirOwner(outDir: string, project: ProjectFolders, origin: OutDirOrigin, previousFilesOf: () => Iterable<string> | undefined): void {
  let st;
  try {
    st = lstatSync(outDir);
  } catch {
    return; // missing: made by the build
  }
  if (st.isSymbolicLink()) st = statSync(outDir, { throwIfNoEntry: false }) ?? st;
  if (!st.isDirectory()) refuse(outDir, project, origin, 'is a file, not a folder: a build would replace it with a folder');
  if (existsSync(path.join(outDir, OUTPUT_MARKER))) return;
  const present = listEntries(outDir);
  if (present.length === 0) return;
  const previousFiles = previousFilesOf();
  const listed = new Set(previousFiles ?? []);
  const foreign = present.filter((relative) => !listed.has(relative));
  if (foreign.length === 0) return;
  const examples = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
  refuse(
    outDir,
    project,
    origin,
    `holds files solarpress did not write (${examples}): a build replaces its output folder whole, which would delete them`,
    previousFiles === undefined
      ? `choose a new or empty folder, or move those files away. An output folder built by an older solarpress (before ${OUTPUT_MARKER} marked it) is recognised only while the cache remembers it: if that is the case, delete the folder once`
      : `choose a new or empty folder, or move those files away (solarpress marks its own output with ${OUTPUT_MARKER})`,
  );
}

type SiblingKind = 'staging' | 'previous' | 'old';

/**
 * `.dist.staging-<pid>` (the output being written), `.dist.previous-<pid>` (the old one, during the
 * swap) and `.dist.old-<pid>` (the old one once the new one is in, being removed: output-removal.ts).
 */
export function siblingFolder(outDir: string, kind: SiblingKind, pid = process.pid): string {
  const absolute = path.resolve(outDir);
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.${kind}-${pid}`);
}

/** `.dist.spare`: the output before last, kept for the next build to bring up to date (output-spare.ts). */
export function spareFolder(outDir: string): string {
  const absolute = path.resolve(outDir);
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.spare`);
}

/**
 * Remove the staging folders a killed build left beside outDir (only those of processes no longer
 * running: another build may be writing its own). A build killed between the two renames of the
 * swap left outDir missing and the old output in `.previous-<pid>`: that one is put back instead.
 * An old output whose removal was cut short (`.old-<pid>`) is removed in the background, never put back.
 */
function removeLeftovers(outDir: string, log: Logger): void {
  const absolute = path.resolve(outDir);
  const parent = path.dirname(absolute);
  const prefix = `.${path.basename(absolute)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return; // no parent yet: nothing left over
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(staging|previous|old)-(\d+)$/.exec(name.slice(prefix.length)) : null;
    if (!match || isRunning(Number(match[2]))) continue;
    const leftover = path.join(parent, name);
    if (match[1] === 'old') removeInBackground(leftover);
    else if (match[1] === 'previous' && !existsSync(absolute)) {
      renameSync(leftover, absolute);
      log.info(`put back ${path.basename(absolute)}/ from ${name}/, left by an interrupted build`);
    } else {
      rmSync(leftover, { recursive: true, force: true });
      log.info(`removed ${name}/, left by an interrupted build`);
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refuse(outDir: string, project: ProjectFolders, origin: OutDirOrigin, problem: string, hint?: string): never {
  throw new ContentError(
    `the output folder "${shown(outDir, project.root)}" (${origin.label}) ${problem}`,
    origin.file ? { file: origin.file } : undefined,
    hint ?? `build into a folder of its own, e.g. ${origin.label === '--out' ? '--out dist' : "outDir: 'dist'"}`,
  );
}

/** Every file and symlink under dir (relative, posix), folders only by what they hold. */
function listEntries(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** The path with symlinks resolved as far as it exists (the rest appended), so a link cannot hide a folder. */
function realish(file: string): string {
  const absolute = path.resolve(file);
  let existing = absolute;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    return path.join(realpathSync(existing), path.relative(existing, absolute));
  } catch {
    return absolute;
  }
}

/** True when child lies strictly inside parent. */
function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !isOutside(relative);
}

function shown(dir: string, root: string): string {
  const relative = path.relative(root, dir);
  if (relative === '') return '.';
  return isOutside(relative) ? path.resolve(dir) : relative;
}

function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}
