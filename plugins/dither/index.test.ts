import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { VFile } from 'vfile';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import type { Page, Site } from '../../src/types.ts';
import { DitherCache } from './cache.ts';
import dither, { publishedKeys } from './index.ts';
import { DEFAULT_OPTIONS } from './settings.ts';
import { ditherStore, fakeFileApi, photo, tempDir } from './test-helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

describe('dither plugin definition', () => {
  it('fills in the defaults', () => {
    expect(dither.definition.configKey).toBe('dither');
    expect(dither.definition.schema.parse({})).toEqual({
      palette: 6,
      threshold: 96,
      maxSize: 800,
      background: '#fafafa',
      webp: false,
      categories: {},
      skipInvalid: false,
      maxInputPixels: 100_000_000,
    });
    // What `solarpress dither` uses, without loading zod, in a site with no dither section.
    expect(dither.definition.schema.parse({})).toEqual(DEFAULT_OPTIONS);
  });

  it('accepts colour lists and per-channel thresholds', () => {
    const parsed = dither.definition.schema.parse({ palette: ['#000000', [255, 255, 255]], threshold: [10, 20, 30], categories: { zine: 3, hardware: ['#112233', '#445566'] } });
    expect(parsed.palette).toEqual(['#000000', [255, 255, 255]]);
    expect(parsed.categories.hardware).toEqual(['#112233', '#445566']);
  });

  for (const [why, input, pathText] of [
    ['an unknown key', { pallete: 3 }, 'pallete'],
    ['a palette of 5 (not 3, 6, 11)', { palette: 5 }, 'palette'],
    ['a bad colour', { palette: ['#00000', '#ffffff'] }, 'palette.0'],
    ['a channel over 255', { palette: [[0, 0, 0], [256, 0, 0]] }, 'palette.1'],
    ['a one-colour palette', { palette: ['#000000'] }, 'palette'],
    ['a bad category palette', { categories: { zine: 4 } }, 'categories.zine'],
    ['a negative threshold', { threshold: -1 }, 'threshold'],
    ['a bad background', { background: 'white' }, 'background'],
  ] as [string, unknown, string][]) {
    it(`rejects ${why}, naming the key`, () => {
      const result = dither.definition.schema.safeParse(input);
      expect(result.success).toBe(false);
      // zod names an unknown key in the issue's keys, a bad value by its path.
      const paths = result.error!.issues.flatMap((i) => ('keys' in i ? (i.keys as string[]) : [i.path.join('.')]));
      expect(paths.some((p) => p === pathText || p.startsWith(pathText))).toBe(true);
    });
  }

  it('sets up a plugin with a rehype plugin, build hooks and the dither command', () => {
    const plugin = dither.definition.setup(dither.definition.schema.parse({}), {} as never);
    expect(plugin.name).toBe('dither');
    expect(plugin.version).toMatch(/^\d+$/);
    expect(plugin.rehypePlugins).toHaveLength(1);
    expect(plugin.commands?.map((c) => c.name)).toEqual(['dither']);
  });

  it('a build: progress, summary, and the records of replayed pages counted as used (kept by the pruning)', async () => {
    const content = path.join(tmp.dir, 'content');
    mkdirSync(content, { recursive: true });
    for (const [name, seed] of [['a.jpg', 1], ['b.jpg', 2]] as const) writeFileSync(path.join(content, name), await photo(300, 200, seed).jpeg().toBuffer());
    const cache = new FileCache(path.join(tmp.dir, 'cache'));
    const plugin = dither.definition.setup(dither.definition.schema.parse({ webp: false, workers: 0 }), {} as never);
    const [[rehype, rehypeOptions]] = plugin.rehypePlugins as [[(o: unknown) => (tree: Root, file: VFile) => Promise<void>, unknown]];

    const renderPage = async (image: string) => {
      const fake = fakeFileApi(tmp.dir, cache);
      const node = h('img', { src: image, alt: image });
      node.data = { source: path.join(content, image) } as Element['data'];
      const tree: Root = { type: 'root', children: [node] };
      const file = new VFile({ path: path.join(content, 'page.md') });
      file.data.solarpress = fake.api;
      await rehype(rehypeOptions)(tree, file);
      return { tree, fake };
    };
    const site = (trees: Root[]) => ({ pages: trees.map((body) => ({ body }) as Page) }) as Pick<Site, 'pages'> as Site;
    // What the pages of the current build published (rendered or replayed from the cache): the core's output.
    let published: string[] = [];

    // Build 1 renders both pages.
    const { fake } = await renderPage('a.jpg');
    const ticks: number[] = [];
    const ctx = { ...fake.api.ctx, emitted: () => published, log: { ...fake.log, progress: (_label: string, total: number) => ({ tick: () => void ticks.push(total), done() {} }) } };
    await plugin.buildStart!(ctx);
    const first = await renderPage('a.jpg');
    const second = await renderPage('b.jpg');
    published = [...first.fake.recorded.emitted.keys(), ...second.fake.recorded.emitted.keys(), 'index.html', 'media/logo.svg'];
    await plugin.buildEnd!(ctx, site([first.tree, second.tree]));
    expect(ticks).toEqual([2, 2]); // two images found in content/, two done
    expect(fake.log.lines.at(-1)).toMatch(/^dither: 2 images \(1 new, 1 cached\), [\d.]+ kB → [\d.]+ kB \(−[\d.]+ %\)$/);
    const keyOf = (tree: Root) => /([0-9a-f]{20})\.png$/.exec(((tree.children[0] as Element).properties.src as string))![1];
    const [keyA, keyB] = [keyOf(first.tree), keyOf(second.tree)];
    expect(publishedKeys(published)).toEqual(new Set([keyA, keyB]));

    // Build 2: page A comes from the page cache (not rendered, its files replayed); page B is gone.
    published = [...first.fake.recorded.emitted.keys()];
    cache.startBuild();
    await plugin.buildStart!(ctx);
    await plugin.buildEnd!(ctx, site([first.tree]));
    expect(fake.log.lines.at(-1)).toMatch(/^dither: 1 image \(0 new, 1 cached\), /); // the replayed page's image counts
    const used = [...ditherStore('', cache).used];
    expect(used.some((n) => n.startsWith(`${keyA}.`))).toBe(true);
    expect(used.some((n) => n.startsWith(keyB))).toBe(false);

    // Build 3, the same again: the summary comes from the figures kept by build 2, no image record is
    // read, and the replayed image's record and files still count as used.
    const reads = vi.spyOn(DitherCache.prototype, 'read');
    cache.startBuild();
    await plugin.buildStart!(ctx);
    await plugin.buildEnd!(ctx, site([first.tree]));
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(fake.log.lines.at(-1)).toBe(fake.log.lines.at(-2));
    const usedAgain = [...ditherStore('', cache).used];
    expect(usedAgain.filter((n) => n.startsWith(keyA)).sort()).toEqual(used.filter((n) => n.startsWith(keyA)).sort());
  });
});
