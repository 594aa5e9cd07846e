import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { absoluteUrl, feedHtml, feedTree, parseSrcset, type FeedContentOptions } from './content.ts';

const options: FeedContentOptions = {
  pageUrl: 'https://hbsc.example.org/zine/ilu-9/alternative/',
  siteUrl: 'https://hbsc.example.org',
};

function root(...children: Element[]): Root {
  return { type: 'root', children };
}

function html(tree: Root, opts = options): string {
  return toHtml(feedTree(tree, opts));
}

describe('absoluteUrl', () => {
  it('resolves relative URLs against the item and site-absolute ones against the site', () => {
    expect(absoluteUrl('../other/', options)).toBe('https://hbsc.example.org/zine/ilu-9/other/');
    expect(absoluteUrl('images/x.png', options)).toBe('https://hbsc.example.org/zine/ilu-9/alternative/images/x.png');
    expect(absoluteUrl('/media/x.png', options)).toBe('https://hbsc.example.org/media/x.png');
    expect(absoluteUrl('#fn-1', options)).toBe('https://hbsc.example.org/zine/ilu-9/alternative/#fn-1');
    expect(absoluteUrl('//cdn.example.com/a.png', options)).toBe('https://cdn.example.com/a.png');
    expect(absoluteUrl('', options)).toBe(options.pageUrl);
  });

  it('keeps a base path of the site for site-absolute URLs', () => {
    const below = { pageUrl: 'https://example.org/hbsc/guide/', siteUrl: 'https://example.org/hbsc' };
    expect(absoluteUrl('/media/x.png', below)).toBe('https://example.org/hbsc/media/x.png');
    expect(absoluteUrl('../about/', below)).toBe('https://example.org/hbsc/about/');
  });

  it('keeps mail and chat links and refuses script and data URLs', () => {
    expect(absoluteUrl('mailto:a@example.org', options)).toBe('mailto:a@example.org');
    expect(absoluteUrl('xmpp:room@muc.example.org?join', options)).toBe('xmpp:room@muc.example.org?join');
    expect(absoluteUrl('javascript:alert(1)', options)).toBeUndefined();
    expect(absoluteUrl(' JavaScript:alert(1)', options)).toBeUndefined();
    expect(absoluteUrl('data:text/html,<script>', options)).toBeUndefined();
    expect(absoluteUrl('http://[broken', options)).toBeUndefined();
  });
});

