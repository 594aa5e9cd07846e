/**
 * For the tests: the HBSC site (test/support/real-site.ts: its own copy, output and cache folders,
 * never the project's) with this `zine` section in its config, and no precompression (not under test).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyRealSite } from '../../test/support/real-site.ts';

export interface RealSite {
  root: string;
  out: string;
}

export function realSite(zine: Record<string, unknown>): RealSite {
  const root = copyRealSite('zine-');
  const file = path.join(root, 'site.config.ts');
  const config = readFileSync(file, 'utf8');
  const line = /^ {2}zine: \{.*\},$/m;
  if (!line.test(config)) throw new Error('site.config.ts has no one-line zine section to replace');
  writeFileSync(file, config.replace(line, `  zine: ${JSON.stringify(zine)},\n  precompress: false,`));
  return { root, out: path.join(root, 'dist') };
}
