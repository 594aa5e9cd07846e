// What a start with a current bundle needs, and nothing more: the bundle cache's stores and the
// check of a bundle by its files' stats. bin/solarpress.js loads src/bundle.js (esbuild, the byte
// checks, making bundles) only when these stats cannot vouch for the bundle: loading it and the
// modules it brings took ~25 ms of every start, more than the check itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileCache } from './cache/file-cache.js';
import { contentHash } from './cache/hash.js';
import { stampOf } from './cache/stamps.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where bundles are kept: the usual place for tools' caches, removed with node_modules. */
export const CACHE = new FileCache(path.join(PACKAGE_ROOT, 'node_modules/.cache/solarpress'));
/** Bump when bundles are made, stored or stamped differently. */
export const CORE = CACHE.store('core', '4');
export const MODULES = CACHE.store('modules', '4');
/** This copy of solarpress: part of every bundle's key. */
export const LOCATION = contentHash(PACKAGE_ROOT);

/**
 * Commands the launcher starts from an entry of their own (ENTRIES in src/bundle.js), which loads a
 * fraction of the code (and hands anything unusual on to the full command line, cli.mjs).
 * @type {Record<string, string>}
 */
export const COMMAND_ENTRIES = { dither: 'dither-cli' };

/**
 * The key in CORE of a bundle of this copy of solarpress.
 * @param {string} name 'core' for solarpress's own entries (ENTRIES in src/bundle.js)
 */
export const bundleKey = (name) => `${name}-${LOCATION}`;

/**
 * @typedef {object} Stamps
 * @property {string} made what the stamps vouch for (a bundle or module entry's name)
 * @property {Record<string, string>} files absolute path → stampOf(), of every file whose bytes
 *   were checked (the sources, package.json and its lock, esbuild's package.json, the entry's own
 *   files): recorded only when every one of them could be stamped
 */

/**
 * The folder of solarpress's bundle if its stamps vouch for it (see vouchedBy); else undefined, and
 * src/bundle.js checks its bytes or makes it.
 * @returns {string | undefined}
 */
export function vouchedCoreBundle() {
  return vouchedBy(CORE, bundleKey('core'));
}

/**
 * The file of the entry a store's stamps under `${key}-stamps` vouch for (a bundle's folder, a
 * module), if every file they name still has the stat it had when its bytes were last found right:
 * then its bytes are, and a start does without reading and hashing a few megabytes. Any doubt:
 * undefined, and the caller checks the bytes.
 * @param {import('./cache/store.js').CacheStore} store
 * @param {string} key
 * @returns {string | undefined}
 */
export function vouchedBy(store, key) {
  const stamps = readStamps(store, key);
  if (!stamps) return undefined;
  for (const file in stamps.files) if (stampOf(file) !== stamps.files[file]) return undefined;
  // Found through the store, so that it counts as used (never pruned as unused while it runs).
  const entry = store.find(stamps.made.split('.')[0]);
  return entry?.name === stamps.made ? entry.file : undefined;
}

/**
 * @param {import('./cache/store.js').CacheStore} store
 * @param {string} key
 * @returns {Stamps | undefined}
 */
function readStamps(store, key) {
  const data = store.get(`${key}-stamps`);
  if (!data) return undefined;
  try {
    const stamps = JSON.parse(data.toString('utf8'));
    return typeof stamps?.made === 'string' && stamps.files && typeof stamps.files === 'object' ? stamps : undefined;
  } catch {
    return undefined;
  }
}
