/**
 * The sitemap plugin: sitemap.xml of every page, and a robots.txt naming it when the site has none
 * of its own. See README.md.
 */
import { hash } from 'node:crypto';
import { sitemapSchema, type SitemapOptions } from './options.ts';
import { robotsFor } from './robots.ts';
import { SITEMAP_PATH, sitemapEntries, sitemapXml } from './sitemap.ts';
import { definePlugin } from '../../src/define-plugin.ts';

export { sitemapSchema, type SitemapOptions, type SitemapOptionsInput } from './options.ts';

/** Sitemaps made before, by their entries. Bump when the XML made of the same entries changes. */
const STORE = 'sitemap';
const STORE_VERSION = '1';

const sitemap = definePlugin({
  name: 'sitemap',
  configKey: 'sitemap',
  schema: sitemapSchema,
  setup(options, config) {
    return {
      version: '1',
      buildEnd(ctx, site) {
        // Made again only when an address or a date changed: its entries are the key.
        const entries = sitemapEntries(site);
        const store = ctx.cache(STORE, STORE_VERSION);
        const key = hash('sha256', JSON.stringify(entries)).slice(0, 32);
        // Published with the hash its entry is named by (verified as read, or computed as put): not hashed again.
        const kept = store.find(key);
        const data = kept && store.read(kept);
        if (kept && data) ctx.emit(SITEMAP_PATH, data, kept.hash);
        else {
          const xml = sitemapXml(entries);
          ctx.emit(SITEMAP_PATH, xml, store.putLater(key, xml).hash);
        }
        robotsFor(ctx, `${config.url}/${SITEMAP_PATH}`, options.robots);
      },
    };
  },
});

export default sitemap;
