/**
 * Where things are on the site, as the theme's navigation sees it. Worked out once per build (per
 * Site object) and looked up per page: a layout must cost O(1) in the size of the site.
 */
import type { Page, Site, ZineIssue } from '../../src/types.ts';
import { archiveUrl, categoryUrl } from './urls.ts';

export interface NavItem {
  url: string;
  label: string;
}

interface SiteMap {
  power?: Page;
  contentPages: Page[];
  nav: NavItem[];
  /** A zine's cover and each of its parts, by page id. */
  zines: Map<string, ZineIssue>;
  /** What every page shows of the site (menu, power page link), for layouts' cache keys. */
  chrome: string;
}

const maps = new WeakMap<Site, SiteMap>();

function siteMap(site: Site): SiteMap {
  let map = maps.get(site);
  if (!map) {
    const contentPages = site.pages
      .filter((p) => p.kind === 'page')
      .sort((a, b) => (a.order ?? 1e9) - (b.order ?? 1e9) || a.title.localeCompare(b.title));
    const zines = new Map<string, ZineIssue>();
    for (const zine of site.zines) {
      zines.set(zine.index.id, zine);
      for (const part of zine.parts) zines.set(part.id, zine);
    }
    const power = site.pages.find((p) => p.data.layout === 'power') ?? site.byUrl.get('/power/');
    const nav = navOf(site, contentPages);
    map = { power, contentPages, nav, zines, chrome: JSON.stringify({ nav, power: power?.url }) };
    maps.set(site, map);
  }
  return map;
}

/** The power page: a content page asking for the 'power' layout, or the one at /power/. */
export function powerPage(site: Site): Page | undefined {
  return siteMap(site).power;
}

/** The menu and the power page's address: what document.ts shows of the site on every page. */
export function chromeFingerprint(site: Site): string {
  return siteMap(site).chrome;
}

export function isPowerPage(page: Page): boolean {
  return page.kind === 'page' && (page.data.layout === 'power' || page.url === '/power/');
}

/** Content pages (about, power, colophon) in their `order`, then by title. */
export function contentPages(site: Site): Page[] {
  return siteMap(site).contentPages;
}

export function zineOf(site: Site, page: Page): ZineIssue | undefined {
  if (page.kind !== 'zine-issue' && page.kind !== 'zine-part') return undefined;
  return siteMap(site).zines.get(page.id);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A content page's menu label: front matter `nav`, else its title when short, else its slug ('About'). */
export function navLabel(page: Page): string {
  if (typeof page.data.nav === 'string' && page.data.nav.trim()) return page.data.nav.trim();
  if (page.title.length <= 16) return page.title;
  const slug = page.url.split('/').filter(Boolean).pop() ?? page.title;
  return capitalise(slug.replace(/[-_]+/g, ' '));
}

/** Main navigation: the latest zine issue, the categories of posts, the archive, the content pages. */
export function mainNav(site: Site): NavItem[] {
  return siteMap(site).nav;
}

function navOf(site: Site, pages: Page[]): NavItem[] {
  const items: NavItem[] = [];
  const zine = site.zines[0];
  if (zine) items.push({ url: zine.index.url, label: 'Zine' });
  const postCategories = new Set(site.posts.map((p) => p.category).filter((c): c is string => !!c));
  for (const name of [...postCategories].sort()) items.push({ url: categoryUrl(name), label: capitalise(name) });
  items.push({ url: archiveUrl, label: 'Archive' });
  for (const p of pages) items.push({ url: p.url, label: navLabel(p) });
  return items;
}

/** Is `url` the current page or a section holding it (for aria-current)? */
export function isCurrent(item: NavItem, page: Page): boolean {
  return item.url === page.url;
}
