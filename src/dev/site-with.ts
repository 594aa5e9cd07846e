/** The site model with some pages in a newer version (same id, same metadata, another body). */
import type { Page, Site } from '../types.ts';

/**
 * `site` with each page of `newer` in place of the page of its id, wherever the site lists it.
 * Their metadata being the same, they keep their places: only the lists that hold them are copied.
 */
export function siteWith(site: Site, newer: Iterable<Page>): Site {
  const replaced = new Map<Page, Page>();
  for (const page of newer) {
    const before = site.byId.get(page.id);
    if (before && before !== page) replaced.set(before, page);
  }
  if (replaced.size === 0) return site;
  const list = (pages: Page[]) => (pages.some((p) => replaced.has(p)) ? pages.map((p) => replaced.get(p) ?? p) : pages);
  // A page is listed under its own category and tags only.
  const grouped = (groups: Map<string, Page[]>, keys: (page: Page) => Array<string | undefined>) => {
    const copy = new Map(groups);
    for (const page of replaced.values()) {
      for (const key of keys(page)) {
        const pages = key === undefined ? undefined : copy.get(key);
        if (pages) copy.set(key!, list(pages));
      }
    }
    return copy;
  };
  const byId = new Map(site.byId);
  const byUrl = new Map(site.byUrl);
  for (const page of replaced.values()) {
    byId.set(page.id, page);
    byUrl.set(page.url, page);
  }
  return {
    ...site,
    pages: list(site.pages),
    byId,
    byUrl,
    posts: list(site.posts),
    zines: site.zines.map(({ index, parts }) => ({ index: replaced.get(index) ?? index, parts: list(parts) })),
    categories: grouped(site.categories, (p) => [p.category]),
    tags: grouped(site.tags, (p) => p.tags),
    attachments: site.attachments && new Map(site.attachments),
  };
}
