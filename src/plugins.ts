/**
 * The built-in plugins, each configured by its own section of site.config.ts.
 * A plugin is self-contained in plugins/<name>/ and default-exports a PluginDefinition.
 */
import type { ResolvedConfig } from './config.ts';
import type { PluginDefinition, SolarpressPlugin } from './types.ts';

export const builtinPlugins: PluginDefinition[] = [];

/** Instantiate every enabled built-in plugin from the validated config. */
export function setupPlugins(config: ResolvedConfig): SolarpressPlugin[] {
  return builtinPlugins
    .filter((definition) => definition.configKey in config.plugins)
    .map((definition) => definition.setup(config.plugins[definition.configKey], config));
}
