/**
 * Feed items: which pages go in, in what order, and what a reader gets of each. One format-neutral
 * model; formats.ts turns it into RSS, Atom and JSON Feed.
 */
import type { Element, Root } from 'hast';
import { EXIT, SKIP, visit } from 'unist-util-visit';
import type { Logger, Page, ResolvedConfig, Site } from '../../src/types.ts';
import { absoluteUrl, feedHtml } from './content.ts';
import type { FeedOptions } from './options.ts';
import { cleanText, escapeHtml } from './text.ts';

export interface FeedAuthor {
  name: string;
  email?: string;
  url?: string;
}

export interface FeedEnclosure {
  /** Absolute URL of the published (dithered) file. */
  url: string;
  type: string;
  bytes: number;
}

export interface FeedEntry {
  page: Page;
  /** Plain text, cleaned of characters XML cannot carry. */
  title: string;
  /** Absolute permalink: link, guid and id. */
  url: string;
  /** Published: the page's date; a zine part's issue date. */
  date: Date;
  /** Last changed: the page's `updated`, else its date. */
  updated: Date;
  /** Plain text. */
  summary: string;
  /** The full body as feed HTML (absolute URLs, no scripts or theme controls), safe in CDATA. */
  html: string;
  authors: FeedAuthor[];
  /** The page's category then its tags, without duplicates. */
  categories: string[];
  /** The lead image. */
  image?: FeedEnclosure;
  /** Files published for the page (a zine issue's EPUB), from `site.attachments`. */
  attachments: FeedEnclosure[];
}

/** The item's one RSS/Atom enclosure: a published download if the page has one, else its lead image. */
export function enclosureOf(entry: FeedEntry): FeedEnclosure | undefined {
  return entry.attachments[0] ?? entry.image;
}

const SUMMARY_LENGTH = 280;

/** A footnote reference (`<sup><a data-footnote-ref>1</a></sup>`): its number means nothing in a summary. */
function isFootnoteRef(node: Element): boolean {
  if (node.properties.dataFootnoteRef !== undefined) return true;
  return node.tagName === 'sup' && node.children.some((c) => c.type === 'element' && isFootnoteRef(c));
}

/** The text of a paragraph, without footnote references. */
function paragraphText(paragraph: Element): string {
  let text = '';
  visit(paragraph, (node) => {
    if (node.type === 'element' && isFootnoteRef(node)) return SKIP;
    if (node.type === 'text') text += node.value;
  });
  return text.replace(/\s+/g, ' ').trim();
}

