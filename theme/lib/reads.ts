/**
 * What each layout shows of the rest of the site, so that a changed title lays out again only the
 * pages that show it (see "What a layout reads" in theme/README.md). Every layout here declares it:
 * one that does not depends on the whole site, which is safe but lays out every page on any change.
 */
import type { Layout, LayoutContext, Page, Site } from '../../src/types.ts';
import type { Root } from 'hast';
import { chromeFingerprint } from './site-map.ts';
import { isFutureDated } from './preview-mark.ts';
import { readingMinutes } from './components.ts';

/** The pages a layout shows for a page, and any other fact of the site it shows (JSON-serializable). */
export type Shown = Iterable<Page> | { pages: Iterable<Page>; facts: unknown };

/**
 * A layout that shows its own page, the chrome every page shares (menu, power page link), and what
 * `shown` gives for it: nothing else of the site.
 */
export function showing(layout: (ctx: LayoutContext) => Root, shown: (page: Page, site: Site) => Shown = () => []): Layout {
  return Object.assign(layout, {
    reads(page: Page, site: Site) {
      const s = shown(page, site);
      // The preview's "held back" mark goes when the date passes, with nothing else changed.
      const chrome = `${chromeFingerprint(site)}${isFutureDated(page) ? '\0future' : ''}`;
      const pages = [...(Symbol.iterator in s ? s : s.pages)];
      // Bylines show each page's reading time, which its body gives, not its metadata.
      const minutes = pages.map((p) => (p.wordCount ? readingMinutes(p.wordCount) : 0)).join(',');
      if (Symbol.iterator in s) return { pages, shared: `${chrome}\0${minutes}` };
      return { pages, shared: `${chrome}\0${minutes}\0${JSON.stringify(s.facts)}` };
    },
  });
}
