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
 * store does not hold yet; require() because minifying is synchronous.
 */
const loadEsbuild = (): typeof import('esbuild') => createRequire(import.meta.url)('esbuild');

export function minifyAsset(file: string, source: string, store?: CacheStore): string {
  const css = path.extname(file) === '.css';
  // The output follows from esbuild's version, the kind of asset and its text alone.
  const key = contentHash(`${esbuildVersion()}\0${css ? 'css' : 'js'}\0${source}`);
  const cached = store?.get(key);
  if (cached) return cached.toString('utf8');
  let code: string;
  try {
    code = loadEsbuild().transformSync(source, { loader: css ? 'css' : 'js', minify: true, target: css ? CSS_TARGETS : 'es5', charset: 'utf8', sourcefile: file, logLevel: 'silent' }).code;
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (!first) throw error;
    throw new ContentError(first.text, { file, line: first.location?.line }, 'fix the theme asset; it is minified for old browsers (ES5 JavaScript)');
  }
  store?.put(key, code);
  return code;
}
