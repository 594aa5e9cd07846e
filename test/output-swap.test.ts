/**
 * The swap's last step: the output folder a build replaced is kept as the spare (src/output-spare.ts)
 * or moved aside as `.dist.old-<pid>` and removed in the background (src/output-removal.ts), so the
 * command does not wait for it; an old
 * folder whose removal was cut short is removed by the next build, and never put back as dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { createLogger } from '../src/log.ts';
import { MANIFEST_STORE, Output, writeOutput } from '../src/output.ts';
import { claimOutDir, siblingFolder, spareFolder } from '../src/output-guard.ts';
import { removalsEnded } from '../src/output-removal.ts';

let root: string;
let dist: string;
let cache: FileCache;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'output-swap-'));
  dist = path.join(root, 'dist');
  cache = new FileCache(path.join(root, '.cache'));
});
afterEach(async () => {
  await removalsEnded();
  rmSync(root, { recursive: true, force: true });
});

const siblings = () => readdirSync(root).filter((name) => name.startsWith('.dist.')).sort();

async function write(files: Record<string, string>): Promise<void> {
  const output = new Output(cache);
  for (const [file, text] of Object.entries(files)) output.emit(file, text);
  expect(await writeOutput(output, dist, async () => {}, 'settings', cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version))).toBe('written');
}

/** The pid of a process that has ended. */
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

const project = () => ({ root, contentDir: path.join(root, 'content'), staticDir: path.join(root, 'static'), themeDir: path.join(root, 'theme'), cacheDir: path.join(root, '.cache') });
const claim = () => claimOutDir(dist, project(), { label: '--out' }, { log: createLogger({ quiet: true }), previousFiles: () => undefined });

describe('the output a build replaced', () => {
  it('is in place whole at once; the old folder is kept as the spare, or removed after the build, in the background', async () => {
    await write({ 'index.html': 'one', 'a/index.html': 'a', 'b/index.html': 'b' });
    await write({ 'index.html': 'two', 'a/index.html': 'a' });
    // The new output is complete as soon as the build returns; the old one is the spare (src/output-spare.ts).
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toBe('two');
    expect(existsSync(path.join(dist, 'b'))).toBe(false);
    expect(siblings()).toEqual([path.basename(spareFolder(dist))]);
    // The file kept is dist/'s and the spare's (hard-linked from the old folder), never the cache's.
    expect(statSync(path.join(dist, 'a/index.html')).nlink).toBe(2);
    // Without the record of what it holds (a cache deleted), the old folder is removed instead.
    rmSync(path.join(root, '.cache'), { recursive: true });
    cache = new FileCache(path.join(root, '.cache'));
    await write({ 'index.html': 'three' });
    expect(siblings().every((name) => name === path.basename(siblingFolder(dist, 'old')))).toBe(true);
    await removalsEnded();
    expect(siblings()).toEqual([]);
    expect(statSync(path.join(dist, 'index.html')).nlink).toBe(1);
    // A spare already there (another build's): the folder replaced is removed; a fourth build in this
    // process moves its old folder to the same name: no clash.
    mkdirSync(path.join(spareFolder(dist), 'x'), { recursive: true });
    await write({ 'index.html': 'four' });
    await write({ 'index.html': 'five' });
    await removalsEnded();
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toBe('five');
  });

  it('left over by a build whose removal was cut short, is removed by the next build and never put back as dist/', async () => {
    await write({ 'index.html': 'current' });
    const old = path.join(root, `.dist.old-${deadPid()}`);
    mkdirSync(path.join(old, 'a'), { recursive: true });
    writeFileSync(path.join(old, 'a/index.html'), 'older');
    claim();
    await removalsEnded();
    expect(siblings()).toEqual([]);

    // dist/ deleted by hand: an old folder is not an output to put back (a .previous one is).
    mkdirSync(path.join(old, 'a'), { recursive: true });
    writeFileSync(path.join(old, 'a/index.html'), 'older');
    rmSync(dist, { recursive: true });
    claim();
    await removalsEnded();
    expect(existsSync(dist)).toBe(false);
    expect(siblings()).toEqual([]);
  });

  it('of a build still running is left alone', async () => {
    const running = path.join(root, `.dist.old-${process.ppid}`);
    mkdirSync(running);
    writeFileSync(path.join(running, 'index.html'), 'being removed by its own build');
    claim();
    await removalsEnded();
    expect(siblings()).toEqual([path.basename(running)]);
  });
});
