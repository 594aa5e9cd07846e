/**
 * The cache layer (src/cache/): named stores with versions, atomic writes, verified reads, the used
 * keys of a build and the one pruning rule with its grace period.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { CacheStore, GRACE_MS } from '../src/cache/store.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'solarpress-cache-store-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => path.join(base, `c${n++}`);

/** A store whose warnings are collected. */
function storeIn(root: string, name = 'things', version = '1') {
  const warnings: string[] = [];
  const store = new CacheStore({ root, name, version, warn: (message, file) => warnings.push(`${file}: ${message}`) });
  return { store, warnings };
}

/** Make a file look as if it was written `ms` ago. */
function age(file: string, ms: number): void {
  const then = (Date.now() - ms) / 1000;
  utimesSync(file, then, then);
}

describe('a cache store', () => {
  it('writes atomically: an entry under its name and no temporary file left', () => {
    const root = freshRoot();
    const { store } = storeIn(root);
    const entry = store.put('page', 'hello');
    expect(entry.file).toBe(path.join(root, 'things', 'v1', entry.name));
    expect(entry.name).toMatch(/^page\.[0-9a-f]{16}$/);
    expect(readdirSync(store.dir)).toEqual([entry.name]);
    expect(readFileSync(entry.file, 'utf8')).toBe('hello');
  });

  it('reads back across processes (a new store on the same folder), by key, with its suffix', () => {
    const root = freshRoot();
    storeIn(root).store.put('page', 'hello', { suffix: '1234' });
    const { store } = storeIn(root);
    expect(store.find('page')?.suffix).toBe('1234');
    expect(store.get('page')?.toString()).toBe('hello');
    expect(store.get('other')).toBeUndefined();
  });

  it('verifies what it reads: a truncated or altered entry is a miss, removed with a warning', () => {
    const root = freshRoot();
    const first = storeIn(root).store;
    const a = first.put('a', 'the whole of a');
    const b = first.put('b', 'the whole of b');
    truncateSync(a.file, 5);
    writeFileSync(b.file, 'THE WHOLE OF B');
    const { store, warnings } = storeIn(root);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(a.file);
    expect(warnings[0]).toContain('damaged cache entry');
    expect(existsSync(a.file) || existsSync(b.file)).toBe(false);
    // Made again, it reads well.
    store.put('a', 'the whole of a');
    expect(store.get('a')?.toString()).toBe('the whole of a');
  });

  it('writing bytes again under a key whose file by that name is damaged puts them right, with a warning', () => {
    const root = freshRoot();
    const a = storeIn(root).store.put('a', 'the whole of a');
    writeFileSync(a.file, 'THE WHOLE OF A');
    // Its maker, asked again (say a record naming it was damaged), makes the same bytes, hence the same name.
    const { store, warnings } = storeIn(root);
    expect(store.put('a', 'the whole of a').file).toBe(a.file);
    expect(readFileSync(a.file, 'utf8')).toBe('the whole of a');
    expect(warnings).toEqual([expect.stringContaining('damaged cache entry')]);
    expect(storeIn(root).store.get('a')?.toString()).toBe('the whole of a');
  });

  it('a file where its folder or its version\'s folder goes is damage: removed with a warning, and the entry written', async () => {
    for (const blocked of ['things', 'things/v1']) {
      const root = freshRoot();
      mkdirSync(path.dirname(path.join(root, blocked)), { recursive: true });
      writeFileSync(path.join(root, blocked), 'junk');
      const { store, warnings } = storeIn(root);
      expect(store.put('a', 'the whole of a').file).toBe(path.join(root, 'things/v1', store.find('a')!.name));
      expect(store.get('a')?.toString()).toBe('the whole of a');
      expect(warnings).toEqual([expect.stringContaining(`${path.join(root, blocked)}: damaged cache`)]);
    }
    // In the background too.
    const root = freshRoot();
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'things'), 'junk');
    const { store } = storeIn(root);
    store.putLater('b', 'the whole of b');
    await store.flush();
    expect(storeIn(root).store.get('b')?.toString()).toBe('the whole of b');
  });

  it('gives a JSON record back, and undefined for none or for bytes that do not parse', () => {
    const { store } = storeIn(freshRoot());
    store.put('record', JSON.stringify({ made: 'x', files: [1, 2] }));
    store.put('prose', 'not { json');
    expect(store.getJson('record')).toEqual({ made: 'x', files: [1, 2] });
    expect(store.getJson('prose')).toBeUndefined();
    expect(store.getJson('absent')).toBeUndefined();
  });

  it('replaces what a key held when it is written again', async () => {
    const root = freshRoot();
    const { store } = storeIn(root);
    store.put('pack', 'one');
    store.put('pack', 'two');
    expect(readdirSync(store.dir)).toHaveLength(1);
    store.putLater('pack', 'three');
    await store.flush();
    expect(readdirSync(store.dir)).toHaveLength(1);
    expect(storeIn(root).store.get('pack')?.toString()).toBe('three');
  });

  it('a background write that fails is reported by flush(), and is no unhandled rejection when no flush waits for it', async () => {
    const root = freshRoot();
    // The store's folder cannot be made: its root is a file.
    writeFileSync(root, 'not a folder');
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      storeIn(root).store.putLater('lost', 'never flushed');
      const { store } = storeIn(root);
      store.putLater('reported', 'flushed');
      await expect(store.flush()).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });

  it('keeps versions apart: a new version starts empty', () => {
    const root = freshRoot();
    storeIn(root, 'things', '1').store.put('k', 'old format');
    const { store } = storeIn(root, 'things', '2');
    expect(store.find('k')).toBeUndefined();
    expect(store.dir).toBe(path.join(root, 'things', 'v2'));
  });

  it('folder entries are verified as a whole', () => {
    const root = freshRoot();
    const { store, warnings } = storeIn(root);
    const entry = store.putFolder('bundle', [['a.mjs', Buffer.from('export const a = 1;')], ['sub/b.mjs', Buffer.from('export const b = 2;')]]);
    expect(store.verifyFolder(entry)).toBe(true);
    truncateSync(path.join(entry.file, 'sub/b.mjs'), 3);
    expect(store.verifyFolder(entry)).toBe(false);
    expect(existsSync(entry.file)).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});

