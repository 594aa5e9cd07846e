// Hashes of source trees, in plain JavaScript: the launcher (bin/solarpress.js) needs them before
// any TypeScript can load, and the core uses the same ones for its cache keys.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { contentHash } from './cache/hash.js';
import { settled, stampOfStat } from './cache/stamps.js';

/**
 * Files below dir, relative, posix, sorted; dot-files and node_modules left out.
 * @param {string} dir
 * @param {string} [prefix]
 * @returns {string[]}
 */
export function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, relative));
    else out.push(relative);
  }
  return out;
}

/**
 * sha256 over the names and bytes of the files below dir that `include` accepts.
 * @param {string} dir
 * @param {(relative: string) => boolean} include
 * @param {string[]} [files] the files below dir (listFiles), if listed already
 * @returns {string}
 */
export function hashTree(dir, include, files = listFiles(dir)) {
  const hash = createHash('sha256');
  for (const relative of files) {
    if (!include(relative)) continue;
    hash.update(relative).update('\0').update(readFileSync(path.join(dir, relative))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * hashTree, vouched for by the files' stats (src/cache/stamps.js): when the same files have the
 * stamps they had when their bytes were last hashed, that hash is returned without reading them.
 * The stamps are taken before the bytes are read, and kept only if every file had been still for
 * SETTLE_NS: a file written since (or in the same clock tick) has another stamp, and is read.
 * @param {string} dir
 * @param {(relative: string) => boolean} include
 * @param {import('./cache/store.js').CacheStore} store where the stamps and hash are kept, by dir
 * @param {(file: string) => import('node:fs').BigIntStats} [stat] a file's stat (one taken already, if the caller has it)
 * @returns {string}
 */
export function stampedTreeHash(dir, include, store, stat = (file) => statSync(file, { bigint: true })) {
  const files = listFiles(dir).filter(include);
  const now = Date.now();
  let still = true;
  const stamps = files
    .map((relative) => {
      const st = stat(path.join(dir, relative));
      still &&= settled(st, now);
      return `${relative}\0${stampOfStat(st)}`;
    })
    .join('\n');
  const key = contentHash(path.resolve(dir));
  // None, or unreadable (getJson): hashed afresh, and written again.
  const record = /** @type {{ stamps?: unknown, hash?: unknown } | undefined} */ (store.getJson(key));
  if (record?.stamps === stamps && typeof record.hash === 'string') return record.hash;
  const hash = hashTree(dir, include, files);
  try {
    if (still) store.put(key, JSON.stringify({ stamps, hash }));
  } catch {
    // A read-only cache: hashed from the bytes every time, as before.
  }
  return hash;
}

/** Tests and what only they use: test files, test helpers, fixtures, harnesses. */
const TEST_SUPPORT = /(^|\/)(fixtures?|harness|test-helpers)(\/|\.)|\.test\./;

/**
 * Code whose change may change a build's output (solarpress's, when it runs from its sources, and a
 * theme's): tests and test helpers left out, so editing one does not throw away every cached page.
 * @param {string} relative
 */
export const isCode = (relative) => /\.(ts|mjs|js)$/.test(relative) && !TEST_SUPPORT.test(relative);
