/**
 * Each item's serialized part of a feed, per format, made once: by everything the item is made of
 * (the page's content hash, its URL, its metadata, the site's settings that show in it), kept in the
 * feed's cache store. A build after an edit serializes only the items that changed; the documents are
 * put together around the rest (formats.ts).
 */
import { createHash } from 'node:crypto';
import type { CacheStore } from '../../src/cache/store.js';
import type { FeedDocument } from './formats.ts';
import { WRITERS } from './formats.ts';
import type { FeedEntry } from './items.ts';
import type { FeedFormat } from './links.ts';

/** The store key of an entry's fragment in a format, or undefined when the page has no content hash to key it by. */
function fragmentKey(format: FeedFormat, entry: FeedEntry): string | undefined {
  const page = entry.page;
  if (!page.contentHash) return undefined;
  // The summary and HTML are made from the body (its content hash), the page's own summary and the URL.
  const inputs = [
    entry.title,
    entry.url,
    entry.date.getTime(),
    entry.updated.getTime(),
    page.summary ?? null,
    page.contentHash,
    entry.authors,
    entry.categories,
    entry.image ?? null,
    entry.attachments,
  ];
  return `${format}-${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 32)}`;
}

export class ItemFragments {
  /** Fragments serialized by this object (not found in memory or in the store). */
  serialized = 0;
  private readonly known = new Map<string, string>();

  /** @param store where fragments outlive the build; without one, they are kept for this object's life. */
  constructor(private readonly store?: CacheStore) {}

  /** The entry's fragment in the format; `doc` is the document it is wanted for. */
  of(format: FeedFormat, doc: FeedDocument, entry: FeedEntry): string {
    const key = fragmentKey(format, entry);
    const known = key === undefined ? undefined : (this.known.get(key) ?? this.store?.get(key)?.toString('utf8'));
    if (known !== undefined) {
      this.known.set(key!, known);
      return known;
    }
    const made = WRITERS[format].fragment(doc, entry);
    this.serialized++;
    if (key !== undefined) {
      this.known.set(key, made);
      this.store?.putLater(key, made);
    }
    return made;
  }

  /** The whole document, from the fragments of its entries. */
  document(format: FeedFormat, doc: FeedDocument): string {
    return WRITERS[format].assemble(doc, doc.entries.map((entry) => this.of(format, doc, entry)));
  }
}
