/**
 * Loads site.config.ts and validates it: the core keys against coreSchema, each plugin section
 * against its plugin's schema, and any other key is an error naming it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { CONFIG_FILE } from './config-file.ts';
import { coreSchema, type ResolvedConfig } from './config.ts';
import { ContentError, ContentErrors } from './errors.ts';
import { builtinPlugins } from './plugins.ts';
import { importFresh } from './import-fresh.ts';

export async function loadConfig(root: string): Promise<ResolvedConfig> {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new ContentError(`no ${CONFIG_FILE} here`, { file: root }, `run solarpress in the site's folder (the one with ${CONFIG_FILE}), or start a site here with: npx solarpress init`);
  }
  let raw: unknown;
  try {
    raw = (await importFresh(file)).default;
  } catch (error) {
    if (error instanceof ContentError) throw error;
    throw new ContentError(`cannot load: ${(error as Error).message.split('\n')[0]}`, { file }, 'fix the error in the config file');
  }
  return validateConfig(raw, root, file);
}

export function validateConfig(raw: unknown, root: string, file = path.join(root, CONFIG_FILE)): ResolvedConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ContentError('must export default defineConfig({ … })', { file });
  }
  const input = raw as Record<string, unknown>;
  const errors: ContentError[] = [];
  const core: Record<string, unknown> = {};
  const sections: Record<string, unknown> = {};
  const pluginKeys = new Map(builtinPlugins.map((p) => [p.configKey, p]));

  for (const [key, value] of Object.entries(input)) {
    if (key in coreSchema.shape) core[key] = value;
    else if (pluginKeys.has(key)) sections[key] = value;
    else errors.push(unknownKey(key, file, [...Object.keys(coreSchema.shape), ...pluginKeys.keys()]));
  }

  const coreResult = coreSchema.safeParse(core);
  if (!coreResult.success) errors.push(...issuesToErrors(coreResult.error, '', file));

  const plugins: Record<string, unknown> = {};
  for (const [key, definition] of pluginKeys) {
    const value = sections[key];
    if (value === false) continue; // a plugin turned off
    const result = definition.schema.safeParse(value ?? {});
    if (result.success) plugins[key] = result.data;
    else errors.push(...issuesToErrors(result.error, key, file));
  }

  if (errors.length > 0) throw new ContentErrors(errors);
  return { ...coreResult.data!, root, plugins };
}

function unknownKey(key: string, file: string, known: string[]): ContentError {
  return new ContentError(`unknown key "${key}"`, { file }, `known keys: ${known.join(', ')}`);
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
