/** The body cache's pack (src/render/body-store.ts): one file, the bodies of the last build only. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BodyResult } from '../src/render/body.ts';
import { BodyStore } from '../src/render/body-store.ts';
import { WriteBehind } from '../src/write-behind.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'solarpress-bodies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const body = (key: string, text: string): BodyResult => ({
  key,
  body: { type: 'root', children: [{ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: text }] }] },
  headings: [{ depth: 2, id: 'part', text: 'Part' }],
  wordCount: 1,
  links: { 'articles/other.md': '/other/' },
  files: {},
  emits: [],
  warnings: [{ message: 'a warning', line: 3 }],
});

async function finish(store: BodyStore): Promise<void> {
  store.endBuild();
  const writer = new WriteBehind();
  store.write(writer);
  await writer.flush();
}

describe('the body store', () => {
  it('keeps what a build used, across processes, and drops the rest', async () => {
    const first = new BodyStore(dir);
    first.put('a', body('a', 'Alpha'));
    first.put('b', body('b', 'Beta'));
    await finish(first);

    const second = new BodyStore(dir);
    const a = second.get('a')!;
    expect(a.body).toEqual(body('a', 'Alpha').body); // the tree comes back when asked for
    expect(a.warnings).toEqual([{ message: 'a warning', line: 3 }]);
    expect(second.get('b')?.headings).toEqual([{ depth: 2, id: 'part', text: 'Part' }]);
    // The next build uses only a, and renders c.
    second.use('a');
    second.put('c', body('c', 'Gamma'));
    await finish(second);

    const third = new BodyStore(dir);
    expect(third.get('a')).toBeDefined();
    expect(third.get('b')).toBeUndefined();
    expect((third.get('c')!.body.children[0] as { children: { value: string }[] }).children[0].value).toBe('Gamma');
  });

  it('a build that rendered nothing writes no pack; a damaged pack is an empty cache', async () => {
    const other = path.join(dir, 'damaged');
    mkdirSync(other);
    writeFileSync(path.join(other, 'pack.bin'), 'not a pack');
    const store = new BodyStore(other);
    expect(store.get('a')).toBeUndefined();
    store.endBuild();
    const writer = new WriteBehind();
    store.write(writer);
    await writer.flush();
    expect(readFileSync(path.join(other, 'pack.bin'), 'utf8')).toBe('not a pack');
  });
});
