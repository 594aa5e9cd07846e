import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashTree, isCode } from './code-hash.js';

/** solarpress's own version: part of every cache key, so an upgrade never serves stale output. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * Hash of solarpress's own code, also part of every cache key: a changed pipeline must not serve
 * output cached by the previous one, version bump or not. Run from the bundle, it is the hash of the
 * sources bundled (set by src/bundle.js); run from the sources (tests), of src/ and the built-in
 * plugins without tests and test helpers.
 */
export const CODE_HASH: string =
  process.env.SOLARPRESS_CODE_HASH ?? ['../src', '../plugins'].map((dir) => hashTree(fileURLToPath(new URL(dir, import.meta.url)), isCode)).join('');
