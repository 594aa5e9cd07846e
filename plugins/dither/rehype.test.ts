import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import sharp from 'sharp';
import { VFile } from 'vfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import { ContentError } from '../../src/errors.ts';
import { ditherOptionsSchema, type DitherOptionsInput } from './options.ts';
import rehypeDither from './rehype.ts';
import { DitherService } from './service.ts';
import { ditherStore, fakeFileApi, photo, tempDir } from './test-helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let content: string;
let cacheDir: string;
beforeEach(() => {
  tmp = tempDir();
  content = path.join(tmp.dir, 'content', 'guides');
  mkdirSync(path.join(content, 'images'), { recursive: true });
  cacheDir = path.join(tmp.dir, '.solarpress-cache');
});
afterEach(() => tmp.remove());

function img(name: string, properties: Record<string, string> = {}, line = 7): Element {
  const node = h('img', { src: `images/${name}`, ...properties });
  node.data = { source: path.join(content, 'images', name) } as Element['data'];
  node.position = { start: { line, column: 1 }, end: { line, column: 30 } };
  return node;
}

async function run(tree: Root, optionsInput: DitherOptionsInput = {}, page: { category?: string } = {}) {
  const options = ditherOptionsSchema.parse(optionsInput);
  const cache = new FileCache(cacheDir);
  const fake = fakeFileApi(tmp.dir, cache, page);
  const file = new VFile({ path: path.join(content, 'board.md') });
  file.data.solarpress = fake.api;
  const service = new DitherService({ store: ditherStore(cacheDir, cache), workers: 0 });
  await rehypeDither({ options, service: () => service })(tree, file);
  return { ...fake.recorded, service, html: toHtml(tree) };
}

async function put(name: string, data: Buffer | Promise<Buffer>) {
  writeFileSync(path.join(content, 'images', name), await data);
}

describe('rehype dither', () => {
  it('rewrites an image to its dithered PNG with size, lazy loading and the original', async () => {
    await put('panel.jpg', photo(1600, 1200).jpeg().toBuffer());
    const node = img('panel.jpg', { alt: 'The solar panel' });
    const tree: Root = { type: 'root', children: [h('p', [node])] };
    const { emitted, warnings, dependencies } = await run(tree, { webp: false });
    const src = node.properties.src as string;
    expect(src).toMatch(/^\/media\/[0-9a-f]{20}\.png$/);
    expect(node.properties).toMatchObject({ width: 800, height: 600, loading: 'lazy', decoding: 'async', alt: 'The solar panel' });
    expect(node.properties.dataOriginal).toBe(src.replace('.png', '-original.jpg'));
    expect([...emitted.keys()].sort()).toEqual([src.slice(1), src.slice(1).replace('.png', '-original.jpg')].sort());
    for (const abs of emitted.values()) expect(existsSync(abs)).toBe(true);
    expect(dependencies).toEqual([path.join(content, 'images', 'panel.jpg')]);
    expect(warnings).toEqual([]);
    const published = (node.data as { published: { url: string; bytes: number; type: string } }).published;
    expect(published).toMatchObject({ url: src, width: 800, height: 600, type: 'image/png' });
    expect(published.bytes).toBe(statSync(emitted.get(src.slice(1))!).size);
    expect((tree.children[0] as Element).children[0]).toBe(node); // no <picture> without WebP
  });

  it('wraps the image in <picture> with a WebP <source> when the WebP is asked for and kept', async () => {
    await put('flat.png', sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } }).png().toBuffer());
    const node = img('flat.png', { alt: 'grey' });
    const tree: Root = { type: 'root', children: [h('p', [node])] };
    const { html, emitted, service } = await run(tree, { webp: true });
    const entry = [...service.used][0];
    expect(existsSync(service.cache.store.find(`${entry}-webp`)!.file)).toBe(true); // flat images: WebP wins
    const picture = (tree.children[0] as Element).children[0] as Element;
    expect(picture.tagName).toBe('picture');
    expect(html).toContain(`<source srcset="/media/${entry}.webp" type="image/webp">`);
    expect(picture.children[1]).toBe(node);
    expect(emitted.has(`media/${entry}.webp`)).toBe(true);
  });

  it('makes no WebP by default, where it would have been kept', async () => {
    await put('flat.png', sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } }).png().toBuffer());
    const node = img('flat.png', { alt: 'grey' });
    const tree: Root = { type: 'root', children: [h('p', [node])] };
    const { html, emitted, service } = await run(tree);
    expect(service.cache.store.find(`${[...service.used][0]}-webp`)).toBeUndefined();
    expect((tree.children[0] as Element).children[0]).toBe(node);
    expect(html).not.toContain('webp');
    expect([...emitted.keys()].some((name) => name.endsWith('.webp'))).toBe(false);
  });

  it('takes the palette from the category, and the override from the title (which it removes)', async () => {
    // A full black-to-white ramp (not noise, which is random): every palette tone must appear.
    const ramp = Buffer.alloc(64 * 48 * 3, 0).map((_, i) => Math.round((Math.floor(i / 3) % 64) * (255 / 63)));
    await put('a.png', sharp(ramp, { raw: { width: 64, height: 48, channels: 3 } }).png().toBuffer());
    const byCategory = img('a.png', { alt: 'a' });
    const byTitle = img('a.png', { alt: 'a', title: 'Wiring dither: palette=#000000,#ffffff threshold=64' });
    const none = img('a.png', { alt: 'a', title: 'dither: none' });
    const tree: Root = { type: 'root', children: [byCategory, byTitle, none] };
    const { emitted } = await run(tree, { webp: false, categories: { hardware: 3 } }, { category: 'hardware' });
    const colours = async (node: Element) => {
      const { data } = await sharp(emitted.get((node.properties.src as string).slice(1))!).raw().toBuffer({ resolveWithObject: true });
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 3) seen.add(data[i]);
      return [...seen].sort((a, b) => a - b);
    };
    expect(await colours(byCategory)).toEqual([0, 125, 250]);
    expect(await colours(byTitle)).toEqual([0, 255]);
    expect(byTitle.properties.title).toBe('Wiring');
    expect(none.properties.title).toBeUndefined();
    expect(none.properties.src).toMatch(/-original\.png$/);
    expect(none.properties.dataOriginal).toBeUndefined();
  });

  it('warns about a missing alt text at the line of the image', async () => {
    await put('a.png', photo(32, 32).png().toBuffer());
    const { warnings } = await run({ type: 'root', children: [img('a.png', {}, 12)] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0].line).toBe(12);
    expect(warnings[0].message).toMatch(/content\/guides\/images\/a\.png has no alt text/);
  });

  it('rejects a bad override with the file and line', async () => {
    await put('a.png', photo(32, 32).png().toBuffer());
    const error = await run({ type: 'root', children: [img('a.png', { alt: 'a', title: 'dither: palette=7' }, 3)] }).catch((e) => e);
    expect(error).toBeInstanceOf(ContentError);
    expect(error.format()).toMatch(/board\.md:3:1: image .*a\.png: palette=7: write 3, 6, 11/);
  });

  it('publishes SVG as it is, undithered', async () => {
    await put('logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'));
    const node = img('logo.svg', { alt: 'logo' });
    const { emitted } = await run({ type: 'root', children: [node] });
    expect(node.properties).toMatchObject({ width: 40, height: 20 });
    expect(node.properties.src).toMatch(/^\/media\/[0-9a-f]{20}\.svg$/);
    expect(emitted.get((node.properties.src as string).slice(1))).toBe(path.join(content, 'images', 'logo.svg'));
  });

  it('leaves images without a resolved source alone', async () => {
    const node = h('img', { src: 'https://example.org/x.png', alt: 'x' });
    const { emitted } = await run({ type: 'root', children: [node] });
    expect(node.properties.src).toBe('https://example.org/x.png');
    expect(emitted.size).toBe(0);
  });
});

