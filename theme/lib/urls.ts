/** URLs of the pages the theme generates, and of the theme's fixed resources. */
import { slug } from 'github-slugger';
import type { ResolvedConfig } from '../../src/types.ts';

/** Slug of a category or tag name: lower case, spaces to dashes ('How to' → 'how-to'). */
export function termSlug(name: string): string {
  return slug(name) || 'untitled';
}

export const categoryUrl = (name: string): string => `/category/${termSlug(name)}/`;
export const tagUrl = (name: string): string => `/tag/${termSlug(name)}/`;
export const archiveUrl = '/archive/';
export const notFoundUrl = '/404.html';

/** Output file of a permalink: '/a/b/' → 'a/b/index.html', '/404.html' → '404.html'. */
export function outputPathOf(url: string): string {
  const path = url.replace(/^\//, '');
  return path === '' || path.endsWith('/') ? `${path}index.html` : path;
}

/** Absolute URL on the public site (canonical links, printed URLs). */
export function absoluteUrl(config: ResolvedConfig, url: string): string {
  return config.url + url;
}

/** battery.css lives beside stats.json (the board script writes both). */
export function batteryCssUrl(config: ResolvedConfig): string {
  return config.board.statsUrl.replace(/[^/]*$/, 'battery.css');
}

/** The power chart the board draws every 10 minutes, beside stats.json too. */
export function powerChartUrl(config: ResolvedConfig): string {
  return config.board.statsUrl.replace(/[^/]*$/, 'power-history.svg');
}
