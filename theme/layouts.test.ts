import { describe, expect, it } from 'vitest';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { selectAll, select } from './test/select.ts';
import theme from './index.ts';
import { applyRehype, fixtureSite, layoutContext, withRoutes } from './test/fixture-site.ts';
import { pageWeight } from './lib/weight.ts';
import type { Page, Site } from '../src/types.ts';
import type { Root } from 'hast';

async function site(): Promise<Site> {
  const s = withRoutes(fixtureSite(), theme);
  await applyRehype(s, theme);
  return s;
}

function lay(s: Site, url: string, sizes = new Map<string, number>()): Root {
  const page = s.byUrl.get(url);
  if (!page) throw new Error(`no page at ${url}`);
  return theme.layouts[page.layout](layoutContext(s, page, sizes));
}

const text = (tree: Root) => toHtml(tree);

describe('every page is a whole document', async () => {
  const s = await site();
  for (const page of s.pages) {
    it(`${page.url} (${page.layout})`, () => {
      const tree = lay(s, page.url);
      expect(tree.children[0].type).toBe('doctype');
      const html = select(tree, 'html')!;
      expect(html.properties.lang).toBe('en');
      expect(selectAll(tree, 'title')).toHaveLength(1);
      expect(selectAll(tree, 'h1')).toHaveLength(1);
      expect(selectAll(tree, 'main')).toHaveLength(1);
      // The theme's own styles, the board's live battery.css, the script, feed autodiscovery.
      const sheets = selectAll(tree, 'link').filter((l) => String(l.properties.rel) === 'stylesheet').map((l) => l.properties.href);
      expect(sheets).toEqual(['/assets/solar.css', '/api/battery.css']);
      expect(selectAll(tree, 'script').map((e) => e.properties.src)).toEqual(['/assets/solar.js']);
      const feeds = selectAll(tree, 'link').filter((l) => String(l.properties.rel) === 'alternate').map((l) => l.properties.href);
      expect(feeds).toEqual(expect.arrayContaining(['/feed.xml', '/atom.xml', '/feed.json']));
      // Battery label (for battery.css) and the footer dashboard with every figure the issue asks for.
      expect(selectAll(tree, '.battery-label').length).toBeGreaterThanOrEqual(2);
      const dashboard = toHtml(select(tree, '.dashboard')!);
      for (const label of ['Server location', 'Local time', 'Battery', 'Power used', 'Uptime', 'Forecast']) expect(dashboard).toContain(label);
      expect(dashboard).toContain('Rotterdam, the Netherlands');
      // Nothing is loaded from another site.
      for (const e of selectAll(tree, 'link, script, img, source')) {
        const url = String(e.properties.href ?? e.properties.src ?? e.properties.srcSet ?? '');
        if (e.tagName === 'link' && !['stylesheet', 'icon'].includes(String(e.properties.rel))) continue;
        expect(url, `${e.tagName} ${url}`).toMatch(/^(\/[^/]|data:)/);
      }
    });
  }
});

describe('page weight', () => {
  it('is the compressed page plus what it loads, written into the footer', async () => {
    const s = await site();
    const sizes = new Map([
      ['/assets/solar.css', 4000],
      ['/assets/solar.js', 3000],
      ['/media/server.webp', 30_000],
      ['/media/server.png', 90_000],
      ['/media/diagram.png', 20_000],
    ]);
    const tree = lay(s, '/own-server/', sizes);
    const line = toHtml(select(tree, '.page-weight')!);
    const kb = Number(/This page weighs (\d+) KB/.exec(line)?.[1]);
    // The WebP of the <picture> counts (what browsers fetch), not its PNG fallback; originals never.
    const expected = pageWeight(tree, (u) => sizes.get(u));
    expect(Math.abs(kb * 1024 - expected)).toBeLessThanOrEqual(1024);
    expect(kb).toBeGreaterThanOrEqual(Math.floor((4000 + 3000 + 30_000 + 20_000) / 1024));
    expect(kb).toBeLessThan(Math.floor((4000 + 3000 + 90_000 + 20_000) / 1024));
  });
});

