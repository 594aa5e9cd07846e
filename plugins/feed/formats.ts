/**
 * RSS 2.0, Atom and JSON Feed 1.1 from the same entries, written by the `feed` package.
 *
 * `feed` (v6, through xml-js) has quirks this module works around, each tested:
 * - text nodes are "desanitised" (`&amp;` → `&`) before escaping, so a literal "&amp;" would lose its
 *   escaping: text handed to it has `&` pre-escaped once (`xmlText`);
 * - CDATA only splits the first `]]>`: HTML content never holds one (content.ts), Atom's HTML title and
 *   summary are escaped, and the RSS title is written as escaped text instead of CDATA;
 * - attributes are not escaped beyond `&` and `"`: angle brackets in an Atom category term are dropped;
 * - Atom enclosure types are guessed from the file extension ('image/svg'): the real type is put back;
 * - JSON Feed comes out as version 1 with one author: it is completed to 1.1 (`authors`, `language`,
 *   `attachments`).
 * Dates: RSS `pubDate` is `Date#toUTCString()` (RFC 822 with GMT), Atom and JSON use `toISOString()`
 * (RFC 3339, UTC): neither depends on the build machine's time zone.
 */
import { Feed, type Author, type Item } from 'feed';
import type { ResolvedConfig } from '../../src/types.ts';
import { enclosureOf, type FeedAuthor, type FeedEntry } from './items.ts';
import type { FeedFormat, FeedSet } from './links.ts';
import { cleanText, escapeHtml } from './text.ts';

export interface FeedDocument {
  config: ResolvedConfig;
  set: FeedSet;
  entries: FeedEntry[];
}

const GENERATOR = 'solarpress';

/** Text for a field xml-js writes as a text node (see the module comment). */
function xmlText(value: string): string {
  return cleanText(value).replace(/&/g, '&amp;');
}

/** A value for an attribute `feed` writes: it escapes `&` itself, xml-js `"`; `<` cannot be written (nor `>`, for symmetry). */
function attributeText(value: string): string {
  return cleanText(value).replace(/[<>]/g, '');
}

function absolute(config: ResolvedConfig, path: string): string {
  return config.url + path;
}

/** The newest change among the entries: the feed's own date, so an unchanged site gives the same bytes. */
function lastUpdated(entries: FeedEntry[]): Date {
  const times = entries.map((e) => e.updated.getTime());
  return times.length > 0 ? new Date(Math.max(...times)) : new Date(0);
}

function copyright(config: ResolvedConfig): string {
  return `${config.license.name} (${config.license.url})`;
}

function siteAuthor(config: ResolvedConfig, text: (s: string) => string): Author {
  return { name: text(config.author.name), email: config.author.email && text(config.author.email), link: config.author.url };
}

function authorsFor(authors: FeedAuthor[], text: (s: string) => string): Author[] {
  return authors.map((a) => ({ name: text(a.name), email: a.email && text(a.email), link: a.url }));
}

export function renderRss({ config, set, entries }: FeedDocument): string {
  const feed = new Feed({
    title: xmlText(set.title),
    description: xmlText(set.description),
    id: absolute(config, set.home),
    link: absolute(config, set.home),
    language: xmlText(config.language),
    copyright: xmlText(copyright(config)),
    updated: lastUpdated(entries),
    generator: GENERATOR,
    feedLinks: { rss: absolute(config, set.paths.rss) },
  });
  for (const entry of entries) {
    const item: Item = {
      title: entry.title,
      link: entry.url, // no id: the guid is the permalink, isPermaLink="true"
      // RSS 2.0 has one date: pubDate, the publication (`feed` takes `published` over `date`).
      date: entry.updated,
      published: entry.date,
      description: escapeHtml(entry.summary),
      content: entry.html,
      category: entry.categories.map((name) => ({ name: xmlText(name) })),
      extensions: [
        // Replaces the CDATA title `feed` writes (see the module comment).
        { name: 'title', objects: { _text: xmlText(entry.title) } },
        // RSS <author> must be an e-mail address; Dublin Core's creator takes a name.
        // (xml-js writes an array as repeated elements.)
        { name: 'dc:creator', objects: entry.authors.map((a) => ({ _text: xmlText(a.name) })) as unknown as Record<string, unknown> },
      ],
    };
    const enclosure = enclosureOf(entry);
    if (enclosure) item.enclosure = { url: enclosure.url, type: enclosure.type, length: enclosure.bytes };
    feed.addItem(item);
  }
  return feed.rss2();
}

