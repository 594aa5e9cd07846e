/**
 * The sitemap plugin: sitemap.xml of every page, and a robots.txt naming it when the site has none
 * of its own. See README.md.
 */
import { sitemapSchema, type SitemapOptions } from './options.ts';
import { robotsFor } from './robots.ts';
import { renderSitemap, SITEMAP_PATH } from './sitemap.ts';
import { definePlugin } from '../../src/define-plugin.ts';

export { sitemapSchema, type SitemapOptions, type SitemapOptionsInput } from './options.ts';

const sitemap = definePlugin({
  name: 'sitemap',
  configKey: 'sitemap',
  schema: sitemapSchema,
  setup(options, config) {
    return {
      version: '1',
      buildEnd(ctx, site) {
        ctx.emit(SITEMAP_PATH, renderSitemap(site));
        robotsFor(ctx, `${config.url}/${SITEMAP_PATH}`, options.robots);
      },
    };
  },
});

export default sitemap;
