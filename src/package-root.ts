/**
 * Where solarpress itself is installed: the repository in development, node_modules/solarpress in a
 * site made with `solarpress init`. The solar theme and the site template are found from here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The solar theme shipped with the package: a site's `theme` when its config names none. */
export const PACKAGE_THEME = fileURLToPath(new URL('../theme', import.meta.url));

/**
 * The folder of a site's theme: its config's `theme`, relative to the site; when the config names
 * none, the site's own theme/ if it has one (a theme made or ejected there), else the package's solar theme.
 */
export function themeDirOf(root: string, configured: string | undefined): string {
  if (configured !== undefined) return path.resolve(root, configured);
  return existsSync(path.join(root, 'theme', 'index.ts')) ? path.join(root, 'theme') : PACKAGE_THEME;
}
