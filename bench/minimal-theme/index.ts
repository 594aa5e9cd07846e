/**
 * The scale benchmark's theme: the same minimal layouts the Hugo side gets (title + content;
 * the home page lists every article), so the comparison measures the generators, not the designs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { h } from 'hastscript';
import type { Layout, Page, Theme } from '../../src/types.ts';

const shell = (title: string, main: Parameters<typeof h>[2]) => ({
  type: 'root' as const,
  children: [
    { type: 'doctype' as const },
    h('html', { lang: 'en' }, [h('head', [h('meta', { charset: 'utf-8' }), h('title', title)]), h('body', [h('h1', title), h('main', main)])]),
  ],
});

const single: Layout = ({ page }) => shell(page.title, page.body ? page.body.children : []);
const home: Layout = ({ page, site }) => shell(page.title, site.posts.map((p) => h('a', { href: p.url }, p.title)));

const homePage: Page = { id: 'generated:/', kind: 'generated', url: '/', outputPath: 'index.html', title: 'Scale benchmark', authors: [], tags: [], draft: false, layout: 'home', data: {} };

const theme: Theme = {
  name: 'bench-minimal',
  version: '1',
  assetsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets'),
  layouts: { article: single, guide: single, page: single, 'zine-issue': single, 'zine-part': single, home },
  routes: () => [homePage],
};
export default theme;
