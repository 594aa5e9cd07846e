/**
 * Where the feeds live, and the autodiscovery links the theme puts on every page.
 */
import { slug } from 'github-slugger';
import type { Element } from 'hast';
import { h } from 'hastscript';
import type { Page, ResolvedConfig, Site } from '../../src/types.ts';
import type { FeedOptions } from './options.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** Media types for autodiscovery (`application/feed+json` is JSON Feed 1.1's own). */
export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

const FORMAT_NAMES: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** One feed in three formats: the whole site, a zine issue, or a category. */
export interface FeedSet {
  title: string;
  description: string;
  /** Site-absolute URL of the page the feed is about ('/', '/zine/9/'). */
  home: string;
  /** Site-absolute path of each format's file. */
  paths: Record<FeedFormat, string>;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function pathsIn(folder: string, options: FeedOptions): Record<FeedFormat, string> {
  return {
    rss: folder + fileName(options.paths.rss),
    atom: folder + fileName(options.paths.atom),
    json: folder + fileName(options.paths.json),
  };
}

function siteTitle(config: ResolvedConfig, options: FeedOptions): string {
  return options.title ?? config.title;
}

export function siteFeed(config: ResolvedConfig, options: FeedOptions): FeedSet {
  return {
    title: siteTitle(config, options),
    description: options.description ?? config.subtitle,
    home: '/',
    paths: { ...options.paths },
  };
}

/** A zine issue's feed: its parts, beside the issue page ('/zine/9/feed.xml'). */
export function issueFeed(config: ResolvedConfig, options: FeedOptions, issue: Page): FeedSet {
  return {
    title: `${siteTitle(config, options)}: ${issue.title}`,
    description: issue.summary ?? `Every part of ${issue.title}`,
    home: issue.url,
    paths: pathsIn(issue.url.endsWith('/') ? issue.url : `${issue.url}/`, options),
  };
}

/** A category's feed ('/category/guides/feed.xml' with the default categoryBase). */
export function categoryFeed(config: ResolvedConfig, options: FeedOptions, category: string): FeedSet {
  const folder = `${options.categoryBase}${slug(category) || 'category'}/`;
  return {
    title: `${siteTitle(config, options)}: ${category}`,
    description: `Everything filed under ${category}`,
    home: folder,
    paths: pathsIn(folder, options),
  };
}

/** An autodiscovery link: what `<link rel="alternate">` needs, plus the absolute URL for visible links. */
export interface FeedLink {
  rel: 'alternate';
  type: string;
  title: string;
  /** Site-absolute ('/feed.xml'), like every other URL the theme writes. */
  href: string;
  /** Absolute ('https://example.org/feed.xml'), for "copy this into your reader". */
  url: string;
  format: FeedFormat;
}

/** What a layout has at hand (a `LayoutContext` fits). */
export interface FeedLinkContext {
  config: ResolvedConfig;
  page?: Page;
  site?: Site;
}

function linksOf(set: FeedSet, config: ResolvedConfig): FeedLink[] {
  return FEED_FORMATS.map((format) => ({
    rel: 'alternate',
    type: FEED_TYPES[format],
    title: `${set.title} (${FORMAT_NAMES[format]})`,
    href: set.paths[format],
    url: config.url + set.paths[format],
    format,
  }));
}

/**
 * The feed section of a resolved config (validated when the config loaded), or undefined when the
 * plugin is off (`feed: false` in site.config.ts, or not registered): then there are no feeds to link to.
 * No schema here: the theme imports this module, and zod would weigh more than the theme itself.
 */
export function feedOptionsOf(config: ResolvedConfig): FeedOptions | undefined {
  return config.pluginOptions?.feed as FeedOptions | undefined;
}

/**
 * The feeds a page should advertise: the site's (RSS first), then its issue's and its category's when
 * those are built; none when the feed plugin is off.
 */
export function feedSetsFor({ config, page, site }: FeedLinkContext): FeedSet[] {
  const options = feedOptionsOf(config);
  if (!options) return [];
  const sets = [siteFeed(config, options)];
  if (!page) return sets;
  if (options.perIssue && options.kinds.includes('zine-part')) {
    const issue = page.kind === 'zine-issue' ? page : page.issue ? site?.byId.get(page.issue) : undefined;
    if (issue) sets.push(issueFeed(config, options, issue));
  }
  const inFeeds = (options.kinds as string[]).includes(page.kind);
  if (options.perCategory && page.category && inFeeds) sets.push(categoryFeed(config, options, page.category));
  return sets;
}

/** Autodiscovery links for a page (pass the layout context), e.g. for a visible "Subscribe" list. */
export function feedLinks(context: FeedLinkContext): FeedLink[] {
  return feedSetsFor(context).flatMap((set) => linksOf(set, context.config));
}

/** The same as `<link rel="alternate" type=… title=… href=…>` elements for the document head. */
export function feedLinkElements(context: FeedLinkContext): Element[] {
  return feedLinks(context).map((link) => h('link', { rel: link.rel, type: link.type, title: link.title, href: link.href }));
}
