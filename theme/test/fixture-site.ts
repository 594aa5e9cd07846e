/**
 * A hand-made site for testing the theme without the core build: config, pages with hast bodies,
 * and a tiny renderer that lays every page out the way the core does (routes, layouts, one serialization).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { unified } from 'unified';
import type { Root } from 'hast';
import { coreSchema } from '../../src/config.ts';
import { feedSchema } from '../../plugins/feed/index.ts';
import { pageWeight } from '../lib/weight.ts';
import type { LayoutContext, Page, ResolvedConfig, Site, Theme } from '../../src/types.ts';

export function fixtureConfig(): ResolvedConfig {
  const core = coreSchema.parse({
    title: 'Homebrew Server Club',
    subtitle: 'Self-hosting, federation and the zine',
    url: 'https://homebrewserver.club',
    author: { name: 'Homebrew Server Club' },
    license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
    board: { location: 'Rotterdam, the Netherlands', hardware: 'Olimex A20-OLinuXino-LIME2, 50 W panel, 6.6 Ah battery' },
  });
  return { ...core, root: '/nonexistent', pluginOptions: { feed: feedSchema.parse({}) } };
}

function page(p: Partial<Page> & Pick<Page, 'id' | 'kind' | 'url' | 'title' | 'layout'>): Page {
  const outputPath = p.url.endsWith('/') ? `${p.url.slice(1)}index.html` : p.url.slice(1);
  return { authors: [], tags: [], draft: false, data: {}, outputPath, ...p };
}

const para = (text: string) => h('p', text);
const lorem =
  'Running your own server is less about machines than about people: who keeps it running, who it serves, and who decides how it works. ';

/** A dithered image as the dither plugin publishes it. */
export function ditheredImage(name: string, alt: string, picture = false) {
  const img = h('img', {
    src: `/media/${name}.png`,
    width: 800,
    height: 450,
    alt,
    loading: 'lazy',
    decoding: 'async',
    dataOriginal: `/media/${name}-original.jpg`,
  });
  return picture ? h('picture', [h('source', { type: 'image/webp', srcSet: `/media/${name}.webp` }), img]) : img;
}

