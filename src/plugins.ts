/**
 * The built-in plugins, each configured by its own section of site.config.ts (on unless set to
 * false). Each is self-contained in plugins/<name>/ and default-exports the factory definePlugin
 * made: the same API as a site's own plugins, which run after these (src/config-load.ts).
 */
import dither from '../plugins/dither/index.ts';
import feed from '../plugins/feed/index.ts';
import nginx from '../plugins/nginx/index.ts';
import precompress from '../plugins/precompress/index.ts';
import sitemap from '../plugins/sitemap/index.ts';
import zineEditions from '../plugins/zine-editions/index.ts';
import type { ResolvedConfig } from './config.ts';
import type { PluginFactory } from './define-plugin.ts';
import type { SolarpressPlugin } from './types.ts';

/**
 * In the order their hooks run: the zine's editions before the feeds (which list them as
 * enclosures), precompression last, over everything the others emitted.
 */
export const builtinPlugins: PluginFactory<any>[] = [dither, zineEditions, feed, nginx, sitemap, precompress];

/** Instantiate the plugins of a loaded config (src/config-load.ts), in order. */
export function setupPlugins({ config, plugins }: { config: ResolvedConfig; plugins: Array<{ definition: { setup(options: any, config: ResolvedConfig): SolarpressPlugin }; options: unknown }> }): SolarpressPlugin[] {
  return plugins.map(({ definition, options }) => definition.setup(options, config));
}
