/**
 * The built-in plugins, each configured by its own section of site.config.ts.
 * A plugin is self-contained in plugins/<name>/ and default-exports a PluginDefinition.
 */
import dither from '../plugins/dither/index.ts';
import feed from '../plugins/feed/index.ts';
import nginx from '../plugins/nginx/index.ts';
import precompress from '../plugins/precompress/index.ts';
import sitemap from '../plugins/sitemap/index.ts';
import zineEditions from '../plugins/zine-editions/index.ts';
import type { ResolvedConfig } from './config.ts';
import type { PluginDefinition, SolarpressPlugin } from './types.ts';

/**
 * In the order their hooks run: the zine's editions before the feeds (which list them as
 * enclosures), precompression last, over everything the others emitted.
 */
export const builtinPlugins: PluginDefinition[] = [dither, zineEditions, feed, nginx, sitemap, precompress];

/** Instantiate every enabled built-in plugin from the validated config. */
export function setupPlugins(config: ResolvedConfig): SolarpressPlugin[] {
  return builtinPlugins
    .filter((definition) => definition.configKey in config.plugins)
    .map((definition) => definition.setup(config.plugins[definition.configKey], config));
}
