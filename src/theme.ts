/**
 * Loads the theme and publishes its assets. CSS and JS are minified and get a content hash in their
 * file name (cacheable for a year); other assets keep their names and bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CacheStore } from './cache/store.js';
import { hashTree, isCode, listFiles } from './code-hash.js';
import { ContentError, ContentErrors } from './errors.ts';
import { importFresh } from './import-fresh.ts';
import { isInside } from './markdown/local-files.ts';
import { minifyAhead, minifyAsset } from './minify-asset.ts';
import { themeDirOf } from './package-root.ts';
import type { Theme } from './types.ts';

export interface LoadedTheme {
  theme: Theme;
  dir: string;
  /** Hash of the theme's code: part of every body and layout cache key. */
  codeHash: string;
}

export async function loadTheme(root: string, themeDir: string | undefined): Promise<LoadedTheme> {
  const dir = themeDirOf(root, themeDir);
  const entry = path.join(dir, 'index.ts');
  if (!existsSync(entry)) throw new ContentError(`no theme at ${entry}`, { file: path.join(root, 'site.config.ts') }, 'set `theme:` to a folder holding index.ts');
  const mod = await importFresh(entry);
  const theme = mod.default as Theme;
  if (!theme?.layouts) throw new ContentError('does not default-export a Theme', { file: entry });
  return { theme, dir, codeHash: hashTree(dir, isCode) };
}

export interface PublishedAsset {
  name: string;
  url: string;
  absolutePath: string;
  /** The published bytes when they differ from the file's (minified CSS and JS). */
  data?: string;
}

/** @param store where minified CSS and JS are kept (src/minify-asset.ts), so an unchanged asset is not minified again */
export function themeAssets(theme: Theme, store?: CacheStore): PublishedAsset[] {
  if (!existsSync(theme.assetsDir)) return [];
  return assetFiles(theme.assetsDir).map((relative) => {
    const absolutePath = path.join(theme.assetsDir, relative);
    const ext = path.extname(relative);
    if (!isMinified(relative)) return { name: relative, url: `/assets/${relative}`, absolutePath };
    const data = minifyAsset(absolutePath, readFileSync(absolutePath, 'utf8'), store);
    const hash = createHash('sha256').update(data).digest('hex').slice(0, 10);
    return { name: relative, url: `/assets/${relative.slice(0, -ext.length)}.${hash}${ext}`, absolutePath, data };
  });
}

/** The theme's CSS and JS minified into `store` ahead of themeAssets (minifyAhead): started before pages render. */
export function minifyThemeAhead(theme: Theme, store: CacheStore): Promise<void> {
  if (!existsSync(theme.assetsDir)) return Promise.resolve();
  let code: string[];
  try {
    code = assetFiles(theme.assetsDir).filter(isMinified);
  } catch {
    return Promise.resolve(); // themeAssets reports it
  }
  return minifyAhead(code.map((relative) => {
    const file = path.join(theme.assetsDir, relative);
    return { file, source: readFileSync(file, 'utf8') };
  }), store);
}

/**
 * The files of the assets folder, each a regular file inside it once symlinks are followed: a link
 * to a file elsewhere (~/.ssh/id_rsa, /etc/…) would be published, as the static folder refuses too.
 */
function assetFiles(assetsDir: string): string[] {
  const root = realpathSync(assetsDir);
  const files = listFiles(assetsDir);
  const errors: ContentError[] = [];
  for (const relative of files) {
    const file = path.join(assetsDir, relative);
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      errors.push(new ContentError("is a broken symbolic link in the theme's assets", { file }, 'remove the link or point it at a file inside the assets folder'));
      continue;
    }
    if (!isInside(real, [root])) {
      errors.push(new ContentError(`is a symbolic link to ${real}, outside the theme's assets folder: it is not published`, { file }, 'copy the file into the assets folder instead of linking to it'));
    } else if (!statSync(real).isFile()) {
      errors.push(new ContentError("is not a file: the theme's assets are published file by file", { file }, 'put the files themselves in the assets folder, not a link to a folder'));
    }
  }
  if (errors.length > 0) throw new ContentErrors(errors);
  return files;
}

/** The assets published minified (under a name with their hash): CSS and JS. */
const isMinified = (relative: string) => ['.css', '.js'].includes(path.extname(relative));
