import { gzipSync } from 'node:zlib';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { Output } from '../src/output.ts';
import { weigh } from '../src/render/layout.ts';

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
