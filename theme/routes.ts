/** The pages the theme generates from the site: home, category and tag lists, the archive, 404. */
import type { Page, Site } from '../src/types.ts';
import { archiveUrl, categoryUrl, notFoundUrl, outputPathOf, tagUrl } from './lib/urls.ts';

function generated(url: string, layout: string, title: string, data: Record<string, unknown> = {}): Page {
  return {
    id: `generated:${url}`,
    kind: 'generated',
    url,
    outputPath: outputPathOf(url),
    title,
    authors: [],
    tags: [],
    draft: false,
    layout,
    data,
  };
}

export function routes(site: Site): Page[] {
  const pages = [generated('/', 'home', site.config.title)];
  pages.push(...termRoutes('category', [...site.categories.keys()], categoryUrl));
  pages.push(...termRoutes('tag', [...site.tags.keys()], tagUrl));
  pages.push(generated(archiveUrl, 'archive', 'Archive'));
  pages.push(generated(notFoundUrl, 'not-found', 'Page not found'));
  return pages;
}

/** One list page per URL: names that slug alike ('XMPP', 'xmpp') share a page. */
function termRoutes(termKind: 'category' | 'tag', names: string[], urlOf: (n: string) => string): Page[] {
  const byUrl = new Map<string, string[]>();
  for (const name of names.sort()) byUrl.set(urlOf(name), [...(byUrl.get(urlOf(name)) ?? []), name]);
  return [...byUrl].map(([url, terms]) => {
    const title = termKind === 'category' ? terms[0].charAt(0).toUpperCase() + terms[0].slice(1) : `Tagged “${terms[0]}”`;
    return generated(url, 'list', title, { termKind, terms });
  });
}
