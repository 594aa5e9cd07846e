// Keeping the newest few versions of a cache entry, in plain JavaScript: the launcher's bundle
// cache (src/bundle.js) uses it before any TypeScript loads, and so do the core's plugins.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Delete the entries of dir that `matches` accepts, except `current` and the `keep` newest others
 * (by modification time): a process started earlier may still be using one of those.
 * @param {string} dir
 * @param {(name: string) => boolean} matches
 * @param {string} current absolute path of the entry in use now
 * @param {number} keep
 */
export function pruneOlder(dir, matches, current, keep) {
  const others = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!matches(name) || file === current) continue;
    try {
      others.push({ file, mtime: statSync(file).mtimeMs });
    } catch {
      // Removed meanwhile by another process pruning the same folder.
    }
  }
  others.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of others.slice(keep)) rmSync(file, { recursive: true, force: true });
}
