import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashTree, isCode } from './code-hash.js';

/** solarpress's own version: part of every cache key, so an upgrade never serves stale output. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

let codeHash: string | undefined;

/**
 * Hash of solarpress's own code, also part of every cache key: a changed pipeline must not serve
 * output cached by the previous one, version bump or not. Of src/ and the built-in plugins without
 * tests and test helpers, however the process started (CLI, worker, preview server restarted after
 * an edit), worked out once per process when a build first asks.
 */
export function solarpressCodeHash(): string {
  return (codeHash ??= ['../src', '../plugins'].map((dir) => hashTree(fileURLToPath(new URL(dir, import.meta.url)), isCode)).join(''));
}
