// What a file's stat says about its bytes, in plain JavaScript: the launcher trusts its bundle by
// these (src/bundle.js) before any TypeScript loads, and `solarpress build` its last build's inputs
// (src/build-inputs.ts).
import { statSync } from 'node:fs';

/**
 * A stamp recorded within this long of its file's last change may not tell a second write in the
 * same clock tick (a file system's timestamps can be as coarse as a second or two): not trusted.
 */
export const SETTLE_NS = 3_000_000_000n;

/** The stamp of a path that is not there. */
export const ABSENT = '-';

/**
 * Size, mtime, ctime and inode: any write changes the ctime (which no one can set back), a replaced
 * file has another inode, a folder's entries added, removed or renamed change its mtime. Symbolic
 * links are followed.
 * @param {import('node:fs').BigIntStats} stat
 */
export const stampOfStat = (stat) => `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`;

/**
 * @param {string} file
 * @returns {string} ABSENT when nothing is there
 */
export function stampOf(file) {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? stampOfStat(stat) : ABSENT;
}

/**
 * Whether a file was last changed long enough before `beforeMs` for its stamp to tell any later change.
 * @param {import('node:fs').BigIntStats} stat
 * @param {number} beforeMs
 */
export function settled(stat, beforeMs) {
  const limit = settledBefore(beforeMs);
  return stat.ctimeNs <= limit && stat.mtimeNs <= limit;
}

/**
 * The latest change time (ns since the epoch) whose stamp still tells any later change, for a look taken at `beforeMs`.
 * @param {number} beforeMs
 */
export const settledBefore = (beforeMs) => BigInt(Math.floor(beforeMs)) * 1_000_000n - SETTLE_NS;
