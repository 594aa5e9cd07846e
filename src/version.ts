import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashTree, isSolarpressCode } from './code-hash.js';

/** solarpress's own version: part of every cache key, so an upgrade never serves stale output. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * Hash of solarpress's own code (src/ and the built-in plugins), also part of every cache key: a
 * changed pipeline must not serve output cached by the previous one, version bump or not.
 */
export const CODE_HASH: string = ['../src', '../plugins'].map((dir) => hashTree(fileURLToPath(new URL(dir, import.meta.url)), isSolarpressCode)).join('');
