/**
 * site.config.ts's default export as written, before validation: what the config loader
 * (src/config-load.ts) validates, and what a build's record of its inputs (src/build-inputs.ts)
 * compares, without loading zod and the plugins.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE } from './config-file.ts';
import { ContentError } from './errors.ts';
import { bundleFresh, importBundled } from './import-fresh.ts';

export interface SiteConfigModule {
  /** The default export. */
  raw: unknown;
  /** The config's bundled module (named by its code's hash). */
  module: string;
  file: string;
}

export async function importSiteConfig(root: string): Promise<SiteConfigModule> {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new ContentError(`no ${CONFIG_FILE} here`, { file: root }, `run solarpress in the site's folder (the one with ${CONFIG_FILE}), or start a site here with: npx solarpress init`);
  }
  const module = await bundleFresh(file);
  try {
    return { raw: (await importBundled(module)).default, module, file };
  } catch (error) {
    if (error instanceof ContentError) throw error;
    // A config may throw anything, not only an Error (`throw 'no key'`).
    const message = error instanceof Error ? error.message : String(error);
    throw new ContentError(`cannot load: ${message.split('\n')[0]}`, { file }, 'fix the error in the config file');
  }
}
