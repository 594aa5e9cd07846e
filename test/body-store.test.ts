/**
 * The body cache's packs (src/render/body-store.ts): the bodies of the last build only, their trees
 * in packs by key, so that an edit writes one tree pack and a build reads only the trees it needs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BodyResult } from '../src/render/body.ts';
import { BodyStore } from '../src/render/body-store.ts';
import { FileCache } from '../src/cache/file-cache.js';
import { DamagedCacheEntries } from '../src/output.ts';
import { build } from '../src/build.ts';
import type { Logger } from '../src/types.ts';
import { snapshotDir, tempSite } from './support/site.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'solarpress-bodies-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const body = (key: string, text: string): BodyResult => ({
  key,
  contentHash: `content-${key}`,
  body: { type: 'root', children: [{ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: text }] }] },
  headings: [{ depth: 2, id: 'part', text: 'Part' }],
  wordCount: 1,
  links: { 'articles/other.md': '/other/' },
  files: {},
  siteLinks: [{ url: '/about/', line: 4 }],
  emits: [],
  warnings: [{ message: 'a warning', line: 3 }],
});

const textOf = (result: BodyResult) => (result.body.children[0] as { children: { value: string }[] }).children[0].value;

const open = (root: string, warnings: string[] = []) => {
  const cache = new FileCache(root, { warn: (message) => warnings.push(message) });
  return { cache, store: new BodyStore(cache) };
};

async function finish({ cache, store }: ReturnType<typeof open>): Promise<void> {
  store.endBuild();
  store.write();
  await cache.flush();
}

/** The store's files, by key (the part before the content hash). */
function files(root: string): Map<string, string> {
  const dir = path.join(root, 'bodies', 'v4');
  return new Map(readdirSync(dir).map((name) => [name.split('.')[0], path.join(dir, name)]));
}

