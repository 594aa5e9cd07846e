import { describe, expect, it } from 'vitest';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { unified } from 'unified';
import { VFile } from 'vfile';
import type { Root } from 'hast';
import rehypeFigures from './figures.ts';
import { ditheredImage } from '../test/fixture-site.ts';
import { selectAll } from '../test/select.ts';

async function run(children: Root['children'], file = new VFile()): Promise<Root> {
  const tree: Root = { type: 'root', children };
  return (await unified().use(rehypeFigures).run(tree as never, file)) as unknown as Root;
}

describe('rehype figures', () => {
  it('turns an image paragraph and the paragraph after it into a figure with a caption', async () => {
    const tree = await run([h('p', [ditheredImage('a', 'A board')]), { type: 'text', value: '\n' }, h('p', ['The ', h('em', 'board'), '.']), h('p', 'Body text.')]);
    expect(toHtml(tree)).toMatch(/^<figure class="figure"><img [^>]*><p class="held-back" hidden data-theme-control>Image held back to save power: battery at <span class="battery-percent"><\/span>. <span class="held-back-alt">A board<\/span><\/p><p class="figure-tools" data-theme-control><a class="original-link" href="\/media\/a-original.jpg" data-original-toggle>View the original image<\/a><\/p><figcaption>The <em>board<\/em>.<\/figcaption><\/figure><p>Body text.<\/p>$/);
  });

  it('takes the caption from the same paragraph (image, line break, text)', async () => {
    const tree = await run([h('p', [ditheredImage('a', 'A board'), '\nThe board on its shelf.'])]);
    expect(selectAll(tree, 'figcaption').map((e) => toHtml(e.children))).toEqual(['The board on its shelf.']);
  });

  it('keeps a <picture> whole and points the control at the original', async () => {
    const tree = await run([h('p', [ditheredImage('b', 'Federation', true)])]);
    const figure = selectAll(tree, 'figure')[0];
    expect(figure.children.map((c) => (c.type === 'element' ? c.tagName : c.type))).toEqual(['picture', 'p', 'p']);
    expect(selectAll(tree, 'a[data-original-toggle]')[0].properties.href).toBe('/media/b-original.jpg');
  });

  it('prepares, hidden, what low-power mode shows instead of the image: its description and the charge', async () => {
    const tree = await run([h('p', [ditheredImage('a', '  A solar panel on the roof ')]), h('p', 'The panel.'), h('p', [h('img', { src: '/media/x.png' })])]);
    const notes = selectAll(tree, 'figure p.held-back');
    expect(notes).toHaveLength(2);
    for (const note of notes) {
      expect(note.properties.hidden).toBe(true);
      // Left out of feeds like the theme's other controls.
      expect(note.properties.dataThemeControl).toBe(true);
      expect(selectAll(note, 'span.battery-percent')).toHaveLength(1);
    }
    expect(toHtml(notes[0].children)).toBe('Image held back to save power: battery at <span class="battery-percent"></span>. <span class="held-back-alt">A solar panel on the roof</span>');
    expect(toHtml(notes[1].children)).toBe('Image held back to save power: battery at <span class="battery-percent"></span>.');
    expect(selectAll(tree, 'figcaption').map((e) => toHtml(e.children))).toEqual(['The panel.']);
  });

  it('does not caption an image with the next image paragraph', async () => {
    const tree = await run([h('p', [ditheredImage('a', 'one')]), h('p', [ditheredImage('b', 'two')])]);
    expect(selectAll(tree, 'figure')).toHaveLength(2);
    expect(selectAll(tree, 'figcaption')).toHaveLength(0);
  });

  it('leaves images inside running text alone', async () => {
    const tree = await run([h('p', ['Look: ', ditheredImage('a', 'inline'), ' here.'])]);
    expect(selectAll(tree, 'figure')).toHaveLength(0);
  });

  it('gives no original control to an image without one', async () => {
    const tree = await run([h('p', [h('img', { src: '/media/x.svg', alt: 'x', width: 10, height: 10 })])]);
    expect(selectAll(tree, 'a[data-original-toggle]')).toHaveLength(0);
  });

  it('loads the first image eagerly and every other lazily', async () => {
    const tree = await run([h('p', [ditheredImage('a', 'one', true)]), h('p', 'text'), h('p', [ditheredImage('b', 'two')]), h('p', [ditheredImage('c', 'three')])]);
    const imgs = selectAll(tree, 'img');
    expect(imgs.map((i) => i.properties.loading)).toEqual([undefined, 'lazy', 'lazy']);
    expect(imgs[0].properties.fetchPriority).toBe('high');
  });

  it('warns about a missing alt text through the build', async () => {
    const file = new VFile();
    const warnings: Array<[string, number | undefined]> = [];
    file.data.solarpress = { warn: (m: string, l?: number) => warnings.push([m, l]) } as never;
    const img = h('img', { src: '/media/q.png', alt: '', width: 1, height: 1 });
    img.position = { start: { line: 7, column: 1 }, end: { line: 7, column: 20 } };
    await run([h('p', [img]), h('p', [h('img', { src: '/media/d.png', alt: '', dataOriginal: '/media/d-original.png' })])], file);
    // Only once per image: dithered images (data-original) are the dither plugin's to report.
    expect(warnings).toEqual([[expect.stringContaining('/media/q.png'), 7]]);
  });
});