describe('zine', () => {
  it('the issue page lists its parts in order', async () => {
    const s = await site();
    const tree = lay(s, '/zine/ilu-9/');
    const links = selectAll(tree, '.zine-contents a').map((a) => a.properties.href);
    expect(links).toEqual(s.zines[0].parts.map((p) => p.url));
  });
  it("the issue's own list of its parts makes way for the generated contents", async () => {
    const s = await site();
    const issue = s.zines[0].index;
    const parts = s.zines[0].parts;
    issue.body = { type: 'root', children: [h('p', 'COVER'), h('h2', 'Contents'), { type: 'text', value: '\n' }, h('ol', parts.map((p) => h('li', h('a', { href: p.url }, p.title)))), h('p', 'After.')] };
    const tree = lay(s, issue.url);
    const prose = select(tree, '.prose')!;
    const kinds = prose.children.map((c) => (c.type === 'element' ? `${c.tagName}.${String(c.properties.className ?? '')}` : c.type));
    expect(kinds).toEqual(['p.', 'nav.zine-contents', 'p.']);
    expect(toHtml(tree)).not.toContain('<h2>Contents</h2>');
  });
  it('a part links to the previous and next part of its issue only', async () => {
    const s = await site();
    const [first, second, third] = s.zines[0].parts;
    const pager = (p: Page) => Object.fromEntries(selectAll(lay(s, p.url), '.pager a').map((a) => [String(a.properties.rel), a.properties.href]));
    expect(pager(first)).toEqual({ next: second.url });
    expect(pager(second)).toEqual({ prev: first.url, next: third.url });
    expect(pager(third)).toEqual({ prev: second.url });
    expect(toHtml(select(lay(s, second.url), '.kicker')!)).toContain('Part 2 of 3');
  });
});

describe('articles and guides', () => {
  it('show byline, tags, bio; guides get a table of contents', async () => {
    const s = await site();
    const article = text(lay(s, '/own-server/'));
    expect(article).toContain('Silke Meyer works on free software');
    expect(article).toContain('href="/tag/xmpp/"');
    expect(article).toContain('<time datetime="2019-03-10">10 March 2019</time>');
    const guide = lay(s, '/yes-were-config/');
    expect(selectAll(guide, '.toc a').map((a) => a.properties.href)).toEqual(['#firewall', '#https', '#prosody', '#config']);
    expect(select(guide, 'pre')!.properties.tabIndex).toBe(0);
    expect(select(guide, '.table-scroll table')).toBeTruthy();
  });
  it('carry Open Graph meta with absolute URLs', async () => {
    const s = await site();
    s.byUrl.get('/own-server/')!.leadImage = { url: '/media/server.png', width: 800, height: 450, type: 'image/png', bytes: 1000 };
    const og = Object.fromEntries(selectAll(lay(s, '/own-server/'), 'meta[property]').map((m) => [m.properties.property, m.properties.content]));
    expect(og).toMatchObject({
      'og:type': 'article',
      'og:title': 'Why run your own XMPP server?',
      'og:url': 'https://homebrewserver.club/own-server/',
      'og:image': 'https://homebrewserver.club/media/server.png',
      'article:published_time': '2019-03-10T00:00:00.000Z',
    });
  });
  it('escapes markup in titles and summaries', async () => {
    const s = await site();
    const page = s.byUrl.get('/own-server/')!;
    page.title = '<script>alert(1)</script> & co';
    page.data.bio = '<img src=x onerror=alert(1)>';
    const html = text(lay(s, '/own-server/'));
    // In quoted attribute values (og:title) a "<" is inert; anywhere else it must be escaped.
    const outsideAttributes = html.replace(/="[^"]*"/g, '=""');
    expect(outsideAttributes).not.toContain('<script>alert');
    expect(outsideAttributes).not.toContain('<img src=x');
    expect(html).toContain('&#x3C;script>alert(1)&#x3C;/script> &#x26; co');
  });
});

describe('the power page', () => {
  it('carries every live figure and what happens when the battery runs out', async () => {
    const s = await site();
    const tree = lay(s, '/power/');
    const stats = selectAll(tree, '.power-live [data-stat]').map((e) => e.properties.dataStat);
    for (const key of ['battery', 'solar-w', 'battery-w', 'load-w', 'voltage', 'current', 'cpu-temp', 'load', 'uptime', 'local-time', 'forecast-list'])
      expect(stats).toContain(key);
    const html = text(tree);
    expect(html).toContain('Olimex A20-OLinuXino-LIME2');
    expect(html).toContain('When the battery runs out');
    expect(html).toContain('href="/feed.xml"');
  });
  it('shows the board’s chart as an image, and the uptime and night outlook battery.css fills in', async () => {
    const s = await site();
    const tree = lay(s, '/power/');
    const img = select(tree, '.power-history figure.power-chart img')!;
    expect(img.properties.src).toBe('/api/power-history.svg');
    expect(String(img.properties.alt)).toMatch(/battery charge and the solar power over the last days/);
    expect(select(tree, '.power-chart p.held-back[hidden]')).toBeDefined();
    expect(select(tree, 'p.power-uptime')).toBeDefined();
    expect(select(tree, 'p.power-night')).toBeDefined();
    // Every page's footer links the power page through a small copy of the chart, loaded lazily.
    const footer = select(lay(s, '/about/'), '.dashboard-more a img.footer-chart')!;
    expect(footer.properties).toMatchObject({ src: '/api/power-history.svg', alt: '', loading: 'lazy' });
  });
  it('other pages have no live figures section', async () => {
    const s = await site();
    expect(select(lay(s, '/about/'), '.power-live')).toBeUndefined();
  });
});

