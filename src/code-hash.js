// Hashes of source trees, in plain JavaScript: the launcher (bin/solarpress.js) needs them before
// any TypeScript can load, and the core uses the same ones for its cache keys.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
 * @returns {string}
 */
export function hashTree(dir, include) {
  const hash = createHash('sha256');
  for (const relative of listFiles(dir)) {
    if (!include(relative)) continue;
    hash.update(relative).update('\0').update(readFileSync(path.join(dir, relative))).update('\0');
  }
  return hash.digest('hex');
}

/** Tests and what only they use: test files, test helpers, fixtures, harnesses. */
const TEST_SUPPORT = /(^|\/)(fixtures?|harness|test-helpers)(\/|\.)|\.test\./;

/**
 * Code whose change may change a build's output (solarpress's, when it runs from its sources, and a
 * theme's): tests and test helpers left out, so editing one does not throw away every cached page.
 * @param {string} relative
 */
export const isCode = (relative) => /\.(ts|mjs|js)$/.test(relative) && !TEST_SUPPORT.test(relative);
