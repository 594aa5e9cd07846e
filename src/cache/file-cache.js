// The table of named stores under one cache folder (after Hugo's cache/filecache): the core's
// (bodies, pages, output manifests) and the plugins' (feed, dither, precompress), each with its
// version. The build starts them together, prunes them together, and asks here whether a file it
// publishes is a cache entry, whose bytes must then be verified on the way out.
import path from 'node:path';
import { CacheStore, parseEntry } from './store.js';

export class FileCache {
  /**
   * @param {string} root the cache folder
   * @param {{ warn?: import('./store.js').Warn }} [options]
   */
  constructor(root, options = {}) {
    this.root = path.resolve(root);
    this.warn = options.warn;
    /** @type {Map<string, CacheStore>} */
    this.stores = new Map();
  }

  /**
   * The store of this name (made on first use). Asking for it with another version is a bug.
   * @param {string} name
   * @param {string} version
   * @returns {CacheStore}
   */
  store(name, version) {
    let store = this.stores.get(name);
    if (!store) {
      store = new CacheStore({ root: this.root, name, version, warn: this.warn });
      this.stores.set(name, store);
    } else if (store.version !== version) {
      throw new Error(`cache store "${name}" is asked for with version ${version} and ${store.version}`);
    }
    return store;
  }

  /** A new build: every store forgets what the last one used, and looks at its folder afresh. */
  startBuild() {
    for (const store of this.stores.values()) store.startBuild();
  }

  /** Wait for every store's background writes. */
  async flush() {
    await Promise.all([...this.stores.values()].map((store) => store.flush()));
  }

  /**
   * Prune the stores this build opened (a store nobody opened was not used, but not known unused either).
   * @param {Iterable<string>} [names] only these
   * @returns {number}
   */
  prune(names = this.stores.keys()) {
    let removed = 0;
    for (const name of names) removed += this.stores.get(name)?.prune() ?? 0;
    return removed;
  }

  /** Entries found damaged (each removed, with a warning, to be made again) since the cache was opened. */
  discarded() {
    let n = 0;
    for (const store of this.stores.values()) n += store.discarded;
    return n;
  }

  /**
   * Whether a file lies inside this cache folder.
   * @param {string} file
   */
  holds(file) {
    return file.startsWith(this.root + path.sep);
  }

  /**
   * The store and entry a file inside the cache is, if any.
   * @param {string} file
   * @returns {{ store: CacheStore, entry: import('./store.js').StoreEntry } | undefined}
   */
  entryAt(file) {
    const normal = path.normalize(file);
    if (!this.holds(normal)) return undefined;
    // Cut, not path.relative (which resolves both paths): a tenth of the time, for every file the output publishes.
    const [name, version, entryName, ...rest] = normal.slice(this.root.length + 1).split(path.sep);
    const store = this.stores.get(name);
    if (!store || rest.length > 0 || version !== `v${store.version}`) return undefined;
    const entry = parseEntry(store.dir, entryName);
    return entry && { store, entry };
  }

  /**
   * Count a file as used by this build, if it is a cache entry (a page, a feed, an image published from the cache).
   * @param {string} file
   * @returns {import('./store.js').StoreEntry | undefined} the entry it is
   */
  use(file) {
    const found = this.entryAt(file);
    if (found) found.store.used.add(found.entry.name);
    return found?.entry;
  }

  /**
   * The bytes of a cache entry at `file`, verified; undefined if it is damaged or gone (or no entry at all).
   * @param {string} file
   * @returns {Buffer | undefined}
   */
  readVerified(file) {
    const found = this.entryAt(file);
    return found?.store.read(found.entry);
  }
}