describe('feed-content transform', () => {
  it('leaves the page body untouched', () => {
    const body = root(h('p', [h('a', { href: '/about/', style: 'x' }, 'about')]), h('script', 'x()'));
    const before = structuredClone(body);
    feedTree(body, options);
    expect(body).toEqual(before);
  });

  it('makes every URL-holding attribute absolute', () => {
    const out = html(
      root(
        h('a', { href: 'sibling/' }, 'a'),
        h('img', { src: '/media/a.png', srcSet: ['/media/a.png 1x', 'a@2x.png 2x'] }),
        h('video', { poster: 'poster.png', src: '/media/v.webm' }),
        h('blockquote', { cite: '../source/' }, 'q'),
        h('q', { cite: '/quotes/' }, 'q'),
        h('del', { cite: '#why' }, 'd'),
      ),
    );
    expect(out).toContain('href="https://hbsc.example.org/zine/ilu-9/alternative/sibling/"');
    expect(out).toContain('src="https://hbsc.example.org/media/a.png"');
    expect(out).toContain(
      'srcset="https://hbsc.example.org/media/a.png 1x, https://hbsc.example.org/zine/ilu-9/alternative/a@2x.png 2x"',
    );
    expect(out).toContain('poster="https://hbsc.example.org/zine/ilu-9/alternative/poster.png"');
    expect(out).toContain('src="https://hbsc.example.org/media/v.webm"');
    expect(out).toContain('cite="https://hbsc.example.org/zine/ilu-9/source/"');
    expect(out).toContain('cite="https://hbsc.example.org/quotes/"');
    expect(out).toContain('cite="https://hbsc.example.org/zine/ilu-9/alternative/#why"');
    expect(out).not.toMatch(/(?:href|src|poster|cite)="(?!https:\/\/)/);
  });

  it('keeps footnote references and back-references inside the item', () => {
    const out = html(
      root(
        h('p', [h('sup', h('a', { href: '#user-content-fn-1', id: 'user-content-fnref-1', dataFootnoteRef: true }, '1'))]),
        h('li', { id: 'user-content-fn-1' }, h('a', { href: '#user-content-fnref-1' }, '↩')),
      ),
    );
    expect(out).toContain('href="https://hbsc.example.org/zine/ilu-9/alternative/#user-content-fn-1"');
    expect(out).toContain('href="https://hbsc.example.org/zine/ilu-9/alternative/#user-content-fnref-1"');
    expect(out).toContain('id="user-content-fn-1"');
  });

  it('turns a <picture> into its dithered <img>, keeping width and height', () => {
    const out = html(
      root(
        h('figure', [
          h('picture', [
            h('source', { srcSet: '/media/a.webp', type: 'image/webp' }),
            h('img', { src: '/media/a.png', width: 640, height: 480, alt: 'Alt', loading: 'lazy', decoding: 'async' }),
          ]),
          h('figcaption', 'Caption'),
        ]),
      ),
    );
    expect(out).toBe(
      '<figure><img src="https://hbsc.example.org/media/a.png" width="640" height="480" alt="Alt"><figcaption>Caption</figcaption></figure>',
    );
  });

  it('drops scripts, frames, styles, event handlers, forms, comments and raw HTML', () => {
    const tree = root(
      h('p', { style: 'color:red', onClick: 'x()', onMouseOver: 'y()' }, 'text'),
      h('script', 'alert(1)'),
      h('script', { type: 'application/ld+json' }, '{}'),
      h('style', 'p{}'),
      h('iframe', { src: 'https://video.example.com/' }),
      h('object', { data: 'x.swf' }),
      h('form', { action: '/search' }, [h('input', { name: 'q' }), h('button', 'Go')]),
      h('a', { href: 'javascript:void(0)' }, 'js'),
    );
    tree.children.push({ type: 'comment', value: 'secret' }, { type: 'raw', value: '<script>raw()</script>' } as never);
    const out = html(tree);
    expect(out).toBe('<p>text</p><a>js</a>');
  });

  it('removes theme controls and heading anchors, and unwraps <noscript>', () => {
    const out = html(
      root(
        h('h2', { id: 'servers' }, [h('a', { className: ['anchor'], href: '#servers' }, '#'), 'Servers']),
        h('h3', { id: 'b' }, ['B ', h('a', { ariaHidden: 'true', tabIndex: -1, href: '#b' }, h('span.icon.icon-link'))]),
        h('a.original-toggle', { href: '/media/a.orig.jpg' }, 'view original'),
        h('div', { dataThemeControl: '' }, 'battery widget'),
        h('button', { dataThemeControl: 'toggle' }, 'toggle'),
        h('span', { dataThemeControl: true }, 'x'),
        h('noscript', h('p', 'No-JS text')),
      ),
    );
    expect(out).toBe('<h2 id="servers">Servers</h2><h3 id="b">B </h3><p>No-JS text</p>');
  });

  it('drops data attributes (script state, sometimes site-relative URLs)', () => {
    const out = html(root(h('img', { src: '/media/a.png', dataOriginal: '/media/a-original.png', dataFootnoteRef: true })));
    expect(out).toBe('<img src="https://hbsc.example.org/media/a.png">');
  });

  it('drops control characters from text and attributes, keeps emoji', () => {
    const out = html(root(h('p', { title: 'a\u0007b' }, 'x\u0000y\u001bz\u0085 🐟 tab\tnew\nline')));
    expect(out).toBe('<p title="ab">xyz 🐟 tab\tnew\nline</p>');
  });

  it('keeps CDATA terminators out of the serialised HTML without changing its meaning', () => {
    const out = feedHtml(root(h('p', { title: 'x]]>y' }, 'a ]]> b ]]> c')), options);
    expect(out).not.toContain(']]>');
    expect(out).toBe('<p title="x]]&gt;y">a ]]&gt; b ]]&gt; c</p>');
  });
});

describe('parseSrcset', () => {
  it('splits candidates with and without spaces after commas, and without descriptors', () => {
    expect(parseSrcset('a.png 1x, b.png 2x')).toEqual([['a.png', '1x'], ['b.png', '2x']]);
    expect(parseSrcset('a.png 480w,b.png 800w')).toEqual([['a.png', '480w'], ['b.png', '800w']]);
    expect(parseSrcset('a.png, b,c.png 2x')).toEqual([['a.png', ''], ['b,c.png', '2x']]);
    expect(parseSrcset('  ')).toEqual([]);
  });
});
