/**
 * The spare output folder (src/output-spare.ts): the folder a build replaced is kept as
 * `.dist.spare` and brought up to date by the next build, which keeps what it may where it lies.
 * Whatever was done to it or to the live output meanwhile, the output is the one a build into a new
 * folder writes: nothing its record does not vouch for is published, a hand edit of the live output
 * (often the same inode) is repaired, and a failed build leaves dist/ as it was.
 */
import { appendFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { MANIFEST_STORE, Output, Staging, writeOutput } from '../src/output.ts';
import { OUTPUT_MARKER, spareFolder } from '../src/output-guard.ts';
import { removalsEnded } from '../src/output-removal.ts';
import type { StagedOutput } from '../src/types.ts';
import { snapshotDir } from './support/site.ts';

let root: string;
let dist: string;
let spare: string;
let cache: FileCache;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'output-spare-'));
  dist = path.join(root, 'dist');
  spare = spareFolder(dist);
  cache = new FileCache(path.join(root, '.cache'));
});
afterEach(async () => {
  await removalsEnded();
  rmSync(root, { recursive: true, force: true });
});

type Finish = (dir: string, staged: StagedOutput) => Promise<void>;

function outputOf(files: Record<string, string>): Output {
  const output = new Output(cache);
  for (const [file, text] of Object.entries(files)) output.emit(file, text);
  return output;
}

async function write(files: Record<string, string>, finish: Finish = async () => {}, prepared?: Staging) {
  return writeOutput(outputOf(files), dist, finish, 'settings', cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version), prepared);
}

/** dist/ holds exactly these files (and the marker), with these bytes. */
function expectOutput(files: Record<string, string>): void {
  const found = Object.fromEntries([...snapshotDir(dist)].filter(([file]) => file !== OUTPUT_MARKER).map(([file, bytes]) => [file, bytes.toString()]));
  expect(found).toEqual(files);
  // No folder left that no file needs.
  const folders = readdirSync(dist, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.relative(dist, path.join(e.parentPath, e.name)));
  for (const folder of folders) expect(Object.keys(files).some((file) => file.startsWith(`${folder}/`)), `${folder}/ is empty`).toBe(true);
}

