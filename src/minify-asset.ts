/**
 * The theme's CSS and JS as published: minified by esbuild (the sources stay readable in the theme).
 * Targets are old browsers, so the minifier never trades a fallback for newer syntax: the pages must
 * work on whatever a reader has. Non-ASCII characters stay UTF-8 (3 bytes, not a 6-byte escape): pages are
 * UTF-8, and a style sheet or script without a charset of its own is read in its page's encoding.
 */
import path from 'node:path';
import { transformSync } from 'esbuild';
import { ContentError } from './errors.ts';

const CSS_TARGETS = ['chrome49', 'firefox52', 'safari10', 'ie11'];

export function minifyAsset(file: string, source: string): string {
  const css = path.extname(file) === '.css';
  try {
    return transformSync(source, { loader: css ? 'css' : 'js', minify: true, target: css ? CSS_TARGETS : 'es5', charset: 'utf8', sourcefile: file, logLevel: 'silent' }).code;
  } catch (error) {
    const first = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors?.[0];
    if (!first) throw error;
    throw new ContentError(first.text, { file, line: first.location?.line }, 'fix the theme asset; it is minified for old browsers (ES5 JavaScript)');
  }
}
