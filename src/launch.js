// What a start with a current bundle needs, and nothing more: where the bundle cache is and the
// check of a bundle by its files' stats. bin/solarpress.js loads src/bundle.js (esbuild, the cache's
// stores, the byte checks, making bundles) only when these stats cannot vouch for the bundle. Each ES
// module the launcher loads costs one to two milliseconds of every start: this one needs only the
// cache's hash and stamps (src/cache/), and reads the one entry it needs of the bundles' store itself.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, HASH_LENGTH } from './cache/hash.js';
import { stampOf } from './cache/stamps.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where bundles are kept: the usual place for tools' caches, removed with node_modules. */
export const CACHE_ROOT = path.join(PACKAGE_ROOT, 'node_modules/.cache/solarpress');

/**
 * The bundle cache's stores (src/bundle.js opens them), by name → version. Bump a version when
 * bundles are made, stored or stamped differently.
 */
export const STORES = { core: '4', modules: '4' };

/** This copy of solarpress: part of every bundle's key. */
export const LOCATION = contentHash(PACKAGE_ROOT);

/**
 * Commands the launcher starts from an entry of their own (ENTRIES in src/bundle.js), which loads a
 * fraction of the code (and hands anything unusual on to the full command line, cli.mjs).
 * @type {Record<string, string>}
 */
export const COMMAND_ENTRIES = { dither: 'dither-cli' };

/**
 * The key in the core store of a bundle of this copy of solarpress.
 * @param {string} name 'core' for solarpress's own entries (ENTRIES in src/bundle.js)
 */
export const bundleKey = (name) => `${name}-${LOCATION}`;

/**
 * @typedef {object} Stamps
 * @property {string} made the entry they vouch for (a bundle's folder, a module)
 * @property {Record<string, string>} files absolute path → stampOf(), of every file whose bytes
 *   were checked (the sources, package.json and its lock, esbuild's package.json, the entry's own
 *   files): recorded only when every one of them could be stamped (src/bundle.js, recordStamps)
 */

/**
 * The folder of solarpress's bundle if its stamps vouch for it (vouchedEntry); else undefined, and
 * src/bundle.js checks its bytes or makes it.
 * @returns {string | undefined}
 */
export function vouchedCoreBundle() {
  const dir = path.join(CACHE_ROOT, 'core', `v${STORES.core}`);
  const made = vouchedEntry(dir, bundleKey('core'));
  return made && path.join(dir, made);
}

/**
 * The name of the entry that the stamps kept under `${key}-stamps` in a store's folder vouch for, if
 * every file they name still has the stat it had when its bytes were last found right: then its
 * bytes are, and a start does without reading and hashing a few megabytes. Any doubt (no stamps, a
 * damaged record, a file changed, moved or gone): undefined, and the caller checks the bytes.
 * @param {string} dir the store's folder of entries (CacheStore's dir)
 * @param {string} key
 * @returns {string | undefined}
 */
export function vouchedEntry(dir, key) {
  const stamps = readStamps(dir, `${key}-stamps`);
  if (!stamps) return undefined;
  for (const file in stamps.files) if (stampOf(file) !== stamps.files[file]) return undefined;
  return stamps.made;
}

/**
 * The stamps entry of a store (named `<key>.<content hash>`, src/cache/store.js), if its bytes are the
 * ones written. A damaged one is left to the store: src/bundle.js reads it through the store next,
 * which removes it with a warning.
 * @param {string} dir
 * @param {string} key
 * @returns {Stamps | undefined}
 */
function readStamps(dir, key) {
  try {
    const name = readdirSync(dir).find((entry) => entry.length === key.length + 1 + HASH_LENGTH && entry.startsWith(`${key}.`));
    if (!name) return undefined;
    const data = readFileSync(path.join(dir, name));
    if (contentHash(data) !== name.slice(key.length + 1)) return undefined;
    const stamps = JSON.parse(data.toString('utf8'));
    return typeof stamps?.made === 'string' && stamps.files && typeof stamps.files === 'object' ? stamps : undefined;
  } catch {
    return undefined;
  }
}
