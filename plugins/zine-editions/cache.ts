/**
 * The editions' cache: one entry per book in the build's `zine-editions` store (src/cache/store.js),
 * keyed by everything the book is made from. A book is made only when its key is new; an unchanged
 * issue is published from the store. The store prunes what no build used.
 */
import type { CacheStore } from '../../src/cache/store.js';

/** Bump when what the store holds changes shape. */
export const STORE_VERSION = '1';

export interface CachedBook {
  file: string;
  /** Made now (not from the cache). */
  fresh: boolean;
  /** The bytes, verified (read only when asked). */
  bytes(): Uint8Array;
}

/** The book stored under key, made by `make` and stored when missing; `label` is kept in the entry's name ('ilu-9-epub'). */
export async function cachedBook(store: CacheStore, key: string, label: string, make: () => Promise<Uint8Array>): Promise<CachedBook> {
  const found = store.find(key);
  if (found) {
    return {
      file: found.file,
      fresh: false,
      bytes: () => {
        const data = store.read(found);
        if (!data) throw new Error(`the cached ${label} went missing while the build used it; build again`);
        return data;
      },
    };
  }
  const data = await make();
  const entry = store.put(key, data, { suffix: label });
  return { file: entry.file, fresh: true, bytes: () => data };
}
