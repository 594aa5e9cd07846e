/**
 * For the tests: the HBSC site's real content and theme, built from a temp folder with its own
 * config, output and cache (never the project's).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../test/support/site.ts';

export interface RealSite {
  root: string;
  out: string;
  cache: string;
}

/** A temp site over the project's content/ and theme/, with this `zine` section (and extra config). */
export function realSite(zine: Record<string, unknown>, extra: Record<string, unknown> = {}): RealSite {
  const base = path.join(PROJECT_ROOT, 'test-output', 'sites');
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(path.join(base, 'zine-'));
  const config = {
    title: 'Homebrew Server Club',
    url: 'https://homebrewserver.club',
    author: { name: 'Homebrew Server Club' },
    license: { name: 'CC BY-SA 2.0', url: 'https://creativecommons.org/licenses/by-sa/2.0/' },
    contentDir: path.join(PROJECT_ROOT, 'content'),
    theme: path.join(PROJECT_ROOT, 'theme'),
    outDir: 'dist',
    cacheDir: 'cache',
    precompress: false,
    server: false,
    feed: { kinds: ['article', 'guide', 'zine-issue', 'zine-part'] },
    zine,
    ...extra,
  };
  writeFileSync(path.join(root, 'site.config.ts'), `export default ${JSON.stringify(config, null, 2)};\n`);
  return { root, out: path.join(root, 'dist'), cache: path.join(root, 'cache') };
}