/** A valid PNG that decodes to 20000×20000 (1-bit grey): 50 MB of zero rows deflate to ~50 kB. */
function bombPng(side = 20000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grey
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

describe('bad images', () => {
  const cases: [string, string, () => Promise<Buffer> | Buffer, RegExp][] = [
    ['a corrupt JPEG', 'corrupt.jpg', async () => {
      const good = await photo(200, 150).jpeg().toBuffer();
      for (let i = 400; i < good.length - 10; i += 7) good[i] = 0xff;
      return good;
    }, /corrupt or truncated/],
    ['a truncated JPEG', 'truncated.jpg', async () => (await photo(400, 300).jpeg().toBuffer()).subarray(0, 3000), /corrupt or truncated/],
    ['a text file named .png', 'notes.png', () => Buffer.from('these are my notes, not a picture\n'), /not an image solarpress can read/],
    ['a zero-byte file', 'empty.jpg', () => Buffer.alloc(0), /empty \(0 bytes\)/],
    ['a 20000×20000 decompression bomb', 'bomb.png', () => bombPng(), /larger than the limit of 100 megapixels \(20000×20000 = 400 MP\)/],
  ];

  for (const [name, file, make, reason] of cases) {
    it(`${name}: an error naming the image, the Markdown file and line, and what to do`, async () => {
      await put(file, Promise.resolve(make()));
      const node = img(file, { alt: 'x' }, 9);
      const error = await run({ type: 'root', children: [node] }).catch((e) => e);
      expect(error).toBeInstanceOf(ContentError);
      const text = error.format(tmp.dir);
      expect(text).toMatch(new RegExp(`^content/guides/board\\.md:9:1: image content/guides/images/${file.replace('.', '\\.')} cannot be published: `));
      expect(text).toMatch(reason);
      expect(text).toMatch(/→ .*dither\.skipInvalid: true/);
      // Nothing half-written: the cache holds no file for it.
      const dir = ditherStore(cacheDir).dir;
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    });
  }

  it('with skipInvalid: a warning, and the page without the image', async () => {
    await put('notes.png', Buffer.from('not a picture'));
    await put('good.png', photo(32, 32).png().toBuffer());
    const bad = img('notes.png', { alt: 'x' }, 4);
    const good = img('good.png', { alt: 'y' }, 5);
    const tree: Root = { type: 'root', children: [h('p', [bad, good])] };
    const { warnings, emitted } = await run(tree, { skipInvalid: true, webp: false });
    expect(warnings).toEqual([{ message: expect.stringMatching(/image content\/guides\/images\/notes\.png left out: not an image/), line: 4 }]);
    expect((tree.children[0] as Element).children).toEqual([good]);
    expect([...emitted.keys()].some((k) => k.endsWith('.png'))).toBe(true);
  });
});
