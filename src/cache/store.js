// One named cache store: a folder of entries, each named `<key>.<hash>[.<suffix>]`, where hash is
// the content hash of its bytes. Plain JavaScript: the launcher's bundle cache (src/bundle.js) uses
// it before any TypeScript loads, and so do the core, the plugins and their worker threads.
//
// - Versions: a store's entries live in `<root>/<name>/v<version>/`; a new version starts empty.
// - Atomic writes: every entry is written under a temporary name and renamed in (./atomic.js).
// - Verified reads: read() checks the bytes against the hash in the name. A damaged or vanished
//   entry is removed, with a warning, and reads as a miss, so its maker makes it again.
// - Used keys: every entry a build finds, reads or writes is remembered as used.
// - One pruning rule (prune()): whatever is in the store's folder that this build did not use and
//   nobody wrote for GRACE_MS is deleted (old versions and leftover temporary files included). The
//   grace period keeps what another build sharing the cache has just written.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { renameFolderIntoPlace, tempBeside, writeAtomic, writeAtomicAsync } from './atomic.js';
import { contentHash, HASH_LENGTH } from './hash.js';
import { joinNormal } from '../join-normal.js';

/** What no build used for this long is deleted when a build prunes. */
export const GRACE_MS = 60 * 60 * 1000;

const NAME_PART = /^[A-Za-z0-9_-]+$/;
const ENTRY_NAME = new RegExp(`^([A-Za-z0-9_-]+)\\.([0-9a-f]{${HASH_LENGTH}})(?:\\.([A-Za-z0-9_-]+))?$`);

/**
 * @typedef {object} StoreEntry
 * @property {string} key what the entry is looked up by
 * @property {string} hash content hash of its bytes (of its files, for a folder entry)
 * @property {string} [suffix] a short label kept in the name, read without opening the entry
 * @property {string} name its file (or folder) name
 * @property {string} file its absolute path
 */

/**
 * @typedef {object} StoreLocation
 * @property {string} root the cache folder holding every store
 * @property {string} name
 * @property {string} version
 */

/** @typedef {(message: string, file: string) => void} Warn */

/**
 * The entry a file name stands for, if it is one.
 * @param {string} dir a store's folder (normalized, absolute)
 * @param {string} name
 * @returns {StoreEntry | undefined}
 */
export function parseEntry(dir, name) {
  const match = ENTRY_NAME.exec(name);
  if (!match) return undefined;
  return { key: match[1], hash: match[2], suffix: match[3], name, file: joinNormal(dir, name) };
}

/**
 * The hash of a folder entry: of its files' relative names and content hashes.
 * @param {Iterable<[string, Uint8Array]>} files
 */
function folderHash(files) {
  const lines = [...files].map(([relative, data]) => `${relative}\0${contentHash(data)}`).sort();
  return contentHash(lines.join('\n'));
}