export function fixtureSite(): Site {
  const config = fixtureConfig();
  const body = (...children: Parameters<typeof h>[2][]): Root => ({ type: 'root', children: children as never });

  const article = page({
    id: 'articles/own-server.md',
    source: '/nonexistent/content/articles/own-server.md',
    kind: 'article',
    url: '/own-server/',
    title: 'Why run your own XMPP server?',
    layout: 'article',
    date: new Date('2019-03-10T00:00:00Z'),
    authors: ['Silke Meyer'],
    summary: 'What you gain, and what it costs, when you host the chat server your friends use.',
    category: 'articles',
    tags: ['XMPP', 'self-hosting'],
    wordCount: 1800,
    data: { bio: 'Silke Meyer works on free software and runs servers for friends.' },
    body: body(
      para(lorem.repeat(3)),
      h('p', [ditheredImage('server', 'A small board on a shelf', true)]),
      para('The board that runs this site, on a shelf in Rotterdam.'),
      h('h2', { id: 'costs' }, 'What it costs'),
      para(lorem.repeat(4)),
      h('blockquote', [para('There are no alternatives, only approaches.'), para('— the editors')]),
      h('p', [ditheredImage('diagram', 'Servers federating')]),
      para(lorem),
    ),
  });
  article.headings = [{ depth: 2, id: 'costs', text: 'What it costs' }];

  const guide = page({
    id: 'guides/yes-were-config.md',
    kind: 'guide',
    url: '/yes-were-config/',
    title: 'Yes We’re Config!™',
    layout: 'guide',
    date: new Date('2018-11-17T00:00:00Z'),
    authors: ['Homebrew Server Club'],
    summary: 'Configuring an XMPP server for secure, mobile instant messaging.',
    category: 'guides',
    tags: ['XMPP', 'Prosody'],
    wordCount: 3200,
    body: body(
      para('This is a guide to set up a modern XMPP server focused on security and mobile messaging.'),
      h('h2', { id: 'firewall' }, 'Set up firewall and DNS'),
      h('ul', [h('li', '5222 (for client to server)'), h('li', '5269 (server to server)')]),
      h('h2', { id: 'https' }, 'Enabling HTTPS'),
      h('pre', h('code.language-bash', 'sudo apt-get update && sudo apt-get install certbot\ncertbot certonly -d example.org -d muc.example.org -d upload.example.org -d proxy.example.org')),
      h('h2', { id: 'prosody' }, 'Installing Prosody'),
      h('h3', { id: 'config' }, 'The prosody config'),
      h('table', [h('thead', h('tr', [h('th', 'Port'), h('th', 'Use')])), h('tbody', [h('tr', [h('td', '5000'), h('td', 'file transfer proxy')])])]),
      para(lorem.repeat(2)),
    ),
  });
  guide.headings = [
    { depth: 2, id: 'firewall', text: 'Set up firewall and DNS' },
    { depth: 2, id: 'https', text: 'Enabling HTTPS' },
    { depth: 2, id: 'prosody', text: 'Installing Prosody' },
    { depth: 3, id: 'config', text: 'The prosody config' },
  ];

  const issue = page({
    id: 'zine/ilu-9/index.md',
    kind: 'zine-issue',
    url: '/zine/ilu-9/',
    title: 'Immaterial Labour Union #9: Special Issue on XMPP',
    layout: 'zine-issue',
    date: new Date('2016-11-01T00:00:00Z'),
    authors: ['Homebrew Server Club'],
    summary: 'A zine about federated instant messaging.',
    category: 'zine',
    body: body(para('The editors’ note: a zine made by the Homebrew Server Club.')),
  });
  const partTitles = ['Editors’ Note', 'Have you considered the alternative?', 'Configuring an XMPP server'];
  const parts = partTitles.map((title, i) =>
    page({
      id: `zine/ilu-9/0${i + 1}-part.md`,
      kind: 'zine-part',
      url: `/zine/ilu-9/part-${i + 1}/`,
      title,
      layout: 'zine-part',
      issue: issue.id,
      order: i + 1,
      date: issue.date,
      authors: ['Homebrew Server Club'],
      summary: `Part ${i + 1} of the issue.`,
      category: 'zine',
      tags: ['XMPP'],
      body: body(para(lorem.repeat(2))),
    }),
  );

  const pages = [
    page({ id: 'pages/about.md', kind: 'page', url: '/about/', title: 'About', layout: 'page', order: 1, body: body(para('The Homebrew Server Club meets monthly.')) }),
    page({ id: 'pages/power.md', kind: 'page', url: '/power/', title: 'Power', layout: 'page', order: 2, summary: 'This website runs on a solar-powered board.', body: body(para('A solar panel charges a battery that runs the board.')) }),
    page({ id: 'pages/colophon.md', kind: 'page', url: '/colophon/', title: 'Colophon', layout: 'page', order: 3, body: body(para('Built with solarpress.')) }),
  ];

  const posts = [article, guide];
  const all = [article, guide, issue, ...parts, ...pages];
  const categories = new Map<string, Page[]>();
  const tags = new Map<string, Page[]>();
  for (const p of all) {
    if (p.category) categories.set(p.category, [...(categories.get(p.category) ?? []), p]);
    for (const t of p.tags) tags.set(t, [...(tags.get(t) ?? []), p]);
  }
  return {
    config,
    pages: all,
    byId: new Map(all.map((p) => [p.id, p])),
    byUrl: new Map(all.map((p) => [p.url, p])),
    posts,
    zines: [{ index: issue, parts }],
    categories,
    tags,
  };
}

/** Adds the theme's generated pages to a site, as the core does before layout. */
export function withRoutes(site: Site, theme: Theme): Site {
  const generated = theme.routes?.(site) ?? [];
  const pages = [...site.pages, ...generated];
  return { ...site, pages, byId: new Map(pages.map((p) => [p.id, p])), byUrl: new Map(pages.map((p) => [p.url, p])) };
}

/** Runs the theme's rehype plugins over every content page's body. */
export async function applyRehype(site: Site, theme: Theme): Promise<void> {
  const processor = unified().use(theme.rehypePlugins ?? []);
  for (const p of site.pages) if (p.body) p.body = (await processor.run(p.body)) as Root;
}

export function layoutContext(site: Site, page: Page, sizes: Map<string, number> = new Map()): LayoutContext {
  return {
    page,
    site,
    config: site.config,
    mode: 'build',
    asset: (name) => `/assets/${name}`,
    compressedSize: (url) => sizes.get(url),
    weigh: (tree) => pageWeight(tree, (url) => sizes.get(url)),
  };
}

export function renderPage(theme: Theme, site: Site, page: Page, sizes?: Map<string, number>): string {
  const layout = theme.layouts[page.layout];
  if (!layout) throw new Error(`no layout ${page.layout}`);
  return toHtml(layout(layoutContext(site, page, sizes)));
}

/** Renders the whole fixture site into a folder (assets unfingerprinted), for browser checks. */
export async function renderFixtureSite(theme: Theme, outDir: string): Promise<Site> {
  const site = withRoutes(fixtureSite(), theme);
  await applyRehype(site, theme);
  const sizes = new Map<string, number>();
  mkdirSync(join(outDir, 'assets'), { recursive: true });
  for (const name of readdirSync(theme.assetsDir)) {
    copyFileSync(join(theme.assetsDir, name), join(outDir, 'assets', name));
    sizes.set(`/assets/${name}`, gzipSync(readFileSync(join(theme.assetsDir, name))).length);
  }
  for (const p of site.pages) {
    const file = join(outDir, p.outputPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderPage(theme, site, p, sizes));
  }
  return site;
}
