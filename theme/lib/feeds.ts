/**
 * The site's feeds, for autodiscovery links and the visible feed link.
 * The feed plugin (plugins/feed/) owns the paths; until it exports them these are its documented defaults.
 */
export interface FeedLink {
  url: string;
  type: string;
  label: string;
}

export const defaultFeeds: FeedLink[] = [
  { url: '/feed.xml', type: 'application/rss+xml', label: 'RSS' },
  { url: '/atom.xml', type: 'application/atom+xml', label: 'Atom' },
  { url: '/feed.json', type: 'application/feed+json', label: 'JSON Feed' },
];

export function feedLinks(): FeedLink[] {
  return defaultFeeds;
}
