/**
 * The hash of a code folder vouched for by its files' stats (src/code-hash.js stampedTreeHash): the
 * same hash as one read from the bytes, read from the stats only while every file is the one hashed,
 * and never the old hash for an edited file, even one whose size and mtime were put back.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { hashTree, isCode, stampedTreeHash } from '../src/code-hash.js';
import { PROJECT_ROOT } from './support/site.ts';

/** What src/cache/stamps.js waits for before a file's stat tells its bytes (SETTLE_NS), and a little. */
const SETTLE_MS = 3500;
const base = path.join(PROJECT_ROOT, 'test-output');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(path.join(base, 'code-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const code = path.join(dir, 'code');
const store = () => new FileCache(path.join(dir, 'cache')).store('code-hashes', '1');
/** The hash, and how many files it stat-ed. */
function hashed(): { hash: string; stats: number } {
  let stats = 0;
  const hash = stampedTreeHash(code, isCode, store(), (file) => (stats++, statSync(file, { bigint: true })));
  return { hash, stats };
}

describe('a code folder hashed by its stamps', () => {
  it('is the bytes\' hash, kept once the files are still, and another hash after any edit', async () => {
    mkdirSync(path.join(code, 'lib'), { recursive: true });
    writeFileSync(path.join(code, 'index.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(code, 'lib/b.ts'), 'export const b = 2;\n');
    writeFileSync(path.join(code, 'lib/b.test.ts'), 'not code: left out\n');

    // Just written: hashed from the bytes, nothing kept (a second write in the same clock tick would not show).
    expect(hashed()).toEqual({ hash: hashTree(code, isCode), stats: 2 });
    expect(store().list().size).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const still = hashed();
    expect(still.hash).toBe(hashTree(code, isCode));
    expect(store().list().size).toBe(1);
    // Kept: the same hash from the stats (a test file is no code: its edit changes nothing).
    appendFileSync(path.join(code, 'lib/b.test.ts'), 'more\n');
    expect(hashed()).toEqual(still);

    // The same size and mtime put back: the ctime still tells.
    const file = path.join(code, 'lib/b.ts');
    const before = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('2', '3'));
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);
    const edited = hashed();
    expect(edited.hash).toBe(hashTree(code, isCode));
    expect(edited.hash).not.toBe(still.hash);

    // A file added, and one removed.
    writeFileSync(path.join(code, 'lib/c.ts'), 'export const c = 4;\n');
    const added = hashed().hash;
    expect(added).toBe(hashTree(code, isCode));
    rmSync(path.join(code, 'lib/c.ts'));
    expect(hashed().hash).toBe(edited.hash);
  }, 20_000);

  it('a damaged record is hashed afresh', async () => {
    const kept = [...store().list().values()];
    for (const entry of kept) writeFileSync(entry.file, '{"stamps": "", "hash": "forged"}');
    expect(hashed().hash).toBe(hashTree(code, isCode));
  });
});
