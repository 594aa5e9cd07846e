/**
 * The spare output folder (double buffering). The output folder a build replaces is not removed but
 * kept beside outDir (`.dist.spare`, output-guard.ts), and the next build that writes claims it as
 * its staging folder and brings it up to date: most of an edit's 5,000 files (pages and their
 * .gz/.br) are the same as two builds ago, and are kept where they lie (one lstat each) instead of
 * being hard-linked one by one into a new folder of a thousand new folders, whose old twin an `rm`
 * then removed.
 *
 * Nothing in the spare is trusted for what it is: a file stays only where the record of the build
 * that wrote the folder (its manifest) says what it was made from and the file's size, mtime and
 * inode are still the ones recorded (a file of the live output edited by hand is often the same
 * inode: its mtime tells). Anything else found in the folder is removed before the build writes,
 * so a killed or failed build's half-updated spare, a hand-added file or a stray folder never reach
 * the output. Files are never written into: a file that must change is removed and written anew,
 * as the live output's may be the same inode.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { joinNormal } from './join-normal.js';
import { OUTPUT_MARKER } from './output-guard.ts';
import type { ManifestFile } from './output.ts';

/** A relative path '/'-separated (as it is already where the separator is '/'). */
const posix = path.sep === '/' ? (relative: string) => relative : (relative: string) => relative.split(path.sep).join('/');

/** What says a file is still the one recorded. */
export type FileStat = Pick<Stats, 'size' | 'mtimeMs' | 'ino'>;
/** Whether a file is still the one stat-ed: an edit changes its mtime (and maybe size), a replacement its inode. */
export const sameStat = (recorded: FileStat, st: Stats) => st.size === recorded.size && st.mtimeMs === recorded.mtimeMs && st.ino === recorded.ino;
export const statOf = ([, size, mtimeMs, ino]: ManifestFile): FileStat => ({ size, mtimeMs, ino });

/**
 * Move the spare folder to `dir` (the build's staging folder); false if there is none (a first
 * build, or another build running took it), or what is in its place is not a folder solarpress
 * wrote (it holds the output marker, output-guard.ts): that is left alone.
 */
export function claimSpare(spare: string, dir: string): boolean {
  try {
    if (!lstatSync(spare).isDirectory() || !lstatSync(joinNormal(spare, OUTPUT_MARKER), { throwIfNoEntry: false })?.isFile()) return false;
    renameSync(spare, dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * A claimed spare folder as a staging folder: what it holds, checked against its record. Used by
 * StagedFiles (output.ts) in three steps: prepare (before the output is written), take (for each
 * file the build or a hook would otherwise link from outDir; clear before another file is put
 * there), sweep (after the hooks).
 */
export class SpareFolder {
  /** Files whose stat is their record's, by path, with that stat: they may be kept. */
  private readonly found = new Map<string, { record: ManifestFile; st: Stats }>();
  /** Folders found that no file of the output needs: removed at the end if empty, deepest first. */
  private unneeded: string[] = [];

  /** `records`: the manifest of the build that wrote the folder (see the module comment). */
  constructor(
    private readonly dir: string,
    private readonly records: ManifestFile[],
  ) {}

  /**
   * Before the output is written: every file found is lstat-ed; what its record does not vouch for
   * is removed, and so is a file the build placed last time that it does not place now (a page
   * removed), so that no hook sees it. Files hooks reported (`hook`, e.g. the .gz/.br) stay for
   * them to take. Then the folders of `outputPaths` are made where missing, anything in their way
   * removed.
   */
  prepare(outputPaths: Iterable<string>, placesNow: (outputPath: string) => boolean): void {
    const records = new Map(this.records.map((record) => [record[0], record]));
    const files: string[] = [];
    const folders = new Set<string>();
    const prefix = this.dir.length + 1;
    for (const entry of readdirSync(this.dir, { withFileTypes: true, recursive: true })) {
      const relative = entry.parentPath.length < prefix ? entry.name : `${posix(entry.parentPath.slice(prefix))}/${entry.name}`;
      if (entry.isDirectory()) folders.add(relative);
      else files.push(relative);
    }
    for (const relative of files) {
      const file = joinNormal(this.dir, relative);
      const record = records.get(relative);
      const st = record && lstatSync(file);
      if (record && st!.isFile() && sameStat(statOf(record), st!) && (record[5] === true || placesNow(relative))) this.found.set(relative, { record, st: st! });
      else unlinkSync(file);
    }
    const needed = new Set<string>();
    for (const outputPath of outputPaths) {
      // A folder where a file goes: what it held is another output's.
      if (folders.has(outputPath)) {
        rmSync(joinNormal(this.dir, outputPath), { recursive: true });
        for (const relative of this.found.keys()) if (relative.startsWith(`${outputPath}/`)) this.found.delete(relative);
      }
      for (let folder = path.posix.dirname(outputPath); folder !== '.' && !needed.has(folder); folder = path.posix.dirname(folder)) needed.add(folder);
    }
    for (const folder of [...needed].sort()) {
      if (folders.has(folder)) continue;
      // A file where a folder goes.
      if (this.found.delete(folder)) unlinkSync(joinNormal(this.dir, folder));
      mkdirSync(joinNormal(this.dir, folder));
    }
    // Deepest first; those that hold a hook's files (found, for it to take) are tried again at the end.
    this.unneeded = [...folders]
      .filter((folder) => !needed.has(folder))
      .sort()
      .reverse()
      .filter((folder) => !removeEmpty(joinNormal(this.dir, folder)));
  }

  /** The file found at this path, if it was made from `madeFrom` and is untouched (its stat): it stays. */
  take(outputPath: string, madeFrom: string): Stats | undefined {
    const found = this.found.get(outputPath);
    if (found?.record[4] !== madeFrom) return undefined;
    this.found.delete(outputPath);
    return found.st;
  }

  /** Remove the file found at this path: another one is put there. */
  clear(outputPath: string): void {
    if (this.found.delete(outputPath)) unlinkSync(joinNormal(this.dir, outputPath));
  }

  /**
   * After the hooks: the files they did not take are removed, unless the build placed its own there
   * (`placed`, the hooks' madeFrom) or one is there that is not the one found (a hook wrote its own);
   * then the folders left empty.
   */
  sweep(placed: (outputPath: string) => boolean): void {
    for (const [relative, { st: before }] of this.found) {
      if (placed(relative)) continue;
      const file = joinNormal(this.dir, relative);
      const st = lstatSync(file, { throwIfNoEntry: false });
      if (st && sameStat(before, st)) unlinkSync(file);
    }
    this.found.clear();
    // Those not empty hold what a hook wrote there.
    for (const folder of this.unneeded) removeEmpty(joinNormal(this.dir, folder));
  }
}

/** Remove a folder if it is empty (or gone); false if not. */
function removeEmpty(folder: string): boolean {
  try {
    rmdirSync(folder);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
