/**
 * Each item's serialized part of a feed, per format, made once: by everything the item is made of
 * (the page's content hash, its URL, its metadata, the site's settings that show in it). A document
 * is put together as bytes around its items' fragments (formats.ts gives the frame) and says where
 * each fragment lies in it. The documents a build wrote are the next build's fragments: after an edit
 * it takes the items that did not change from them (write.ts keeps them in the feed store; one read
 * of each document, no file per item) and serializes only the others.
 */
import { hash } from 'node:crypto';
import type { CacheStore } from '../../src/cache/store.js';
import { pageMetadata } from '../../src/site.ts';
import type { ResolvedConfig } from '../../src/types.ts';
import type { FeedDocument } from './formats.ts';
import { WRITERS } from './formats.ts';
import type { FeedEntry } from './items.ts';
import type { FeedFormat } from './links.ts';

/** Where an item's fragment lies in a document's bytes: its key, its first byte and its end. */
export type FragmentPlace = [key: string, start: number, end: number];

/** A document's bytes and where its items' fragments lie in them (an item without a key is not listed). */
export interface DocumentBytes {
  data: Buffer;
  places: FragmentPlace[];
}

/** Fragments made before this build, by key. */
export interface FragmentSource {
  get(key: string): Buffer | undefined;
}

/** The site settings an item shows (its links' host, the site author's e-mail and URL), by config. */
const itemSettings = new WeakMap<ResolvedConfig, string>();

/**
 * The hash of what an entry's fragments are made from, or undefined when the page has no content hash
 * to key it by: the page's metadata (title, summary, dates, authors, category, tags, lead image: the
 * JSON the state hash in write.ts reads too), its body (content hash), its date in the feeds (a zine
 * part's is its issue's), its attachments and the site settings it shows. Taken from the page, not
 * from the entry's fields: those are worked out only for an item serialized again.
 */
function entryHash(entry: FeedEntry, config: ResolvedConfig): string | undefined {
  const page = entry.page;
  if (!page.contentHash) return undefined;
  let settings = itemSettings.get(config);
  if (settings === undefined) itemSettings.set(config, (settings = JSON.stringify([config.url, config.author])));
  const inputs = [settings, entry.url, entry.date.getTime(), entry.updated.getTime(), page.contentHash, JSON.stringify(entry.attachments), pageMetadata(page)];
  return hash('sha256', inputs.join('\0')).slice(0, 32);
}

export class ItemFragments {
  /** Fragments serialized by this object (not found in memory or among the earlier ones). */
  serialized = 0;
  private readonly known = new Map<string, Buffer>();
  private readonly hashes = new Map<FeedEntry, string | undefined>();

  /** @param earlier fragments of an earlier build; without them, fragments are kept for this object's life. */
  constructor(private readonly earlier?: FragmentSource) {}

  /** The entry's fragment in the format, and its key; `doc` is the document it is wanted for. */
  of(format: FeedFormat, doc: FeedDocument, entry: FeedEntry): { key: string | undefined; bytes: Buffer } {
    if (!this.hashes.has(entry)) this.hashes.set(entry, entryHash(entry, doc.config));
    const hash = this.hashes.get(entry);
    const key = hash === undefined ? undefined : `${format}-${hash}`;
    const known = key === undefined ? undefined : (this.known.get(key) ?? this.earlier?.get(key));
    if (known !== undefined) {
      this.known.set(key!, known);
      return { key, bytes: known };
    }
    const bytes = Buffer.from(WRITERS[format].fragment(doc, entry));
    this.serialized++;
    if (key !== undefined) this.known.set(key, bytes);
    return { key, bytes };
  }

  /** The whole document, from the fragments of its entries. */
  document(format: FeedFormat, doc: FeedDocument): DocumentBytes {
    const writer = WRITERS[format];
    // With no item, the head differs (RSS declares its content namespaces only when an item uses them).
    if (doc.entries.length === 0) return { data: Buffer.from(writer.document(doc)), places: [] };
    const frame = writer.frame(doc);
    const between = Buffer.from(frame.between);
    const parts: Buffer[] = [Buffer.from(frame.before)];
    const places: FragmentPlace[] = [];
    let at = parts[0]!.length;
    for (const [i, entry] of doc.entries.entries()) {
      if (i > 0) {
        parts.push(between);
        at += between.length;
      }
      const { key, bytes } = this.of(format, doc, entry);
      if (key !== undefined) places.push([key, at, at + bytes.length]);
      parts.push(bytes);
      at += bytes.length;
    }
    parts.push(Buffer.from(frame.after));
    return { data: Buffer.concat(parts), places };
  }
}

/** A document kept in a store: its entry's key and name, and where its fragments lie. */
export interface StoredDocument {
  key: string;
  name: string;
  places: FragmentPlace[];
}

/**
 * The fragments of documents kept in a store. A document is read (and verified) once, when one of its
 * fragments is first wanted; one that is gone or damaged (removed, with the store's warning) has none.
 */
export class StoredFragments implements FragmentSource {
  private readonly where = new Map<string, Array<{ document: StoredDocument; start: number; end: number }>>();
  private readonly read = new Map<StoredDocument, Buffer | undefined>();

  constructor(private readonly store: CacheStore, documents: StoredDocument[]) {
    for (const document of documents) {
      for (const [key, start, end] of document.places) {
        let places = this.where.get(key);
        if (!places) this.where.set(key, (places = []));
        places.push({ document, start, end });
      }
    }
  }

  get(key: string): Buffer | undefined {
    for (const { document, start, end } of this.where.get(key) ?? []) {
      const data = this.bytesOf(document);
      if (data && end <= data.length) return data.subarray(start, end);
    }
    return undefined;
  }

  private bytesOf(document: StoredDocument): Buffer | undefined {
    if (!this.read.has(document)) {
      const entry = this.store.find(document.key);
      this.read.set(document, entry?.name === document.name ? this.store.read(entry) : undefined);
    }
    return this.read.get(document);
  }
}