describe('pruning', () => {
  it('deletes what this build did not use once nobody wrote it for the grace period, and nothing else', () => {
    const root = freshRoot();
    const earlier = storeIn(root).store;
    const usedOld = earlier.put('used-old', 'u');
    const unusedOld = earlier.put('unused-old', 'x');
    const unusedFresh = earlier.put('unused-fresh', 'y');
    age(usedOld.file, GRACE_MS + 60_000);
    age(unusedOld.file, GRACE_MS + 60_000);
    age(unusedFresh.file, GRACE_MS - 60_000);
    // A crashed writer's leftover, and an old version's folder.
    const leftover = path.join(earlier.dir, '.tmp-1-abcdef');
    writeFileSync(leftover, 'half');
    age(leftover, GRACE_MS + 60_000);
    const oldVersion = storeIn(root, 'things', '0').store.put('k', 'v0');
    age(oldVersion.file, GRACE_MS + 60_000);

    const build = storeIn(root).store;
    expect(build.get('used-old')?.toString()).toBe('u');
    expect(build.prune()).toBe(3);
    expect(existsSync(usedOld.file)).toBe(true);
    // Another build sharing the cache wrote this a moment ago: kept.
    expect(existsSync(unusedFresh.file)).toBe(true);
    expect(existsSync(unusedOld.file)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(path.dirname(oldVersion.file))).toBe(false);
  });

  it('two builds sharing a cache keep each other\'s fresh entries', () => {
    const root = freshRoot();
    const a = new FileCache(root).store('pages', '1');
    const b = new FileCache(root).store('pages', '1');
    const fromA = a.put('a', 'site state A');
    const fromB = b.put('b', 'site state B');
    a.prune();
    b.prune();
    expect(existsSync(fromA.file) && existsSync(fromB.file)).toBe(true);
  });
});

describe('the table of stores', () => {
  it('knows its entries by path, counts them used, and verifies them', () => {
    const root = freshRoot();
    mkdirSync(root, { recursive: true });
    const warnings: string[] = [];
    const cache = new FileCache(root, { warn: (m) => warnings.push(m) });
    const store = cache.store('pages', '3');
    expect(() => cache.store('pages', '4')).toThrow(/version/);
    const entry = store.put('k', 'bytes');
    expect(cache.entryAt(entry.file)?.entry.hash).toBe(entry.hash);
    // Paths as given, not resolved: one that leaves the cache and comes back is its entry, one that leaves it is none.
    expect(cache.entryAt(`${store.dir}/../v3/${entry.name}`)?.entry.hash).toBe(entry.hash);
    expect(cache.entryAt(`${root}/../${path.basename(root)}x/pages/v3/${entry.name}`)).toBeUndefined();
    expect(cache.entryAt(`${root}/pages/v3/sub/../../v3/${entry.name}`)?.entry.name).toBe(entry.name);
    expect(cache.entryAt(path.join(root, 'elsewhere.txt'))).toBeUndefined();
    expect(cache.readVerified(entry.file)?.toString()).toBe('bytes');

    cache.startBuild();
    expect(store.used.size).toBe(0);
    cache.use(entry.file);
    expect(store.used.has(entry.name)).toBe(true);
    writeFileSync(entry.file, 'BYTES');
    expect(cache.readVerified(entry.file)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});