export class CacheStore {
  /**
   * @param {StoreLocation & { warn?: Warn }} options
   */
  constructor({ root, name, version, warn }) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`cache store "${name}": use lower-case letters, digits and dashes`);
    if (!NAME_PART.test(version)) throw new Error(`cache store "${name}": version "${version}" may hold letters, digits, - and _ only`);
    /** @type {StoreLocation} */
    this.location = { root, name, version };
    this.name = name;
    this.version = version;
    /** The store's own folder, holding one folder per version. */
    this.top = path.join(root, name);
    /** The folder of this version's entries. */
    this.dir = path.join(this.top, `v${version}`);
    /** @type {Set<string>} names of the entries this build used */
    this.used = new Set();
    /** @type {Map<string, StoreEntry> | undefined} key → entry, from one directory read */
    this.listing = undefined;
    /** @type {Promise<void>[]} */
    this.pending = [];
    /** @type {Map<string, string | Uint8Array>} entries put later whose files are not written yet, by name: read() answers from (a copy of) them */
    this.writing = new Map();
    /** @type {Promise<unknown> | undefined} */
    this.madeDir = undefined;
    /** Entries found damaged (and removed) by this store since it was opened. */
    this.discarded = 0;
    /** @type {Warn} */
    this.warn = warn ?? ((message, file) => process.stderr.write(`warning: ${file}: ${message}\n`));
  }

  /** A new build: it uses nothing yet, and looks at the folder afresh. */
  startBuild() {
    this.used.clear();
    this.listing = undefined;
  }

  /**
   * The entry stored under key, if any (not read: see read()). Counts as used.
   * @param {string} key
   * @returns {StoreEntry | undefined}
   */
  find(key) {
    const entry = this.list().get(key);
    if (entry) this.used.add(entry.name);
    return entry;
  }

  /**
   * The entry's bytes if they are the ones it was written with; undefined (after a warning, and with
   * the entry removed) if not, or if it is gone.
   * @param {StoreEntry} entry
   * @returns {Buffer | undefined}
   */
  read(entry) {
    const waiting = this.writing.get(entry.name);
    if (waiting) {
      this.used.add(entry.name);
      return Buffer.from(waiting);
    }
    let data;
    try {
      data = readFileSync(entry.file);
    } catch {
      this.forget(entry);
      return undefined;
    }
    if (contentHash(data) !== entry.hash) {
      this.discard(entry);
      return undefined;
    }
    this.used.add(entry.name);
    return data;
  }

  /**
   * find() then read().
   * @param {string} key
   * @returns {Buffer | undefined}
   */
  get(key) {
    const entry = this.find(key);
    return entry && this.read(entry);
  }

  /**
   * The JSON value stored under key; undefined when there is none or it does not parse (a damaged or
   * older record: the caller works it out again). The caller checks that it has the shape it wants.
   * @param {string} key
   * @returns {unknown}
   */
  getJson(key) {
    const data = this.get(key);
    if (!data) return undefined;
    try {
      return JSON.parse(data.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /**
   * Store data under key (replacing what the key held), atomically, now.
   * @param {string} key
   * @param {string | Uint8Array} data
   * @param {{ suffix?: string }} [options]
   * @returns {StoreEntry}
   */
  put(key, data, options = {}) {
    const entry = this.entryFor(key, contentHash(data), options.suffix);
    const replaced = this.replaced(entry);
    // A file by that name may be a damaged copy of these bytes (its maker is asked again because a
    // record naming it was damaged): kept, it would fail every read until the cache is deleted.
    if (existsSync(entry.file) && !holdsBytes(entry.file, data)) this.discard(entry);
    if (!existsSync(entry.file)) {
      this.makeDir();
      writeAtomic(entry.file, data);
    }
    this.remove(replaced);
    return this.remember(entry);
  }

  /**
   * put() in the background: the entry is known at once, its file is there after flush().
   * @param {string} key
   * @param {string | Uint8Array} data
   * @param {{ suffix?: string }} [options]
   * @returns {StoreEntry}
   */
  putLater(key, data, options = {}) {
    const entry = this.entryFor(key, contentHash(data), options.suffix);
    const replaced = this.replaced(entry);
    this.madeDir ??= mkdir(this.dir, { recursive: true }).catch(() => this.makeDir());
    // Not copied: writeAtomicAsync writes these same bytes, so the caller must leave them alone anyway.
    this.writing.set(entry.name, data);
    const written = this.madeDir
      .then(() => writeAtomicAsync(entry.file, data))
      .then(() => this.writing.delete(entry.name))
      .then(() => Promise.all(replaced.map((old) => rm(old.file, { recursive: true, force: true }))))
      .then(() => undefined);
    // flush() reports a failed write; one that no flush() waits for (a build that failed first, or
    // work that ended after its last flush) is only a cache entry less, never an unhandled rejection.
    written.catch(() => {});
    this.pending.push(written);
    return this.remember(entry);
  }

  /** Wait for every putLater() so far. */
  async flush() {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /**
   * A folder entry (several files that must sit together, e.g. a bundle's chunks), made whole
   * beside its place and renamed in.
   * @param {string} key
   * @param {Iterable<[string, Uint8Array]>} files relative (posix) path → bytes
   * @returns {StoreEntry}
   */
  putFolder(key, files) {
    const list = [...files];
    const entry = this.entryFor(key, folderHash(list));
    const replaced = this.replaced(entry);
    if (!existsSync(entry.file)) {
      this.makeDir();
      const temp = tempBeside(entry.file);
      for (const [relative, data] of list) {
        mkdirSync(path.dirname(path.join(temp, relative)), { recursive: true });
        writeAtomic(path.join(temp, relative), data);
      }
      renameFolderIntoPlace(temp, entry.file);
    }
    this.remove(replaced);
    return this.remember(entry);
  }

  /**
   * Whether a folder entry holds exactly the files it was written with (else it is removed, with a warning).
   * @param {StoreEntry} entry
   * @returns {boolean}
   */
  verifyFolder(entry) {
    /** @type {[string, Uint8Array][]} */
    const files = [];
    try {
      for (const dirent of readdirSync(entry.file, { withFileTypes: true, recursive: true })) {
        if (!dirent.isFile()) continue;
        const absolute = path.join(dirent.parentPath, dirent.name);
        files.push([path.relative(entry.file, absolute).split(path.sep).join('/'), readFileSync(absolute)]);
      }
    } catch {
      this.forget(entry);
      return false;
    }
    if (folderHash(files) !== entry.hash) {
      this.discard(entry);
      return false;
    }
    this.used.add(entry.name);
    return true;
  }

  /**
   * Make the version's folder. A file where the store's folder or the version's goes is damage
   * (the cache writes only folders there): removed with a warning, instead of failing every build.
   */
  makeDir() {
    try {
      mkdirSync(this.dir, { recursive: true });
      return;
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      if (code !== 'ENOTDIR' && code !== 'EEXIST') throw error;
    }
    for (const folder of [this.top, this.dir]) {
      if (statSync(folder, { throwIfNoEntry: false })?.isDirectory() === false) {
        this.discarded++;
        this.warn('damaged cache: a file where a folder of the cache goes: removed, to be made again', folder);
        rmSync(folder, { force: true });
      }
    }
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Count an entry as used by this build (and known, if another thread wrote it).
   * @param {StoreEntry} entry
   * @returns {StoreEntry}
   */
  remember(entry) {
    this.list().set(entry.key, entry);
    this.used.add(entry.name);
    return entry;
  }

  /**
   * The entry at an absolute file path inside this version's folder, if it is one.
   * @param {string} file
   */
  entryAt(file) {
    return path.dirname(file) === this.dir ? parseEntry(this.dir, path.basename(file)) : undefined;
  }

  /**
   * Remove what key holds, if anything.
   * @param {string} key
   */
  evict(key) {
    const entry = this.list().get(key);
    if (!entry) return;
    rmSync(entry.file, { recursive: true, force: true });
    this.forget(entry);
  }

  /**
   * Remove a damaged entry, saying so: whoever needs it makes it again.
   * @param {StoreEntry} entry
   */
  discard(entry) {
    this.discarded++;
    this.warn(`damaged cache entry (its bytes are not the ones it was written with): removed, to be made again`, entry.file);
    rmSync(entry.file, { recursive: true, force: true });
    this.forget(entry);
  }

  /**
   * The one pruning rule: delete what this build did not use and nobody wrote for GRACE_MS. Other
   * versions' folders (and files of older cache layouts) are gone through the same way.
   * @param {number} [now]
   * @returns {number} entries (and leftovers) deleted
   */
  prune(now = Date.now()) {
    let removed = 0;
    for (const dirent of readFolder(this.top)) {
      const file = path.join(this.top, dirent.name);
      if (file === this.dir) removed += this.pruneEntries(file, now, this.used);
      else if (dirent.isDirectory()) {
        removed += this.pruneEntries(file, now, new Set());
        removeIfEmpty(file);
      } else if (removeIfOld(file, now)) removed++;
    }
    return removed;
  }

  /**
   * @param {string} dir
   * @param {number} now
   * @param {Set<string>} used
   */
  pruneEntries(dir, now, used) {
    let removed = 0;
    // Names only, each path put together only for an entry not used (thousands of them, after a theme change).
    for (const name of readNames(dir)) {
      if (used.has(name) || !removeIfOld(joinNormal(dir, name), now)) continue;
      removed++;
      const entry = dir === this.dir ? parseEntry(dir, name) : undefined;
      if (entry) this.forget(entry);
    }
    return removed;
  }

  /** @returns {Map<string, StoreEntry>} */
  list() {
    if (!this.listing) {
      this.listing = new Map();
      let names = [];
      try {
        names = readdirSync(this.dir);
      } catch {
        // No entries yet.
      }
      for (const name of names) {
        const entry = parseEntry(this.dir, name);
        if (entry) this.listing.set(entry.key, entry);
      }
    }
    return this.listing;
  }

  /**
   * @param {string} key
   * @param {string} hash
   * @param {string} [suffix]
   * @returns {StoreEntry}
   */
  entryFor(key, hash, suffix) {
    if (!NAME_PART.test(key)) throw new Error(`cache key "${key}" may hold letters, digits, - and _ only`);
    if (suffix !== undefined && !NAME_PART.test(suffix)) throw new Error(`cache suffix "${suffix}" may hold letters, digits, - and _ only`);
    const name = suffix === undefined ? `${key}.${hash}` : `${key}.${hash}.${suffix}`;
    return { key, hash, suffix, name, file: joinNormal(this.dir, name) };
  }

  /**
   * Entries of the same key with other bytes: the new one replaces them.
   * @param {StoreEntry} entry
   * @returns {StoreEntry[]}
   */
  replaced(entry) {
    const known = this.list().get(entry.key);
    return known && known.name !== entry.name ? [known] : [];
  }

  /** @param {StoreEntry[]} entries */
  remove(entries) {
    for (const entry of entries) rmSync(entry.file, { recursive: true, force: true });
  }

  /** @param {StoreEntry} entry */
  forget(entry) {
    if (this.listing?.get(entry.key)?.name === entry.name) this.listing.delete(entry.key);
    this.used.delete(entry.name);
  }
}

/** @param {string} dir */
function readNames(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** @param {string} dir */
function readFolder(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Delete file (or folder) if nobody wrote it for GRACE_MS.
 * @param {string} file
 * @param {number} now
 */
function removeIfOld(file, now) {
  try {
    if (now - statSync(file).mtimeMs < GRACE_MS) return false;
    rmSync(file, { recursive: true, force: true });
    return true;
  } catch {
    return false; // removed meanwhile by another build pruning the same store
  }
}

/** @param {string} dir */
function removeIfEmpty(dir) {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or gone
  }
}

/**
 * Whether file holds exactly data.
 * @param {string} file
 * @param {string | Uint8Array} data
 */
function holdsBytes(file, data) {
  try {
    return readFileSync(file).equals(typeof data === 'string' ? Buffer.from(data) : data);
  } catch {
    return false;
  }
}
