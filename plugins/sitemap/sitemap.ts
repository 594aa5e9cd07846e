/**
 * sitemap.xml (sitemaps.org protocol 0.9) as an xast tree: every published page with an address
 * ending in '/' (not the 404 page, never a draft), `lastmod` from `updated` or else `date`.
 */
import { toXml } from 'xast-util-to-xml';
import { x } from 'xastscript';
import type { Page, Site } from '../../src/types.ts';

export const SITEMAP_PATH = 'sitemap.xml';

/** Pages a search engine should list: real addresses, no drafts, no error pages. */
export function sitemapPages(site: Site): Page[] {
  return site.pages.filter((p) => p.url.endsWith('/') && !p.draft).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

/** W3C datetime: the day alone for a date written without a time (midnight UTC), else the instant. */
export function lastmodOf(page: Page): string | undefined {
  const when = page.updated ?? page.date;
  if (!when) return undefined;
  const iso = when.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

/** What the sitemap says of each page listed: its address and, if known, when it last changed. */
export type SitemapEntry = [loc: string, lastmod?: string];

export function sitemapEntries(site: Site): SitemapEntry[] {
  return sitemapPages(site).map((page) => {
    // Escaped as the protocol asks (a file named "my post.md" or "café.md" gives a space or an é in the address).
    const loc = new URL(site.config.url + page.url).href;
    const lastmod = lastmodOf(page);
    return lastmod ? [loc, lastmod] : [loc];
  });
}

export function renderSitemap(site: Site): string {
  return sitemapXml(sitemapEntries(site));
}

export function sitemapXml(entries: SitemapEntry[]): string {
  const tree = x(null, [
    { type: 'instruction', name: 'xml', value: 'version="1.0" encoding="UTF-8"' },
    '\n',
    x(
      'urlset',
      { xmlns: 'http://www.sitemaps.org/schemas/sitemap/0.9' },
      // One page per line: readable, and diffs between builds stay small.
      entries.flatMap(([loc, lastmod]) => ['\n', x('url', [x('loc', loc), ...(lastmod ? [x('lastmod', lastmod)] : [])])]),
      '\n',
    ),
  ]);
  return toXml(tree) + '\n';
}
