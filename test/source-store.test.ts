/** Parsed sources kept between builds (src/content/source-store.ts): reused only for the same bytes, path and settings. */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { FileCache } from '../src/cache/file-cache.js';
import { ContentError } from '../src/errors.ts';
import { loadContent } from '../src/content/load.ts';
import { SourceStore } from '../src/content/source-store.ts';

/** The Markdown files read (node:fs's readFileSync, counted for .md files). */
const reads = vi.hoisted(() => ({ md: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((file: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    if (String(file).endsWith('.md')) reads.md.push(path.basename(String(file)));
    return (fs.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, readFileSync, default: { ...fs, readFileSync } };
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'solarpress-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const contentDir = path.join(dir, 'content');
const cacheDir = path.join(dir, 'cache');
mkdirSync(path.join(contentDir, 'articles'), { recursive: true });
const write = (name: string, text: string) => writeFileSync(path.join(contentDir, 'articles', name), text);

/** A plugin-owned key whose schema counts the files it validates: the files parsed, not reused. */
let parsedCount = 0;
const pluginKeys = new Map([['counted', z.number().transform((n) => (parsedCount++, n))]]);

/** One build's load in a fresh process: a new cache object and store, the pack written. */
async function load(settings = 'settings'): Promise<{ files: ReturnType<typeof loadContent>; errors: ContentError[] }> {
  const cache = new FileCache(cacheDir);
  const parsed = new SourceStore(cache, settings);
  const errors: ContentError[] = [];
  parsedCount = 0;
  const files = loadContent({ contentDir, drafts: false, pluginKeys, parsed, errors });
  parsed.endBuild();
  parsed.write();
  await cache.flush();
  return { files, errors };
}

describe('the source store', () => {
  it('gives back the same files without parsing them again, and parses a changed one', async () => {
    write('a.md', '---\ntitle: Alpha\ndate: 2024-03-01\ntags: [x, y]\naliases: [/old-a/]\ncounted: 1\n---\n\nBody *a*.\n');
    write('b.md', '\uFEFF---\ntitle: Beta\ncounted: 2\nextra: { nested: [1, two] }\n---\nBody b.\n');
    write('c.md', '---\ntitle: Draft\ndraft: true\ncounted: 3\n---\n');
    const first = await load();
    expect(parsedCount).toBe(3);
    const second = await load();
    expect(parsedCount).toBe(0);
    expect(second.files.map((f) => [f.page, f.markdown, f.hash, f.aliases])).toEqual(first.files.map((f) => [f.page, f.markdown, f.hash, f.aliases]));
    expect(second.files[0].page.date).toBeInstanceOf(Date);
    expect(second.files[0].keyLine('aliases')).toBe(5);
    expect(second.files[0].markdown).toBe('\n\n\n\n\n\n\n\nBody *a*.\n');

    write('b.md', '---\ntitle: Beta again\ncounted: 2\n---\nBody b.\n');
    const third = await load();
    expect(parsedCount).toBe(1);
    expect(third.files.map((f) => f.page.title)).toEqual(['Alpha', 'Beta again']);
    // Other settings (a plugin's schema, the theme's layouts): everything is parsed again.
    await load('other settings');
    expect(parsedCount).toBe(3);
  });

  it('keeps no file with a problem: its error, with its line, comes every time', async () => {
    write('bad.md', '---\ntitle: Bad\ndate: 2024-13-45\n---\n');
    for (let i = 0; i < 2; i++) {
      const { errors } = await load();
      expect(errors.map((e) => [path.basename(e.where!.file), e.where!.line])).toEqual([['bad.md', 3]]);
    }
  });

  it('does not read a file whose stamp is one its bytes were read at, and reads a changed one, also of the same size', async () => {
    rmSync(contentDir, { recursive: true, force: true });
    mkdirSync(path.join(contentDir, 'articles'), { recursive: true });
    write('a.md', '---\ntitle: Alpha\ncounted: 1\n---\n\nBody a.\n');
    write('b.md', '---\ntitle: Beta\ncounted: 2\n---\n\nBody b.\n');
    // Written just now: a stamp this fresh may miss a second write in the same clock tick, so it is not remembered.
    await load();
    reads.md = [];
    await load();
    expect(reads.md.sort()).toEqual(['a.md', 'b.md']);
    // Settled (SETTLE_NS): read once more, and then known by their stamps.
    await new Promise((resolve) => setTimeout(resolve, 3100));
    await load();
    reads.md = [];
    const known = await load();
    expect(reads.md).toEqual([]);
    expect(parsedCount).toBe(0);
    // The Markdown of a file known by its stamp is read when asked for, and is the file's.
    expect(known.files.map((f) => f.markdown)).toEqual(['\n\n\n\n\nBody a.\n', '\n\n\n\n\nBody b.\n']);
    expect(reads.md.sort()).toEqual(['a.md', 'b.md']);

    write('b.md', '---\ntitle: Beto\ncounted: 2\n---\n\nBody c.\n');
    reads.md = [];
    const changed = await load();
    expect(reads.md).toEqual(['b.md']);
    expect(changed.files.map((f) => [f.page.title, f.markdown])).toEqual([
      ['Alpha', '\n\n\n\n\nBody a.\n'],
      ['Beto', '\n\n\n\n\nBody c.\n'],
    ]);
  }, 20_000);

  it('takes a file as the stats given say (the build stamped its inputs as it began), without a stat of its own', () => {
    write('a.md', '---\ntitle: Alpha\n---\n\nBody a.\n');
    const file = path.join(contentDir, 'articles', 'a.md');
    const stat = statSync(file, { bigint: true });
    // As if the file had been 20 MB when the build began: refused, though it is small now.
    const stamped = Object.assign(Object.create(Object.getPrototypeOf(stat)), stat, { size: 20_000_000n });
    const errors: ContentError[] = [];
    loadContent({ contentDir, drafts: false, errors, stats: new Map([[file, stamped]]) });
    expect(errors.map((e) => e.message)).toEqual(['is 20 MB of Markdown, over the limit of 10 MB']);
    expect(loadContent({ contentDir, drafts: false, stats: new Map() }).map((f) => f.page.title)).toContain('Alpha');
  });
});