/** What `feed` writes as an Atom enclosure's type: 'image/' and the file extension. */
function guessedType(url: string): string {
  return `image/${new URL(url).pathname.split('.').slice(-1)[0]}`;
}

export function renderAtom({ config, set, entries }: FeedDocument): string {
  const feed = new Feed({
    id: absolute(config, set.home),
    title: xmlText(set.title),
    description: xmlText(set.description),
    link: absolute(config, set.home),
    copyright: xmlText(copyright(config)),
    updated: lastUpdated(entries),
    generator: GENERATOR,
    author: siteAuthor(config, xmlText),
    feedLinks: { atom: absolute(config, set.paths.atom) },
  });
  for (const entry of entries) {
    feed.addItem({
      // type="html" in Atom: HTML-escaped text, which also keeps ']]>' out of the CDATA.
      title: escapeHtml(entry.title),
      id: entry.url,
      link: entry.url,
      date: entry.updated,
      published: entry.date,
      description: escapeHtml(entry.summary),
      content: entry.html,
      author: authorsFor(entry.authors, xmlText),
      category: entry.categories.map((name) => ({ term: attributeText(name) })),
      enclosure: ((e) => e && { url: e.url, type: e.type, length: e.bytes })(enclosureOf(entry)),
    });
  }
  let xml = feed.atom1();
  for (const image of entries.map(enclosureOf)) {
    if (!image || guessedType(image.url) === image.type) continue;
    const href = `href="${new URL(image.url).href.replace(/&/g, '&amp;')}"`;
    xml = xml.replaceAll(`${href} type="${guessedType(image.url)}"`, `${href} type="${escapeHtml(image.type)}"`);
  }
  return xml;
}

interface JsonAuthor {
  name?: string;
  url?: string;
}

function jsonAuthor(author: FeedAuthor | ResolvedConfig['author']): JsonAuthor {
  return { name: author.name, url: author.url ?? (author.email ? `mailto:${author.email}` : undefined) };
}

export function renderJson({ config, set, entries }: FeedDocument): string {
  const feed = new Feed({
    title: cleanText(set.title),
    description: cleanText(set.description),
    link: absolute(config, set.home),
    feedLinks: { json: absolute(config, set.paths.json) },
  });
  for (const entry of entries) {
    feed.addItem({
      id: entry.url,
      title: entry.title,
      link: entry.url,
      date: entry.updated,
      published: entry.date,
      description: entry.summary,
      content: entry.html,
      image: entry.image?.url,
      category: entry.categories.map((name) => ({ name })),
    });
  }
  // `feed` writes JSON Feed 1 with no authors: complete it to 1.1.
  const doc = JSON.parse(feed.json1()) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const items = doc.items.map((item, i) => {
    const entry = entries[i]!;
    const authors = entry.authors.map(jsonAuthor);
    return {
      ...item,
      authors,
      author: authors[0], // JSON Feed 1.0 readers know only this one
      attachments: entry.image || entry.attachments.length
        ? [...entry.attachments, ...(entry.image ? [entry.image] : [])].map((a) => ({ url: a.url, mime_type: a.type, size_in_bytes: a.bytes }))
        : undefined,
    };
  });
  const authors = [jsonAuthor(config.author)];
  return JSON.stringify(
    { ...doc, version: 'https://jsonfeed.org/version/1.1', language: config.language, authors, author: authors[0], items },
    null,
    2,
  );
}

export const RENDERERS: Record<FeedFormat, (doc: FeedDocument) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJson,
};
