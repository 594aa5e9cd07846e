/**
 * definePlugin: a plugin's definition turned into a factory typed with its options. site.config.ts
 * lists what the factory returns (`plugins: [shout({ suffix: '!' })]`); the built-in plugins are
 * factories made here too (src/plugins.ts), configured by their sections instead.
 * Types and plain functions only: the built-ins import it, and a site's config bundles it.
 */
import type { z, ZodType } from 'zod';
import type { ResolvedConfig } from './config.ts';
import type { PluginDefinition, SolarpressPlugin } from './types.ts';

/** Marks the objects a factory returns, so the config loader tells them from anything else in `plugins`. */
export const PLUGIN_USE = 'solarpress.plugin';

/** A plugin as site.config.ts lists it: its definition and the options it was given (validated when the config loads). */
export interface PluginUse {
  readonly kind: typeof PLUGIN_USE;
  readonly definition: PluginDefinition;
  readonly options: unknown;
}

/** Options are optional when every key of the schema is. */
type OptionsArgs<Input> = {} extends Input ? [options?: Input] : [options: Input];

/** A plugin's factory: called in site.config.ts with the plugin's options, type-checked against its schema. */
export type PluginFactory<Schema extends ZodType> = ((...options: OptionsArgs<z.input<Schema>>) => PluginUse) & {
  readonly definition: PluginDefinition<z.output<Schema>>;
};

/**
 * Define a plugin: its name, the schema of its options (zod; errors name `plugins.<name>.<key>`),
 * and `setup`, which gets the validated options and the site's config and returns the plugin's hooks.
 */
export function definePlugin<Schema extends ZodType>(definition: {
  name: string;
  /** Its section of site.config.ts, for the built-in plugins (configured by a section, not listed in `plugins`). */
  configKey?: string;
  schema: Schema;
  /** The plugin's hooks (its name is the definition's). */
  setup(options: z.output<Schema>, config: ResolvedConfig): Omit<SolarpressPlugin, 'name'>;
}): PluginFactory<Schema> {
  const full = {
    ...definition,
    configKey: definition.configKey ?? definition.name,
    setup: (options, config) => ({ ...definition.setup(options, config), name: definition.name }),
  } as PluginDefinition<z.output<Schema>>;
  const factory = (...args: unknown[]): PluginUse => ({ kind: PLUGIN_USE, definition: full, options: args[0] ?? {} });
  return Object.assign(factory, { definition: full }) as PluginFactory<Schema>;
}

/** Is this an entry of `plugins` made by a plugin factory? */
export function isPluginUse(value: unknown): value is PluginUse {
  return typeof value === 'object' && value !== null && (value as PluginUse).kind === PLUGIN_USE && typeof (value as PluginUse).definition?.setup === 'function';
}