describe('the body store', () => {
  it('keeps what a build used, across processes, and drops the rest', async () => {
    const dir = tempDir();
    const first = open(dir);
    first.store.put('a1', body('a1', 'Alpha'));
    first.store.put('b1', body('b1', 'Beta'));
    await finish(first);

    const opened = open(dir);
    const second = opened.store;
    const a = second.get('a1')!;
    expect(a.body).toEqual(body('a1', 'Alpha').body); // the tree comes back when asked for
    expect(a.warnings).toEqual([{ message: 'a warning', line: 3 }]);
    expect(second.get('b1')?.headings).toEqual([{ depth: 2, id: 'part', text: 'Part' }]);
    // The next build uses only a1, and renders c1.
    second.use('a1');
    second.put('c1', body('c1', 'Gamma'));
    await finish(opened);

    const third = open(dir).store;
    expect(third.get('a1')).toBeDefined();
    expect(third.get('b1')).toBeUndefined();
    expect(textOf(third.get('c1')!)).toBe('Gamma');
  });

  it('an edit writes the records and the one tree pack of its new body; a build reads no tree it does not ask for', async () => {
    const dir = tempDir();
    const first = open(dir);
    for (const key of ['0a', '1b', '2c']) first.store.put(key, body(key, `text ${key}`));
    await finish(first);
    const before = files(dir);
    expect([...before.keys()].sort()).toEqual(['pack', 'trees-0', 'trees-1', 'trees-2']);

    // One page edited: its body has a new key, 1d, in tree pack 1; 0a and 2c come from the cache.
    const second = open(dir);
    const reads = vi.spyOn(second.cache.store('bodies', '4'), 'read');
    for (const key of ['0a', '2c']) {
      expect(second.store.get(key)?.contentHash).toBe(`content-${key}`);
      second.store.use(key);
    }
    second.store.put('1d', body('1d', 'edited'));
    await finish(second);
    // No tree pack read but the one the new body goes into; the others kept (used: never pruned).
    expect(reads.mock.calls.map(([entry]) => entry.key)).toEqual(['trees-1']);
    const after = files(dir);
    expect(after.get('trees-0')).toBe(before.get('trees-0'));
    expect(after.get('trees-2')).toBe(before.get('trees-2'));
    expect(after.get('trees-1')).not.toBe(before.get('trees-1'));
    expect(after.get('pack')).not.toBe(before.get('pack'));
    const used = second.cache.store('bodies', '4').used;
    for (const file of after.values()) expect(used).toContain(path.basename(file));

    // A tree pack damaged now is found when a tree is asked for: the build is to start again, and
    // then finds the bodies in it gone (rendered afresh), the others still there.
    writeFileSync(after.get('trees-2')!, 'damaged');
    const warnings: string[] = [];
    const third = open(dir, warnings);
    const damaged = third.store.get('2c')!;
    expect(() => damaged.body).toThrow(DamagedCacheEntries);
    expect(warnings).toEqual([expect.stringContaining('damaged cache entry')]);
    const again = open(dir).store;
    expect(again.get('2c')).toBeUndefined();
    expect(textOf(again.get('0a')!)).toBe('text 0a');
    expect(textOf(again.get('1d')!)).toBe('edited');
  });

  it('a tree pack that lacks a body the records list (a build killed between writing them) is removed, not trusted again', async () => {
    const dir = tempDir();
    const first = open(dir);
    first.store.put('3a', body('3a', 'first'));
    await finish(first);
    const oldTrees = files(dir).get('trees-3')!;
    const oldBytes = readFileSync(oldTrees);
    const second = open(dir);
    second.store.use('3a');
    second.store.put('3b', body('3b', 'second'));
    await finish(second);
    // The tree pack as it was before the second build (sound, under its own name), with the second build's records.
    rmSync(files(dir).get('trees-3')!);
    writeFileSync(oldTrees, oldBytes);

    const warnings: string[] = [];
    const third = open(dir, warnings);
    expect(textOf(third.store.get('3a')!)).toBe('first');
    expect(() => third.store.get('3b')!.body).toThrow(DamagedCacheEntries);
    expect(warnings).toHaveLength(1);
    expect(open(dir).store.get('3b')).toBeUndefined();
  });

  it('a build that rendered nothing writes no pack; a damaged records pack is an empty cache, with a warning', async () => {
    const dir = tempDir();
    const first = open(dir);
    first.store.put('a', body('a', 'Alpha'));
    await finish(first);
    const written = files(dir);
    const nothingNew = open(dir);
    nothingNew.store.use('a');
    await finish(nothingNew);
    expect(files(dir)).toEqual(written);

    const pack = written.get('pack')!;
    const bytes = readFileSync(pack);
    writeFileSync(pack, bytes.subarray(0, bytes.length - 10));
    const warnings: string[] = [];
    const second = open(dir, warnings);
    expect(second.store.get('a')).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('damaged cache entry')]);
    await finish(second);
    expect(files(dir).has('pack')).toBe(false);
  });
});

describe('a build whose body trees are damaged', () => {
  it('finds out when it lays a page out, starts again and renders those bodies afresh: the same output, with a warning', async () => {
    const root = tempSite();
    dirs.push(root);
    const warnings: string[] = [];
    const log: Logger = { info: () => {}, warn: (message) => void warnings.push(message), progress: () => ({ tick() {}, done() {} }) };
    await build({ root, log });
    const before = snapshotDir(path.join(root, 'dist'));
    // Every page to be laid out again (no laid-out page kept), from bodies whose trees are damaged.
    const cache = path.join(root, '.solarpress-cache');
    rmSync(path.join(cache, 'pages'), { recursive: true });
    const trees = [...files(cache).entries()].filter(([key]) => key.startsWith('trees-'));
    expect(trees.length).toBeGreaterThan(0);
    for (const [, file] of trees) writeFileSync(file, 'damaged');

    const result = await build({ root, log });
    expect(warnings.filter((w) => w.includes('damaged cache entry'))).toHaveLength(trees.length);
    expect(result.stats.renderedBodies).toBeGreaterThan(0);
    const after = snapshotDir(path.join(root, 'dist'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, bytes] of before) if (file !== '.solarpress-output') expect(after.get(file)?.equals(bytes), file).toBe(true);
  });
});
