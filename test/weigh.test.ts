import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Root, Text } from 'hast';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { Output } from '../src/output.ts';
import { layoutPages, weigh } from '../src/render/layout.ts';
import type { BuildContext, Page, Site, Theme } from '../src/types.ts';
import { PROJECT_ROOT } from './support/site.ts';

// Counted, to see how often a laid-out document is serialized.
vi.mock('hast-util-to-html', async (original) => {
  const actual = await original<typeof import('hast-util-to-html')>();
  return { ...actual, toHtml: vi.fn(actual.toHtml) };
});

describe('page weight', () => {
  const output = new Output();
  const css = 'body { color: #222; }\n'.repeat(50);
  output.emit('assets/solar.abc.css', css);
  output.emit('media/a.png', Buffer.alloc(1000, 1));
  output.emit('media/a.webp', Buffer.alloc(700, 1));
  output.emit('media/b.png', Buffer.alloc(300, 1));

  it('counts the compressed document, its stylesheet, and the image a browser loads', () => {
    const tree = {
      type: 'root' as const,
      children: [
        h('html', [
          h('head', [h('link', { rel: ['stylesheet'], href: '/assets/solar.abc.css' }), h('link', { rel: ['alternate'], href: '/feed.xml' })]),
          h('body', [h('picture', [h('source', { srcSet: '/media/a.webp', type: 'image/webp' }), h('img', { src: '/media/a.png', alt: '' })]), h('img', { src: '/media/b.png', alt: '' })]),
        ]),
      ],
    };
    const html = toHtml(tree);
    const expected = gzipSync(html, { level: 9 }).byteLength + gzipSync(css, { level: 9 }).byteLength + 700 + 300;
    expect(weigh(tree, output)).toBe(expected);
  });
});

describe('a page that shows its own weight', () => {
  const base = path.join(PROJECT_ROOT, 'test-output', 'sites');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, 'weigh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Lays out one page whose layout, like the solar theme's, weighs it with a stand-in and then writes the figure in. */
  function layOut(body: string, name: string) {
    let tree: Root | undefined;
    let measured: string | undefined;
    const theme: Theme = {
      name: 'weighed',
      version: '1',
      assetsDir: dir,
      layouts: {
        weighed: (ctx) => {
          const figure: Text = { type: 'text', value: 'This page weighs 000 B.' };
          tree = { type: 'root', children: [{ type: 'doctype' }, h('html', [h('body', [h('main', [h('p', body)]), h('footer', [h('p', [figure])])])])] };
          measured = toHtml(tree);
          figure.value = `This page weighs ${ctx.weigh(tree, figure)} B.`;
          return tree;
        },
      },
    };
    const page: Page = { id: `${name}.md`, kind: 'article', url: `/${name}/`, outputPath: `${name}/index.html`, title: name, authors: [], tags: [], draft: false, layout: 'weighed', data: {} };
    const site = { pages: [page], byId: new Map(), byUrl: new Map(), posts: [], zines: [], categories: new Map(), tags: new Map() } as unknown as Site;
    const cache = new FileCache(path.join(dir, name));
    const output = new Output(cache);
    const ctx = { config: {}, mode: 'build', cache: (store: string, version: string) => cache.store(store, version) } as unknown as BuildContext;
    vi.mocked(toHtml).mockClear();
    const [laidOut] = layoutPages({ ctx, theme, site, output, settingsHash: 'test', asset: (n) => n, memory: { pages: new Map() } });
    const documents = vi.mocked(toHtml).mock.calls.filter(([node]) => !Array.isArray(node) && node.type === 'root').length - 1; // less the test's own
    return { published: output.read(page.outputPath).toString(), tree: tree!, laidOut, documents, measuredWeight: weigh(tree!, output, measured!) };
  }

  it('is serialized once, and published as it would be serialized with the figure written in', () => {
    const { published, tree, laidOut, documents, measuredWeight } = layOut('Some text.', 'once');
    expect(published).toBe(toHtml(tree));
    expect(published).toContain(`<footer><p>This page weighs ${measuredWeight} B.</p></footer>`);
    expect(laidOut.weight).toBe(measuredWeight);
    expect(documents).toBe(1);
  });

  it('is serialized again when its stand-in is written elsewhere on the page too', () => {
    const { published, tree, documents } = layOut('This page weighs 000 B.', 'twice');
    expect(published).toBe(toHtml(tree));
    expect(published).toContain('<main><p>This page weighs 000 B.</p></main>');
    expect(documents).toBe(2);
  });
});
