/**
 * The downloads of a zine issue, for the theme: light on purpose (no zod, no Chromium, no zip), since
 * the theme is bundled at every build. The `zine` section was validated when the config loaded.
 */
import type { Page, ResolvedConfig } from '../../src/types.ts';
import type { ZineEditionsOptions } from './options.ts';
import { editionPaths } from './paths.ts';

export interface EditionLink {
  /** Site-absolute URL. */
  href: string;
  type: string;
  /** Link text ('EPUB'). */
  label: string;
  /** What it is for ('for e-readers'). */
  note: string;
}

/**
 * The editions the build publishes for a zine issue's cover page, from the config (layouts run
 * before the books are made, so this is what the build will publish). Nothing when the plugin is off.
 */
export function editionLinks(ctx: { config: ResolvedConfig; page: Page }): EditionLink[] {
  const options = ctx.config.pluginOptions?.zine as ZineEditionsOptions | undefined;
  if (!options || ctx.page.kind !== 'zine-issue') return [];
  const paths = editionPaths(ctx.page.url);
  const links: EditionLink[] = [];
  if (options.epub) links.push({ href: '/' + paths.epub, type: 'application/epub+zip', label: 'EPUB', note: 'for e-readers' });
  if (options.pdf) links.push({ href: '/' + paths.pdf, type: 'application/pdf', label: 'PDF', note: 'A5, to read or print' });
  if (options.booklet) links.push({ href: '/' + paths.booklet, type: 'application/pdf', label: 'Booklet', note: 'A4, print double-sided, fold and staple' });
  return links;
}
