/**
 * One page of every type the solar theme makes, found in a built site: for the browser tests (axe,
 * screenshots) and the Lighthouse benchmark, so that both look at the same pages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildResult } from '../../src/build.ts';

export type PageType = 'home' | 'article' | 'guide' | 'page' | 'power' | 'zine-issue' | 'zine-part' | 'category' | 'tag' | 'archive' | 'not-found';

/** URL of one page of each type; throws when the site lacks one. */
export function pageOfEveryType(result: BuildResult): Record<PageType, string> {
  const html = (url: string) => readFileSync(path.join(result.outDir, url.endsWith('/') ? `${url}index.html` : url), 'utf8');
  const first = (type: PageType, pred: (p: BuildResult['site']['pages'][number]) => boolean): string => {
    const page = result.site.pages.find(pred);
    if (!page) throw new Error(`the built site has no ${type} page`);
    return page.url;
  };
  const isPower = (p: BuildResult['site']['pages'][number]) => p.url === '/power/' || p.data.layout === 'power';
  return {
    home: '/',
    article: first('article', (p) => p.kind === 'article'),
    // With its table of contents (3+ headings)
    guide: first('guide', (p) => p.kind === 'guide' && html(p.url).includes('class="toc"')),
    page: first('page', (p) => p.kind === 'page' && !isPower(p)),
    power: first('power', isPower),
    'zine-issue': first('zine-issue', (p) => p.kind === 'zine-issue'),
    // With footnotes: their back-links are the smallest touch targets the theme makes
    'zine-part': first('zine-part', (p) => p.kind === 'zine-part' && html(p.url).includes('data-footnote-backref')),
    category: first('category', (p) => p.url.startsWith('/category/')),
    tag: first('tag', (p) => p.url.startsWith('/tag/')),
    archive: '/archive/',
    'not-found': '/404.html',
  };
}
