/**
 * The solar theme: a low-tech magazine for a website served from a solar-powered board.
 * Layouts produce whole documents as hast; solar.css and solar.js are its only assets.
 */
import { fileURLToPath } from 'node:url';
import type { Theme } from '../src/types.ts';
import { article, guide, zinePart } from './layouts/entry.ts';
import { home } from './layouts/home.ts';
import { archive, list, notFound } from './layouts/lists.ts';
import { page, power } from './layouts/page.ts';
import { zineIssue } from './layouts/zine.ts';
import rehypeFigures from './rehype/figures.ts';
import rehypeScrollables from './rehype/scrollables.ts';
import rehypeTableHeaders from './rehype/table-headers.ts';
import { routes } from './routes.ts';

const theme: Theme = {
  name: 'solar',
  version: '1.0.0',
  assetsDir: fileURLToPath(new URL('./assets/', import.meta.url)),
  layouts: {
    article,
    guide,
    page,
    power,
    'zine-issue': zineIssue,
    'zine-part': zinePart,
    home,
    list,
    archive,
    'not-found': notFound,
  },
  routes,
  rehypePlugins: [rehypeFigures, rehypeTableHeaders, rehypeScrollables],
  // Keys the layouts read from page.data (lib/site-map.ts, lib/components.ts).
  frontMatter: ['nav', 'bio'],
};

export default theme;
