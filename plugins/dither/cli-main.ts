/**
 * `solarpress dither` started on its own: bin/solarpress.js runs this entry of the bundle for it
 * (src/bundle.js, COMMAND_ENTRIES). It loads the `dither` section of site.config.ts, sharp and this
 * plugin's few modules, not the whole command line with the build (about 3 MB of code), which took
 * most of the time of dithering a few images. Anything but the plain case (no site.config.ts, one
 * that does not load, a `dither` section with errors or `dither: false`) goes to the full command
 * line, so messages and exit codes are the same as everywhere else. This entry is bundled alone
 * (src/bundle.js): the full command line is the bundle's cli.mjs, loaded only to hand over.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from '../../src/config-file.ts';
import { importFresh } from '../../src/import-fresh.ts';
import { reportError } from '../../src/cli/report.ts';
import { createLogger } from '../../src/log.ts';
import { runDither } from './cli.ts';
import type { DitherOptions } from './options.ts';
import { DEFAULT_OPTIONS } from './settings.ts';

const fullCli = () => import('../../src/cli.ts');

export async function main(argv: string[], root = process.cwd()): Promise<number> {
  const options = argv[0] === 'dither' ? await siteDitherOptions(root) : undefined;
  if (!options) return (await fullCli()).main(argv, root);
  try {
    return await runDither(argv.slice(1), options, { root, log: createLogger({ root }), stdout: process.stdout });
  } catch (error) {
    // This entry's own reporter: the error's classes are this bundle's, not cli.mjs's.
    return reportError(error, { root });
  }
}

/** The site's dither options, when its config loads and that section is valid; else undefined. */
async function siteDitherOptions(root: string): Promise<DitherOptions | undefined> {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const config: unknown = (await importFresh(file)).default;
    const section = config && typeof config === 'object' ? (config as { dither?: unknown }).dither : undefined;
    // Without a section, the defaults as they are: zod (a tenth of the start-up) is loaded only to check one.
    if (section === undefined) return { ...DEFAULT_OPTIONS, categories: {} };
    const options = (await import('./options.ts')).ditherOptionsSchema.safeParse(section);
    return options.success ? options.data : undefined;
  } catch {
    return undefined;
  }
}