describe('generated pages', () => {
  it('home shows the latest writing, the zine and the guides', async () => {
    const s = await site();
    const tree = lay(s, '/');
    expect(select(tree, 'h1')!.children).toEqual([expect.objectContaining({ tagName: 'a' })]);
    expect(selectAll(tree, '.home-latest .post-title a').map((a) => a.properties.href)).toEqual(['/own-server/']);
    expect(selectAll(tree, '.home-zine-parts a')).toHaveLength(3);
    expect(selectAll(tree, '.home-guides .post-title a').map((a) => a.properties.href)).toEqual(['/yes-were-config/']);
  });
  it('category and tag pages list their pages', async () => {
    const s = await site();
    expect(selectAll(lay(s, '/tag/xmpp/'), '.post-title a').map((a) => a.properties.href)).toEqual([
      '/own-server/',
      '/yes-were-config/',
      '/zine/ilu-9/part-1/',
      '/zine/ilu-9/part-2/',
      '/zine/ilu-9/part-3/',
    ]);
    expect(selectAll(lay(s, '/category/guides/'), '.post-title a').map((a) => a.properties.href)).toEqual(['/yes-were-config/']);
  });
  it('the archive groups everything by year, newest first', async () => {
    const s = await site();
    const tree = lay(s, '/archive/');
    expect(selectAll(tree, '.year').map((e) => toHtml(e.children))).toEqual(['2019', '2018', '2016']);
    // Same date: the zine issue, then its parts in print order.
    expect(selectAll(tree, '.archive-list a').map((a) => a.properties.href)).toEqual([
      '/own-server/',
      '/yes-were-config/',
      '/zine/ilu-9/',
      '/zine/ilu-9/part-1/',
      '/zine/ilu-9/part-2/',
      '/zine/ilu-9/part-3/',
    ]);
  });
  it('tags that differ only in case share one page', () => {
    const s = fixtureSite();
    s.tags.set('xmpp', [s.pages[0]]);
    const pages = theme.routes!(s).filter((p) => p.url === '/tag/xmpp/');
    expect(pages).toHaveLength(1);
    expect(pages[0].data.terms).toEqual(['XMPP', 'xmpp']);
    expect(pages.map((p) => [p.id, p.outputPath, p.kind])).toEqual([['generated:/tag/xmpp/', 'tag/xmpp/index.html', 'generated']]);
  });
  it('404 page at /404.html', () => {
    const routes = theme.routes!(fixtureSite());
    expect(routes.find((p) => p.layout === 'not-found')).toMatchObject({ url: '/404.html', outputPath: '404.html' });
  });
});

describe('preview marks', () => {
  const mark = (s: Site, page: Page, mode: 'build' | 'dev') => {
    const tree = theme.layouts[page.layout]({ ...layoutContext(s, page), mode });
    return select(tree, 'main .preview-mark');
  };
  const variants = async () => {
    const s = await site();
    const base = s.byUrl.get('/own-server/')!;
    const draft: Page = { ...base, draft: true };
    const future: Page = { ...base, date: new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 5)) };
    const both: Page = { ...future, draft: true };
    return { s, base, draft, future, both };
  };

  it('mark drafts and future-dated pages in the preview', async () => {
    const { s, base, draft, future, both } = await variants();
    expect(mark(s, base, 'dev')).toBeUndefined();
    expect(toHtml(mark(s, draft, 'dev')!)).toMatch(/Draft — not published/);
    const year = future.date!.getUTCFullYear();
    const dated = toHtml(mark(s, future, 'dev')!);
    expect(dated).toContain(`Dated <time datetime="${year}-03-05">5 March ${year}</time>`);
    expect(dated).toMatch(/held back by build until then/);
    expect(dated).not.toMatch(/Draft/);
    expect(toHtml(mark(s, both, 'dev')!)).toMatch(/Draft — not published.*held back by build/);
    // Every layout of a content page shows it (the zine issue and a plain page too).
    for (const url of ['/about/', '/zine/ilu-9/']) {
      const page = s.byUrl.get(url);
      expect(mark(s, { ...s.byUrl.get(url)!, draft: true }, 'dev'), url).toBeDefined();
    }
  });

  it('never in a build', async () => {
    const { s, draft, future, both } = await variants();
    for (const page of [draft, future, both]) expect(mark(s, page, 'build')).toBeUndefined();
  });

  it('a layout laid out while the date was ahead is laid out again when it has passed', async () => {
    const { s, future, base } = await variants();
    const reads = theme.layouts[future.layout].reads!;
    expect(reads(future, s).shared).not.toBe(reads(base, s).shared);
  });
});
