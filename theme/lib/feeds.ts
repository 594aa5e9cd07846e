/** The site's feeds, from the feed plugin: autodiscovery links in every head, a visible link in every footer. */
import { feedLinks as pluginFeedLinks, type FeedLink, type FeedLinkContext } from '../../plugins/feed/links.ts';

export type { FeedLink };

/** Every feed the page should advertise (the site's first, then its issue's or category's). */
export function feedLinks(ctx: FeedLinkContext): FeedLink[] {
  return pluginFeedLinks(ctx);
}

/** The site-wide feeds only, for the visible "read offline" links. */
export function siteFeedLinks(ctx: FeedLinkContext): FeedLink[] {
  return feedLinks({ config: ctx.config });
}

/** Short label of a feed format for link text. */
export function formatLabel(link: FeedLink): string {
  return link.format === 'rss' ? 'RSS' : link.format === 'atom' ? 'Atom' : 'JSON Feed';
}
