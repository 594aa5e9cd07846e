/**
 * Feed items serialized apart from the site, in a batch: what the fragment worker (ahead.ts) is sent
 * for each item, the serializing, and what it sends back. An item's fragment in a format is the same
 * bytes whichever feed it is wanted for (fragments.ts keys it by the item alone), so the batch writes
 * each under the site's own feed.
 */
import type { Root } from 'hast';
import type { Attachment, Page, ResolvedConfig } from '../../src/types.ts';
import { WRITERS } from './formats.ts';
import { entryWith } from './items.ts';
import { FEED_FORMATS, siteFeed } from './links.ts';
import type { FeedOptions } from './options.ts';

/**
 * An item: its page with the body apart (a page's body is a getter, which a thread is not sent), and
 * the date and attachments entryOf looked up in the site.
 */
export interface JobItem {
  page: Omit<Page, 'body'>;
  body: Root | undefined;
  date: Date;
  attachments: Attachment[];
}

export interface ItemJob {
  config: ResolvedConfig;
  options: FeedOptions;
  items: JobItem[];
}

/** The items' fragments one after another in `data`, item by item and FEED_FORMATS' order within each; `ends` says where each ends. */
export interface JobResult {
  data: Uint8Array;
  ends: number[];
}

export function serializeItems({ config, options, items }: ItemJob): JobResult {
  const set = siteFeed(config, options);
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const { page, body, date, attachments } of items) {
    // The body is this batch's own copy: its feed HTML is made in place.
    const entry = entryWith({ ...page, body }, config, date, attachments, true);
    const doc = { config, set, entries: [entry] };
    for (const format of FEED_FORMATS) {
      const bytes = Buffer.from(WRITERS[format].fragment(doc, entry));
      parts.push(bytes);
      ends.push((at += bytes.length));
    }
  }
  // A buffer of its own, which can be handed to another thread whole (Buffer.concat may take a slice of Node's pool).
  const data = new Uint8Array(at);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { data, ends };
}