describe('the spare output folder', () => {
  it('is the folder replaced; the next build keeps its unchanged files where they lie (the same inode in every generation)', async () => {
    await write({ 'index.html': 'one', 'a/index.html': 'a' });
    const a = statSync(path.join(dist, 'a/index.html')).ino;
    await write({ 'index.html': 'two', 'a/index.html': 'a' });
    expect(existsSync(spare)).toBe(true);
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([path.basename(spare)]);
    await write({ 'index.html': 'three', 'a/index.html': 'a', 'b/index.html': 'b' });
    expectOutput({ 'index.html': 'three', 'a/index.html': 'a', 'b/index.html': 'b' });
    expect(statSync(path.join(dist, 'a/index.html')).ino).toBe(a);
    // The page changed in the build before (two) was linked from dist/, not taken from the spare's (one).
    await write({ 'index.html': 'two', 'a/index.html': 'a' });
    expectOutput({ 'index.html': 'two', 'a/index.html': 'a' });
  });

  it('publishes nothing its record does not vouch for: files added, changed in place, replaced, symlinks, folders', async () => {
    const files = { 'index.html': 'home', 'a/index.html': 'a', 'b/index.html': 'b' };
    await write(files);
    await write({ ...files, 'index.html': 'home 2' });
    // The spare holds the first output: tamper with it.
    writeFileSync(path.join(spare, 'stray.html'), 'not ours');
    mkdirSync(path.join(spare, 'c/d'), { recursive: true });
    writeFileSync(path.join(spare, 'c/d/index.html'), 'not ours');
    symlinkSync('/etc/passwd', path.join(spare, 'a/passwd'));
    rmSync(path.join(spare, 'b/index.html'));
    writeFileSync(path.join(spare, 'b/index.html'), 'x'); // a new inode, the same size
    // In place: the same inode as dist/'s (kept there from the spare's generation), so dist/ shows it too.
    appendFileSync(path.join(spare, 'a/index.html'), ' changed');
    await write({ ...files, 'index.html': 'home 3' });
    expectOutput({ ...files, 'index.html': 'home 3' });
  });

  it("repairs a hand edit of the live output in place, which is the spare's file too", async () => {
    await write({ 'index.html': 'one', 'kept.html': 'kept' });
    await write({ 'index.html': 'two', 'kept.html': 'kept' });
    expect(statSync(path.join(dist, 'kept.html')).ino).toBe(statSync(path.join(spare, 'kept.html')).ino);
    writeFileSync(path.join(dist, 'kept.html'), 'KEPT'); // same size; the mtime tells
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dist, 'kept.html'), later, later);
    await write({ 'index.html': 'three', 'kept.html': 'kept' });
    expectOutput({ 'index.html': 'three', 'kept.html': 'kept' });
    await write({ 'index.html': 'four', 'kept.html': 'kept' });
    expectOutput({ 'index.html': 'four', 'kept.html': 'kept' });
  });

  it('a page removed is not published from the spare, nor its folder; a file where a folder goes, and a folder where a file goes', async () => {
    await write({ 'p/index.html': 'p', 'q/index.html': 'q', a: 'file a', 'b/index.html': 'b' });
    await write({ 'p/index.html': 'p', 'q/index.html': 'q', a: 'file a', 'b/index.html': 'b', r: 'r' });
    // The hooks see the build's files only: not the removed page's, nor the folder it was in.
    const seen: string[] = [];
    const looking: Finish = async (dir) => {
      seen.push(...readdirSync(dir, { recursive: true }).map(String));
    };
    await write({ 'p/index.html': 'p', 'a/index.html': 'a', b: 'file b' }, looking);
    expect(seen.filter((file) => !file.startsWith('p')).sort()).toEqual(['a', 'a/index.html', 'b']);
    expectOutput({ 'p/index.html': 'p', 'a/index.html': 'a', b: 'file b' });
    await write({ 'p/index.html': 'p', 'q/index.html': 'q', a: 'file a', 'b/index.html': 'b' });
    expectOutput({ 'p/index.html': 'p', 'q/index.html': 'q', a: 'file a', 'b/index.html': 'b' });
  });

  it("keeps a hook's files it takes (keep), and removes those it does not, unless it wrote its own there", async () => {
    const hook =
      (take: boolean, own = false): Finish =>
      async (dir, staged) => {
        for (const page of ['x.html', 'y.html']) {
          const sibling = `${page}.gz`;
          if (take && staged.keep(sibling, `gz of ${page}`) !== undefined) continue;
          if (!take && !own) continue;
          rmSync(path.join(dir, sibling), { force: true });
          writeFileSync(path.join(dir, sibling), `gz of ${page}`);
          staged.madeFrom(sibling, `gz of ${page}`);
        }
      };
    const files = { 'x.html': 'x', 'y.html': 'y' };
    await write({ ...files, 'index.html': '1' }, hook(true));
    await write({ ...files, 'index.html': '2' }, hook(true));
    const gz = statSync(path.join(spare, 'x.html.gz')).ino;
    await write({ ...files, 'index.html': '3' }, hook(true));
    expect(statSync(path.join(dist, 'x.html.gz')).ino).toBe(gz);
    expectOutput({ ...files, 'index.html': '3', 'x.html.gz': 'gz of x.html', 'y.html.gz': 'gz of y.html' });
    await write({ ...files, 'index.html': '4' }, hook(false));
    expectOutput({ ...files, 'index.html': '4' });
    await write({ ...files, 'index.html': '5' }, hook(true));
    await write({ ...files, 'index.html': '6' }, hook(true));
    // The spare holds the hook's files: this time it writes its own (replaced) without taking them.
    expect(existsSync(path.join(spare, 'x.html.gz'))).toBe(true);
    await write({ ...files, 'index.html': '7' }, hook(false, true));
    expectOutput({ ...files, 'index.html': '7', 'x.html.gz': 'gz of x.html', 'y.html.gz': 'gz of y.html' });
  });

  it('a failed build leaves dist/ as it was and the spare it took is removed; the next build writes a new folder', async () => {
    await write({ 'index.html': 'one', 'a/index.html': 'a' });
    await write({ 'index.html': 'two', 'a/index.html': 'a' });
    const before = snapshotDir(dist);
    const failing: Finish = async (dir) => {
      writeFileSync(path.join(dir, 'half.html'), 'half');
      throw new Error('a plugin failed');
    };
    await expect(write({ 'index.html': 'three', 'a/index.html': 'a' }, failing)).rejects.toThrow('a plugin failed');
    expect(snapshotDir(dist)).toEqual(before);
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([]);
    await write({ 'index.html': 'four', 'a/index.html': 'a' });
    expectOutput({ 'index.html': 'four', 'a/index.html': 'a' });
  });

  it('a .dist.spare that solarpress did not write (no output marker) is left alone', async () => {
    mkdirSync(spare);
    writeFileSync(path.join(spare, 'notes.txt'), 'mine');
    await write({ 'index.html': 'one' });
    await write({ 'index.html': 'two' });
    await write({ 'index.html': 'three' });
    expectOutput({ 'index.html': 'three' });
    await removalsEnded();
    expect(snapshotDir(spare)).toEqual(new Map([['notes.txt', Buffer.from('mine')]]));
  });

  it('an output already in place puts back the spare it took, untouched; a spare removed by hand or without its record is no matter', async () => {
    await write({ 'index.html': 'one' });
    await write({ 'index.html': 'two' });
    const inSpare = snapshotDir(spare);
    expect(await write({ 'index.html': 'two' }, async () => {}, new Staging(dist))).toBe('unchanged');
    expect(snapshotDir(spare)).toEqual(inSpare);

    rmSync(spare, { recursive: true });
    await write({ 'index.html': 'three' });
    expectOutput({ 'index.html': 'three' });
    // The cache's records gone: the spare is claimed but nothing in it trusted, and the folder replaced is removed.
    rmSync(path.join(root, '.cache'), { recursive: true });
    cache = new FileCache(path.join(root, '.cache'));
    await write({ 'index.html': 'four' });
    expectOutput({ 'index.html': 'four' });
    await removalsEnded();
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([]);
    expect(lstatSync(dist).isDirectory()).toBe(true);
  });
});
