/**
 * Which libvips makes the images, for the cache key, without loading sharp: loading it (the native
 * module and libvips) costs ~50 ms, which a build whose images all come from the cache (an edit)
 * need not spend. sharp's prebuilt libvips (an `@img/sharp-libvips-*` or `@img/sharp-wasm32`
 * package) is pinned by sharp's release, so sharp's version names it. A sharp built from source
 * links whatever libvips the system has, which can change under it: that one is asked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let known: string | undefined;

export function libvipsId(): string {
  return (known ??= find());
}

function find(): string {
  const require = createRequire(import.meta.url);
  // sharp's entry is in its dist/ (or lib/): its package folder is the one above.
  const dir = path.dirname(path.dirname(require.resolve('sharp')));
  if (existsSync(path.join(dir, 'src/build/Release'))) return `vips ${(require('sharp') as typeof import('sharp')).versions.vips}`;
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return `sharp ${version}`;
}
