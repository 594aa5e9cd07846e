/**
 * RSS 2.0, Atom and JSON Feed 1.1 from the same entries, written by the `feed` package.
 *
 * A document is its head and its items, and an item's bytes do not depend on the other items (xml-js
 * writes each element on its own indented line; JSON.stringify indents an array element by its depth
 * only). So each item is serialized on its own, once (`fragment`, kept by fragments.ts), and the
 * document is put together around the items (`frame`): the same bytes as `feed` writing it whole
 * (`document`), which a test checks.
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

/** What `feed` writes as an Atom enclosure's type: 'image/' and the file extension. */
function guessedType(url: string): string {
  return `image/${new URL(url).pathname.split('.').slice(-1)[0]}`;
}

/** The head of a document as `feed` takes it, without items. */
function rssHead({ config, set, entries }: FeedDocument): Feed {
  return new Feed({
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
}

function rssItem(entry: FeedEntry): Item {
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
  return item;
}

function atomHead({ config, set, entries }: FeedDocument): Feed {
  return new Feed({
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
}

function atomItem(entry: FeedEntry): Item {
  return {
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
  };
}

/** Puts back the real type of the entries' enclosures where `feed` guessed another. */
function atomTypes(xml: string, entries: FeedEntry[]): string {
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

function jsonHead({ config, set }: FeedDocument): Feed {
  return new Feed({
    title: cleanText(set.title),
    description: cleanText(set.description),
    link: absolute(config, set.home),
    feedLinks: { json: absolute(config, set.paths.json) },
  });
}

function jsonItem(entry: FeedEntry): Item {
  return {
    id: entry.url,
    title: entry.title,
    link: entry.url,
    date: entry.updated,
    published: entry.date,
    description: entry.summary,
    content: entry.html,
    image: entry.image?.url,
    category: entry.categories.map((name) => ({ name })),
  };
}

type JsonObject = Record<string, unknown>;

/** `feed` writes JSON Feed 1 with no authors: the document and its items completed to 1.1. */
function jsonDocument(feed: Feed, config: ResolvedConfig, entries: FeedEntry[]): JsonObject {
  const doc = JSON.parse(feed.json1()) as JsonObject & { items: JsonObject[] };
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
  return { ...doc, version: 'https://jsonfeed.org/version/1.1', language: config.language, authors, author: authors[0], items };
}

/** What a document holds around its items' fragments: before the first, between two, after the last. */
export interface DocumentFrame {
  before: string;
  between: string;
  after: string;
}

/** How a format's document is written whole, item by item, and put together from its items. */
export interface FormatWriter {
  /** The whole document, written by `feed` at once. */
  document(doc: FeedDocument): string;
  /** One entry's part of any document of the site (`doc` gives the head it is written under). */
  fragment(doc: FeedDocument, entry: FeedEntry): string;
  /**
   * The frame of a document with entries: with their fragments in order between `before` and
   * `after`, separated by `between`, the bytes of `document(doc)`.
   */
  frame(doc: FeedDocument): DocumentFrame;
}

/**
 * An item that stands in for a document's own when only the frame around items is wanted: a real
 * item's body is not rendered for it. What `feed` writes around an item depends on the document, and
 * on the item only for RSS's content namespace, declared when an item has content; every real item
 * has (items.ts falls back to the summary as a paragraph).
 */
function standIn(first: FeedEntry): FeedEntry {
  return { page: first.page, title: '', url: first.url, date: first.date, updated: first.updated, summary: '', html: '<p></p>', authors: [], categories: [], attachments: [] };
}

/** An XML format: a head, then each item as an `<element>` on its own line at the same depth. */
function xmlWriter(
  element: 'item' | 'entry',
  head: (doc: FeedDocument) => Feed,
  item: (entry: FeedEntry) => Item,
  write: (feed: Feed) => string,
  finish: (xml: string, entries: FeedEntry[]) => string = (xml) => xml,
): FormatWriter {
  const document = (doc: FeedDocument): string => {
    const feed = head(doc);
    for (const entry of doc.entries) feed.addItem(item(entry));
    return finish(write(feed), doc.entries);
  };
  /** A document of one item, split around it: no head or tail text can hold the tags (text is escaped). */
  const split = (doc: FeedDocument, entry: FeedEntry) => {
    const feed = head(doc);
    feed.addItem(item(entry));
    const xml = write(feed);
    const start = xml.lastIndexOf('\n', xml.indexOf(`<${element}>`));
    const end = xml.lastIndexOf(`</${element}>`) + element.length + 3;
    return { before: xml.slice(0, start), item: finish(xml.slice(start, end), [entry]), after: xml.slice(end) };
  };
  return {
    document,
    fragment: (doc, entry) => split({ ...doc, entries: [entry] }, entry).item,
    frame(doc) {
      const { before, after } = split(doc, standIn(doc.entries[0]!));
      return { before, between: '', after };
    },
  };
}

/** The indentation of an element of the JSON document's `items`. */
const JSON_ITEM_INDENT = '    ';

const jsonWriter: FormatWriter = {
  document: ({ config, set, entries }) => {
    const feed = jsonHead({ config, set, entries });
    for (const entry of entries) feed.addItem(jsonItem(entry));
    return JSON.stringify(jsonDocument(feed, config, entries), null, 2);
  },
  fragment({ config, set }, entry) {
    const feed = jsonHead({ config, set, entries: [entry] });
    feed.addItem(jsonItem(entry));
    const [item] = (jsonDocument(feed, config, [entry]) as { items: JsonObject[] }).items;
    return JSON.stringify(item, null, 2).replaceAll('\n', `\n${JSON_ITEM_INDENT}`);
  },
  frame(doc) {
    const empty = JSON.stringify(jsonDocument(jsonHead(doc), doc.config, []), null, 2);
    // The only `"items": []` at the document's first level (a string's quotes are escaped).
    const place = '\n  "items": []';
    const at = empty.lastIndexOf(place);
    return {
      before: `${empty.slice(0, at)}\n  "items": [\n${JSON_ITEM_INDENT}`,
      between: `,\n${JSON_ITEM_INDENT}`,
      after: `\n  ]${empty.slice(at + place.length)}`,
    };
  },
};

export const WRITERS: Record<FeedFormat, FormatWriter> = {
  rss: xmlWriter('item', rssHead, rssItem, (feed) => feed.rss2()),
  atom: xmlWriter('entry', atomHead, atomItem, (feed) => feed.atom1(), atomTypes),
  json: jsonWriter,
};
