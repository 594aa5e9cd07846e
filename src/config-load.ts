/**
 * Loads site.config.ts and validates it: the core keys against coreSchema, each built-in plugin's
 * section and each plugin listed in `plugins` against its plugin's schema, and any other key is an
 * error naming it.
 */
import path from 'node:path';
import type { z } from 'zod';
import { isPlainData } from './cache/plain.js';
import { CONFIG_FILE } from './config-file.ts';
import { coreSchema, type ResolvedConfig } from './config.ts';
import { isPluginUse, type PluginUse } from './define-plugin.ts';
import { didYouMean } from './did-you-mean.ts';
import { ContentError, ContentErrors } from './errors.ts';
import { builtinPlugins } from './plugins.ts';
import { importSiteConfig } from './config-module.ts';
import type { PluginDefinition } from './types.ts';

/** A plugin the site uses, with its validated options, in the order its hooks run. */
export interface ConfiguredPlugin {
  definition: PluginDefinition;
  options: unknown;
}

/** The validated config and the plugins it turns on. */
export interface LoadedConfig {
  config: ResolvedConfig;
  plugins: ConfiguredPlugin[];
  /** The config's bundled module: a worker thread imports it to set up the same plugins (src/render/text-worker-main.ts). */
  module: string;
  /**
   * Whether the module exports plain data (src/cache/plain.js): then the validated config is all its
   * code gives a build; otherwise (plugins of the site's own) its code counts as well.
   */
  plainData: boolean;
}

export async function loadConfig(root: string): Promise<ResolvedConfig> {
  return (await loadSiteConfig(root)).config;
}

/** The config with the plugins it lists (functions: they cannot be part of the data-only ResolvedConfig). */
export async function loadSiteConfig(root: string): Promise<LoadedConfig> {
  const { raw, module, file } = await importSiteConfig(root);
  return { ...validateSiteConfig(raw, root, file), module, plainData: isPlainData(raw) };
}

export function validateConfig(raw: unknown, root: string, file = path.join(root, CONFIG_FILE)): ResolvedConfig {
  return validateSiteConfig(raw, root, file).config;
}

export function validateSiteConfig(raw: unknown, root: string, file = path.join(root, CONFIG_FILE)): Omit<LoadedConfig, 'module' | 'plainData'> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ContentError('must export default defineConfig({ … })', { file });
  }
  const input = raw as Record<string, unknown>;
  const errors: ContentError[] = [];
  const core: Record<string, unknown> = {};
  const sections: Record<string, unknown> = {};
  const builtins = new Map(builtinPlugins.map((factory) => [factory.definition.configKey, factory.definition]));

  for (const [key, value] of Object.entries(input)) {
    if (key === 'plugins') continue;
    if (key in coreSchema.shape) core[key] = value;
    else if (builtins.has(key)) sections[key] = value;
    else errors.push(unknownKey(key, file, [...Object.keys(coreSchema.shape), ...builtins.keys(), 'plugins']));
  }

  const coreResult = coreSchema.safeParse(core);
  if (!coreResult.success) errors.push(...issuesToErrors(coreResult.error, '', file));

  // The built-ins first, in their order, then the site's own in the order it lists them: one list, one API.
  const uses: Array<{ use: PluginUse; prefix: string }> = [];
  for (const [key, definition] of builtins) {
    const value = sections[key];
    if (value === false) continue; // a plugin turned off
    uses.push({ use: { kind: 'solarpress.plugin', definition, options: value ?? {} }, prefix: key });
  }
  uses.push(...listedPlugins(input.plugins, file, errors, new Set(builtins.keys())));

  const pluginOptions: Record<string, unknown> = {};
  const plugins: ConfiguredPlugin[] = [];
  for (const { use, prefix } of uses) {
    const result = use.definition.schema.safeParse(use.options);
    if (!result.success) {
      errors.push(...issuesToErrors(result.error, prefix, file));
      continue;
    }
    pluginOptions[use.definition.configKey] = result.data;
    plugins.push({ definition: use.definition, options: result.data });
  }

  if (errors.length > 0) throw new ContentErrors(errors);
  return { config: { ...coreResult.data!, root, pluginOptions }, plugins };
}

/** The `plugins` list: factories' results only, each name once, none a built-in (those have a section). */
function listedPlugins(value: unknown, file: string, errors: ContentError[], builtinKeys: Set<string>): Array<{ use: PluginUse; prefix: string }> {
  if (value === undefined) return [];
  const example = 'list what plugin factories return: plugins: [myPlugin({ … })]';
  if (!Array.isArray(value)) {
    errors.push(new ContentError('"plugins" must be a list', { file }, example));
    return [];
  }
  const out: Array<{ use: PluginUse; prefix: string }> = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    if (!isPluginUse(item)) {
      const hint = typeof item === 'function' ? 'call the factory: plugins: [myPlugin()] rather than plugins: [myPlugin]' : example;
      errors.push(new ContentError(`"plugins[${i}]" is not a plugin`, { file }, hint));
      return;
    }
    const key = item.definition.configKey;
    if (builtinKeys.has(key)) {
      errors.push(new ContentError(`"plugins[${i}]": ${key} is built in`, { file }, `configure it with its own section (${key}: { … }), or set ${key}: false to turn it off`));
    } else if (seen.has(key)) {
      errors.push(new ContentError(`"plugins[${i}]": the ${key} plugin is listed twice`, { file }, 'list each plugin once, with all its options'));
    } else {
      seen.add(key);
      out.push({ use: item, prefix: `plugins.${key}` });
    }
  });
  return out;
}

function unknownKey(key: string, file: string, known: string[]): ContentError {
  return new ContentError(`unknown key "${key}"${didYouMean(key, known)}`, { file }, `known keys: ${known.join(', ')}`);
}

function issuesToErrors(error: z.ZodError, prefix: string, file: string): ContentError[] {
  return error.issues.map((issue) => {
    const keyPath = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (keyPath ? `${keyPath}.${k}` : k));
      return new ContentError(`unknown key ${keys.map((k) => `"${k}"`).join(', ')}`, { file }, 'remove it or check its spelling in the configuration reference (README.md)');
    }
    return new ContentError(`"${keyPath || '(root)'}": ${issue.message}`, { file }, 'see the configuration reference in README.md');
  });
}
