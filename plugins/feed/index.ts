/**
 * The feed plugin: full-content RSS, Atom and JSON Feed of every article, guide and zine part,
 * so the site can be read in full while the board is offline. See README.md.
 */
import { feedSchema, type FeedOptions } from './options.ts';
import { serializeAhead, writeFeeds } from './write.ts';
import type { FragmentsAhead } from './ahead.ts';
import { definePlugin } from '../../src/define-plugin.ts';
import type { Site } from '../../src/types.ts';

export { feedLinkElements, feedLinks, feedOptionsOf, feedSetsFor, type FeedLink, type FeedLinkContext } from './links.ts';
export { feedHtml, feedTree, rehypeFeedContent } from './content.ts';
export { feedSchema, type FeedOptions, type FeedOptionsInput } from './options.ts';

const feed = definePlugin({
  name: 'feed',
  configKey: 'feed',
  schema: feedSchema,
  setup(options) {
    /** Items being serialized in a worker while the site is laid out (ahead.ts), by the site they are of. */
    const ahead = new WeakMap<Site, FragmentsAhead>();
    return {
      version: '1',
      async siteReady(ctx, site) {
        const begun = await serializeAhead(ctx, site, options);
        if (begun) ahead.set(site, begun);
      },
      async buildEnd(ctx, site) {
        const begun = ahead.get(site);
        await begun?.done;
        writeFeeds(ctx, site, options, begun);
      },
    };
  },
});

export default feed;
