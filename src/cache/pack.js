// A pack: one entry of a store holding many small records (a body per page, a parsed source per
// file), instead of an entry each. Writing and reading a thousand small files costs a build most of a
// second; one file of a few megabytes costs milliseconds. A builder reads the pack once and keeps it in
// memory; a build that made new records writes a new pack of exactly the records it used, so the pack
// never holds more than one site's worth. Damage is the store's business: a pack that does not verify
// reads as empty, with a warning.
import { deserialize, serialize } from 'node:v8';

const ENTRY = 'pack';

export class RecordPack {
  /**
   * @param {import('./store.js').CacheStore} store
   * @param {string} [entry] the entry's key in the store, for a store holding several packs
   */
  constructor(store, entry = ENTRY) {
    this.store = store;
    this.entry = entry;
    /** @type {Map<string, Uint8Array>} key → record bytes, as read or as put */
    this.records = readPack(store.get(entry));
    /** @type {Set<string>} */
    this.used = new Set();
    this.fresh = false;
  }

  /**
   * The record stored under key (not yet counted as used: see use()).
   * @param {string} key
   * @returns {Uint8Array | undefined}
   */
  get(key) {
    return this.records.get(key);
  }

  /**
   * This build uses the record: it goes into the next pack.
   * @param {string} key
   */
  use(key) {
    this.used.add(key);
  }

  /**
   * @param {string} key
   * @param {Uint8Array} record
   */
  put(key, record) {
    this.records.set(key, record);
    this.used.add(key);
    this.fresh = true;
  }

  /**
   * End of a successful build: forget the records it did not use.
   * @returns {string[]} the keys forgotten
   */
  endBuild() {
    const dropped = [];
    for (const key of this.records.keys()) {
      if (this.used.has(key)) continue;
      this.records.delete(key);
      dropped.push(key);
    }
    this.used.clear();
    return dropped;
  }

  /**
   * Write the records kept as the new pack (in the background: the cache's flush() waits for it) if
   * any is new since the last. Otherwise the pack read stays, and counts as used.
   */
  write() {
    if (!this.fresh) {
      this.store.find(this.entry);
      return;
    }
    this.fresh = false;
    const pack = new Map([...this.records].sort(([a], [b]) => (a < b ? -1 : 1)));
    this.store.putLater(this.entry, serialize(pack));
  }
}

/**
 * A missing or damaged pack is an empty one.
 * @param {Buffer | undefined} data
 * @returns {Map<string, Uint8Array>}
 */
function readPack(data) {
  if (!data) return new Map();
  try {
    const pack = deserialize(data);
    if (pack instanceof Map) return pack;
  } catch {
    // fall through
  }
  return new Map();
}