/** The first paragraph's text, cut at a word near SUMMARY_LENGTH characters. */
function summaryFromBody(body: Root | undefined): string {
  let text = '';
  if (body) {
    visit(body, 'element', (node: Element) => {
      if (node.tagName !== 'p') return;
      text = paragraphText(node);
      return text ? EXIT : SKIP; // stop at the first paragraph with words
    });
  }
  if (text.length <= SUMMARY_LENGTH) return text;
  const cut = text.slice(0, SUMMARY_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

function authorsOf(page: Page, config: ResolvedConfig): FeedAuthor[] {
  const names = page.authors.length > 0 ? page.authors : [config.author.name];
  return names.map((raw) => {
    const name = cleanText(raw);
    if (raw !== config.author.name) return { name };
    return { name, email: config.author.email, url: config.author.url };
  });
}

/** When the page was published, for the feed: zine parts take their issue's date (they came out together). */
function publishedOf(page: Page, site: Site): Date | undefined {
  if (page.kind === 'zine-part' && page.issue) return site.byId.get(page.issue)?.date ?? page.date;
  return page.date;
}

/** Newest first; parts of one issue in print order; then by URL, so the order never depends on input order. */
export function compareEntries(a: FeedEntry, b: FeedEntry): number {
  const byDate = b.date.getTime() - a.date.getTime();
  if (byDate !== 0) return byDate;
  if (a.page.issue && a.page.issue === b.page.issue) {
    const byOrder = (a.page.order ?? Number.MAX_SAFE_INTEGER) - (b.page.order ?? Number.MAX_SAFE_INTEGER);
    if (byOrder !== 0) return byOrder;
  }
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
}

export interface EntryContext {
  site: Site;
  options: FeedOptions;
  /** Include drafts (a `--drafts` preview); never in a normal build. */
  drafts: boolean;
  log: Pick<Logger, 'warn'>;
}

/**
 * An item's HTML by the page's content hash: the preview server rebuilds the feeds on every save,
 * and only the saved page needs its content transformed again.
 */
const htmlMemo = new Map<string, string>();
function itemHtml(page: Page, pageUrl: string, siteUrl: string): string {
  const key = page.contentHash ? `${page.contentHash}\0${pageUrl}\0${siteUrl}` : undefined;
  const known = key === undefined ? undefined : htmlMemo.get(key);
  if (known !== undefined) return known;
  const html = feedHtml(page.body!, { pageUrl, siteUrl });
  if (key !== undefined) htmlMemo.set(key, html);
  return html;
}

/** The page's lead image as an enclosure, if its URL resolves. */
function leadImageOf(page: Page, pageUrl: string, siteUrl: string): FeedEnclosure | undefined {
  const lead = page.leadImage;
  const href = lead && absoluteUrl(lead.url, { pageUrl, siteUrl });
  return lead && href ? { url: href, type: lead.type, bytes: lead.bytes } : undefined;
}

/** The feed entry of one page, or undefined (with a warning) when it has no date to file it under. */
export function entryOf(page: Page, { site, log }: Pick<EntryContext, 'site' | 'log'>): FeedEntry | undefined {
  const config = site.config;
  const date = publishedOf(page, site);
  if (!date || Number.isNaN(date.getTime())) {
    log.warn(`feed: "${page.title}" has no date, so it is left out of the feeds; give it a date in its front matter`, {
      file: page.source ?? page.id,
    });
    return undefined;
  }
  const url = config.url + page.url;
  // Title, authors, categories, image, summary and HTML are worked out when an item is serialized:
  // after an edit, the items taken from the last build's feeds (fragments.ts) need none of them, and a
  // limited feed (the preview keeps 30) never walks the bodies of the pages it leaves out.
  let title: string | undefined;
  let authors: FeedAuthor[] | undefined;
  let categories: string[] | undefined;
  let image: { value: FeedEnclosure | undefined } | undefined;
  let summary: string | undefined;
  let html: string | undefined;
  return {
    page,
    get title() {
      return (title ??= cleanText(page.title));
    },
    url,
    date,
    updated: page.updated ?? date,
    get summary() {
      return (summary ??= cleanText(page.summary ?? summaryFromBody(page.body)));
    },
    get html() {
      if (html === undefined) {
        const body = page.body ? itemHtml(page, url, config.url) : '';
        // A reader shows nothing for an empty item: fall back to the summary.
        html = body.trim() ? body : `<p>${escapeHtml(this.summary)}</p>`;
      }
      return html;
    },
    get authors() {
      return (authors ??= authorsOf(page, config));
    },
    get categories() {
      return (categories ??= [...new Set([page.category, ...page.tags].filter((c): c is string => !!c).map(cleanText))]);
    },
    get image() {
      image ??= { value: leadImageOf(page, url, config.url) };
      return image.value;
    },
    attachments: (site.attachments?.get(page.id) ?? []).flatMap((a) => {
      const href = absoluteUrl(a.url, { pageUrl: url, siteUrl: config.url });
      return href ? [{ url: href, type: a.type, bytes: a.bytes }] : [];
    }),
  };
}

/**
 * Entries by page: the core keeps a page object while its source and body are unchanged, so the
 * preview server's rebuilds make an entry only for the saved page (a zine part's also depends on its
 * issue's page, for the date).
 */
const entryMemo = new WeakMap<Page, { config: ResolvedConfig; issue: Page | undefined; attachments: string; entry: FeedEntry }>();

/** Every page that goes into the feeds, as entries, newest first (not limited: see `limitEntries`). */
export function feedEntries(context: EntryContext): FeedEntry[] {
  const { site, options, drafts } = context;
  const kinds = new Set<string>(options.kinds);
  const entries: FeedEntry[] = [];
  for (const page of site.pages) {
    if (page.kind === 'generated' || !kinds.has(page.kind) || (page.draft && !drafts)) continue;
    const issue = page.issue === undefined ? undefined : site.byId.get(page.issue);
    const known = entryMemo.get(page);
    const attachments = JSON.stringify(site.attachments?.get(page.id) ?? []);
    let entry = known && known.config === site.config && known.issue === issue && known.attachments === attachments ? known.entry : undefined;
    if (!entry) {
      entry = entryOf(page, context);
      if (entry) entryMemo.set(page, { config: site.config, issue, attachments, entry });
    }
    if (entry) entries.push(entry);
  }
  return entries.sort(compareEntries);
}

export function limitEntries(entries: FeedEntry[], options: FeedOptions): FeedEntry[] {
  return options.limit === undefined ? entries : entries.slice(0, options.limit);
}
