/**
 * Loads the theme and publishes its assets. CSS and JS get a content hash in their file name
 * (cacheable for a year); other assets keep their names.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hashTree, listFiles } from './code-hash.js';
import { ContentError } from './errors.ts';
import { importFresh } from './import-fresh.ts';
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
  return { theme, dir, codeHash: hashTree(dir, (name) => /\.(ts|js|mjs)$/.test(name) && !name.includes('.test.')) };
}

export interface PublishedAsset {
  name: string;
  url: string;
  absolutePath: string;
}

export function themeAssets(theme: Theme): PublishedAsset[] {
  if (!existsSync(theme.assetsDir)) return [];
  return listFiles(theme.assetsDir).map((relative) => {
    const absolutePath = path.join(theme.assetsDir, relative);
    const ext = path.extname(relative);
    let published = relative;
    if (ext === '.css' || ext === '.js') {
      const hash = createHash('sha256').update(readFileSync(absolutePath)).digest('hex').slice(0, 10);
      published = `${relative.slice(0, -ext.length)}.${hash}${ext}`;
    }
    return { name: relative, url: `/assets/${published}`, absolutePath };
  });
}
