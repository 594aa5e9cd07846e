/**
 * The editions' cache: one file per edition and key in the plugin's cache folder. A book is made
 * only when its key is new; an unchanged issue is published from here by hard link.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pruneOlder } from '../../src/prune-older.js';

/**
 * The cached file of `name` (e.g. 'ilu-9.epub') for this key, made by `make` when missing. Older
 * files of the same name are pruned (the newest two kept: another build may still publish one).
 */
export async function cachedFile(dir: string, name: string, key: string, make: () => Promise<Uint8Array>): Promise<{ file: string; fresh: boolean }> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  const file = path.join(dir, `${stem}.${key}${ext}`);
  if (existsSync(file)) return { file, fresh: false };
  const bytes = await make();
  // Written beside and renamed in: a concurrent build never publishes half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  pruneOlder(dir, (n) => n.startsWith(`${stem}.`) && n.endsWith(ext) && n.split('.').length === stem.split('.').length + 2, file, 2);
  return { file, fresh: true };
}
