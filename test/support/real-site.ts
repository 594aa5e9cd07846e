/**
 * A copy of the project's real site in its own folder under test-output/ (its content copied; the
 * config copied; the theme, core and plugins linked), so that a test or benchmark builds the real
 * site with its own output and cache folders, never the project's.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './site.ts';

export function copyRealSite(prefix = 'real-'): string {
  const base = path.join(PROJECT_ROOT, 'test-output', 'sites');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, prefix));
  cpSync(path.join(PROJECT_ROOT, 'content'), path.join(dir, 'content'), { recursive: true });
  copyFileSync(path.join(PROJECT_ROOT, 'site.config.ts'), path.join(dir, 'site.config.ts'));
  for (const code of ['theme', 'src', 'plugins']) symlinkSync(path.join(PROJECT_ROOT, code), path.join(dir, code));
  return dir;
}
