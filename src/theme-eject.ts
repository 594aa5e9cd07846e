/**
 * `solarpress theme eject`: copy the package's solar theme into the site's theme/ for editing, and
 * point site.config.ts at it. Until then a site uses the package's theme, which upgrades with it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './code-hash.js';
import { parseFlags } from './cli/flags.ts';
import { CONFIG_FILE } from './config-file.ts';
import { UsageError } from './errors.ts';
import { PACKAGE_ROOT, PACKAGE_THEME } from './package-root.ts';
import type { CommandSpec } from './types.ts';

/** The theme's own tests and their helpers stay in the package: they test the package's theme. */
const isThemeSource = (relative: string) => !relative.includes('.test.') && !relative.startsWith('test/');

/** Relative imports in a theme module: `from '…'` and `import('…')`. */
const RELATIVE_IMPORT = /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.\.?\/[^'"]+)\2/g;

/**
 * An ejected module's imports of solarpress's own code (types, the feed links) go through the
 * package's exports instead of a path relative to the package's theme folder.
 */
export function rewriteImports(source: string, fileInTheme: string): string {
  return source.replace(RELATIVE_IMPORT, (whole, lead: string, quote: string, specifier: string) => {
    const target = path.resolve(path.dirname(path.join(PACKAGE_THEME, fileInTheme)), specifier);
    if (target.startsWith(PACKAGE_THEME + path.sep)) return whole;
    return `${lead}${quote}solarpress/${path.relative(PACKAGE_ROOT, target).split(path.sep).join('/')}${quote}`;
  });
}

export const themeCommand: CommandSpec = {
  name: 'theme',
  summary: 'theme eject: copy the solar theme into the site to edit it',
  usage: `Usage: solarpress theme eject

Copies the solar theme from the installed solarpress into theme/ and sets theme: 'theme' in
site.config.ts. Edit it there; it no longer changes when solarpress is upgraded. Refuses if theme/
exists already.`,
  async run(args, env) {
    const { positionals } = parseFlags(args, {}, true);
    if (positionals[0] !== 'eject' || positionals.length > 1) throw new UsageError(`theme takes one subcommand: eject (got "${positionals.join(' ')}")`);
    const configFile = path.join(env.root, CONFIG_FILE);
    await env.loadConfig(); // a site, and a valid one, before anything is written
    const target = path.join(env.root, 'theme');
    if (existsSync(target)) throw new UsageError(`${path.relative(env.root, target)}/ exists already: move it away to eject the solar theme again`);
    const config = readFileSync(configFile, 'utf8');
    const pointed = pointConfigAtTheme(config);

    const files = listFiles(PACKAGE_THEME).filter(isThemeSource);
    for (const relative of files) {
      const to = path.join(target, relative);
      mkdirSync(path.dirname(to), { recursive: true });
      const bytes = readFileSync(path.join(PACKAGE_THEME, relative));
      writeFileSync(to, /\.(ts|js|mjs)$/.test(relative) ? rewriteImports(bytes.toString('utf8'), relative) : bytes, { flag: 'wx' });
    }
    if (pointed) writeFileSync(configFile, pointed);
    env.stdout.write(
      `Copied the solar theme (${files.length} files) into theme/.\n` +
        (pointed ? `${CONFIG_FILE} now says theme: 'theme'.\n` : `Set theme: 'theme' in ${CONFIG_FILE} to use it.\n`),
    );
    return 0;
  },
};

/** The config with `theme: 'theme'`: the commented line init writes, uncommented, or a new first key. Undefined when it names a theme already. */
function pointConfigAtTheme(config: string): string | undefined {
  if (/^\s*theme\s*:/m.test(config)) return undefined;
  const commented = /^(\s*)\/\/\s*theme:\s*'theme',.*$/m;
  if (commented.test(config)) return config.replace(commented, "$1theme: 'theme',");
  const opening = /defineConfig\(\{[ \t]*\n|export default \{[ \t]*\n/;
  if (!opening.test(config)) return undefined;
  return config.replace(opening, (open) => `${open}  theme: 'theme',\n`);
}
