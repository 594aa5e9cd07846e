import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FileCache } from './cache/file-cache.js';
import { isCode, stampedTreeHash } from './code-hash.js';
import { CACHE_ROOT } from './launch.js';

/** solarpress's own version: part of every cache key, so an upgrade never serves stale output. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The stamps and hash of each of solarpress's code folders (stampedTreeHash), in the cache of this
 * copy of solarpress (beside its bundles, src/bundle.js): one entry a folder, replaced when it changes.
 */
const CODE_HASHES = new FileCache(CACHE_ROOT).store('code-hashes', '1');

let codeHash: string | undefined;

/**
 * Hash of solarpress's own code, also part of every cache key: a changed pipeline must not serve
 * output cached by the previous one, version bump or not. Of src/ and the built-in plugins without
 * tests and test helpers, however the process started (CLI, worker, preview server restarted after
 * an edit), worked out once per process when a build first asks: from the files' stats while they
 * are those of the bytes last hashed, else from their bytes.
 * @param stats stats of the files taken already (by absolute path), e.g. by stampInputs (src/build-inputs.ts)
 */
export function solarpressCodeHash(stats?: ReadonlyMap<string, BigIntStats>): string {
  const stat = (file: string) => stats?.get(file) ?? statSync(file, { bigint: true });
  return (codeHash ??= ['../src', '../plugins'].map((dir) => stampedTreeHash(fileURLToPath(new URL(dir, import.meta.url)), isCode, CODE_HASHES, stat)).join(''));
}
