/** The body cache's pack (src/render/body-store.ts): one entry, the bodies of the last build only. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BodyResult } from '../src/render/body.ts';
import { BodyStore } from '../src/render/body-store.ts';
import { FileCache } from '../src/cache/file-cache.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'solarpress-bodies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

const open = (root: string, warnings: string[] = []) => {
  const cache = new FileCache(root, { warn: (message) => warnings.push(message) });
  return { cache, store: new BodyStore(cache) };
};

async function finish({ cache, store }: ReturnType<typeof open>): Promise<void> {
  store.endBuild();
  store.write();
  await cache.flush();
}

describe('the body store', () => {
  it('keeps what a build used, across processes, and drops the rest', async () => {
    const first = open(dir);
    first.store.put('a', body('a', 'Alpha'));
    first.store.put('b', body('b', 'Beta'));
    await finish(first);

    const opened = open(dir);
    const second = opened.store;
    const a = second.get('a')!;
    expect(a.body).toEqual(body('a', 'Alpha').body); // the tree comes back when asked for
    expect(a.warnings).toEqual([{ message: 'a warning', line: 3 }]);
    expect(second.get('b')?.headings).toEqual([{ depth: 2, id: 'part', text: 'Part' }]);
    // The next build uses only a, and renders c.
    second.use('a');
    second.put('c', body('c', 'Gamma'));
    await finish(opened);
    expect(readdirSync(path.join(dir, 'bodies', 'v3'))).toHaveLength(1);

    const third = open(dir).store;
    expect(third.get('a')).toBeDefined();
    expect(third.get('b')).toBeUndefined();
    expect((third.get('c')!.body.children[0] as { children: { value: string }[] }).children[0].value).toBe('Gamma');
  });

  it('a build that rendered nothing writes no pack; a damaged pack is an empty cache, with a warning', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'solarpress-bodies-'));
    try {
      const first = open(other);
      first.store.put('a', body('a', 'Alpha'));
      await finish(first);
      const packs = path.join(other, 'bodies', 'v3');
      const [pack] = readdirSync(packs);
      const written = readFileSync(path.join(packs, pack));
      writeFileSync(path.join(packs, pack), written.subarray(0, written.length - 10));

      const warnings: string[] = [];
      const second = open(other, warnings);
      expect(second.store.get('a')).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('damaged cache entry')]);
      await finish(second);
      expect(readdirSync(packs)).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
