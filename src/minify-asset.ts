/**
 * The theme's CSS and JS as published: minified by esbuild (the sources stay readable in the theme).
 * Targets are old browsers, so the minifier never trades a fallback for newer syntax: the pages must
 * work on whatever a reader has. Non-ASCII characters stay UTF-8 (3 bytes, not a 6-byte escape): pages are
 * UTF-8, and a style sheet or script without a charset of its own is read in its page's encoding.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { esbuildVersion } from './bundle.js';
import { contentHash } from './cache/hash.js';
import type { CacheStore } from './cache/store.js';
import { ContentError } from './errors.ts';

const CSS_TARGETS = ['chrome49', 'firefox52', 'safari10', 'ie11'];

/** The cache store of minified assets (in the site's cache), and its version: bump it when the options below change. */
export const MINIFIED_STORE = { name: 'minified', version: '1' } as const;

/**
 * esbuild is loaded (and its service started, a sixth of a second) only to minify an asset the
 * store does not hold yet; require() because minifyAsset is synchronous.
 */
const loadEsbuild = (): typeof import('esbuild') => createRequire(import.meta.url)('esbuild');

export function minifyAsset(file: string, source: string, store?: CacheStore): string {
  const { key, css } = minifiedKey(file, source);
  const cached = store?.get(key);
  if (cached) return cached.toString('utf8');
  let code: string;
  try {
    code = loadEsbuild().transformSync(source, transformOptions(file, css)).code;
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (!first) throw error;
    throw new ContentError(first.text, { file, line: first.location?.line }, 'fix the theme asset; it is minified for old browsers (ES5 JavaScript)');
  }
  store?.put(key, code);
  return code;
}

/**
 * Minify into the store, ahead of time, the assets it does not hold yet: esbuild works in its own
 * process while the build's threads render pages, and minifyAsset then finds them there. Failures are
 * left for minifyAsset to report (with the file and line).
 */
export async function minifyAhead(assets: Array<{ file: string; source: string }>, store: CacheStore): Promise<void> {
  const missing = assets.map((asset) => ({ ...asset, ...minifiedKey(asset.file, asset.source) })).filter(({ key }) => !store.find(key));
  if (missing.length === 0) return;
  const esbuild = loadEsbuild();
  await Promise.all(
    missing.map(({ file, source, key, css }) =>
      esbuild.transform(source, transformOptions(file, css)).then(
        ({ code }) => store.put(key, code),
        () => undefined,
      ),
    ),
  );
}

/** The output follows from esbuild's version, the kind of asset and its text alone. */
function minifiedKey(file: string, source: string): { key: string; css: boolean } {
  const css = path.extname(file) === '.css';
  return { key: contentHash(`${esbuildVersion()}\0${css ? 'css' : 'js'}\0${source}`), css };
}

function transformOptions(file: string, css: boolean) {
  return { loader: css ? 'css' : 'js', minify: true, target: css ? CSS_TARGETS : 'es5', charset: 'utf8', sourcefile: file, logLevel: 'silent' } as const;
}
