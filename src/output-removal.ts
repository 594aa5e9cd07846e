/**
 * Removing the output folder a build replaced. Removing thousands of files and folders waits on the
 * file system (each rmdir about a millisecond for its journal on a busy disk): done by the build, it
 * was the last thing the command waited for. So the old folder is moved aside under a name of its
 * own (`.dist.old-<pid>`, output-guard.ts) and removed by `rm -rf` in a process of its own, which
 * outlives the build's: the command ends as soon as the new output is in place. Should that removal
 * be cut short (a reboot), the next build removes what is left (output-guard.ts removeLeftovers).
 */
import { spawn } from 'node:child_process';
import { readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import path from 'node:path';

/** Removals this process started, by folder, until they end. */
const removals = new Map<string, Promise<void>>();

/**
 * Move `previous` (an output folder just replaced) to `old` and remove it in the background. A
 * removal of `old` this process started earlier (a build before this one, in a preview or a test)
 * is waited for first; if the move fails all the same, `previous` is removed here and now.
 */
export async function removeReplaced(previous: string, old: string): Promise<void> {
  await removals.get(old);
  try {
    renameSync(previous, old);
  } catch {
    await removeTree(previous);
    return;
  }
  removeInBackground(old);
}

/**
 * Remove a folder by `rm -rf` in a process of its own that this one does not wait for; where there
 * is no rm to start, in this process. A removal that fails is left to the next build.
 */
export function removeInBackground(dir: string): void {
  if (removals.has(dir)) return;
  const removal = new Promise<'done' | 'no rm'>((resolve) => {
    const child = spawn('rm', ['-rf', '--', dir], { stdio: 'ignore' });
    child.on('error', () => resolve('no rm'));
    child.on('exit', () => resolve('done'));
    child.unref();
  })
    .then((how) => (how === 'no rm' ? removeTree(dir) : undefined))
    .catch(() => {})
    .finally(() => removals.delete(dir));
  removals.set(dir, removal);
}

/** Wait for every removal this process started (a test, before it looks at the folders). */
export async function removalsEnded(): Promise<void> {
  await Promise.all(removals.values());
}

/**
 * rmSync's recursive removal, for a folder of plain files and folders (an output folder): one
 * readdir, one unlink a file and one rmdir a folder, no stat. The folders are removed many at once,
 * on libuv's threads: on a busy disk removing a folder waits about a millisecond (for the file
 * system's journal), not for the CPU, and one at a time the 1,000 folders of a 1,000-article site
 * took 1.2-2.5 s here. Anything unexpected (a file that appeared meanwhile) is left to rmSync.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    const byDepth: string[][] = [[dir]];
    const top = dir.split(path.sep).length;
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      const absolute = path.join(entry.parentPath, entry.name);
      if (!entry.isDirectory()) unlinkSync(absolute);
      else (byDepth[absolute.split(path.sep).length - top] ??= []).push(absolute);
    }
    // Deepest first: a folder is empty once the folders inside it are gone.
    for (let depth = byDepth.length - 1; depth >= 0; depth--) await Promise.all((byDepth[depth] ?? []).map((folder) => rmdir(folder)));
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}
