/**
 * The feed plugin: full-content RSS, Atom and JSON Feed of every article, guide and zine part,
 * so the site can be read in full while the board is offline. See README.md.
 */
import { feedSchema, type FeedOptions } from './options.ts';
import { writeFeeds } from './write.ts';
import { definePlugin } from '../../src/define-plugin.ts';

export { feedLinkElements, feedLinks, feedOptionsOf, feedSetsFor, type FeedLink, type FeedLinkContext } from './links.ts';
export { feedHtml, feedTree, rehypeFeedContent } from './content.ts';
export { feedSchema, type FeedOptions, type FeedOptionsInput } from './options.ts';

const feed = definePlugin({
  name: 'feed',
  configKey: 'feed',
  schema: feedSchema,
  setup(options) {
    return {
      version: '1',
      buildEnd(ctx, site) {
        writeFeeds(ctx, site, options);
      },
    };
  },
});

export default feed;
