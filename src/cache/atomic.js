// The one write-to-a-temporary-name-then-rename of solarpress: a reader (another build, a crash
// after the write) sees a whole file or folder under its real name, or none.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Temporary names start with this: whoever prunes a folder knows them as leftovers of a write. */
export const TEMP_PREFIX = '.tmp-';

/**
 * A fresh temporary name beside `target` (unique across processes and threads).
 * @param {string} target
 */
export function tempBeside(target) {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * @param {string} file
 * @param {string | Uint8Array} data
 */
export function writeAtomic(file, data) {
  const temp = tempBeside(file);
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * writeAtomic in libuv's thread pool: the main thread goes on meanwhile.
 * @param {string} file
 * @param {string | Uint8Array} data
 */
export async function writeAtomicAsync(file, data) {
  const temp = tempBeside(file);
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Move a finished folder (made at a tempBeside name) to `target`. A folder already there is left
 * alone and the new one dropped: entries are named by their content, so it holds the same.
 * @param {string} temp
 * @param {string} target
 */
export function renameFolderIntoPlace(temp, target) {
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
}
