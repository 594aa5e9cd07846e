/**
 * What a plugin is written with, built-in or a site's own: `import { definePlugin, z } from
 * 'solarpress/plugin'` (README.md, "Plugins").
 */
export { definePlugin, isPluginUse, type PluginFactory, type PluginUse } from './define-plugin.ts';
export { z } from 'zod';
export type { BuildContext, CommandEnv, CommandSpec, FileApi, Page, PluginDefinition, ResolvedConfig, Site, SolarpressPlugin } from './types.ts';
export { fileApi } from './markdown/file-api.ts';
export { parseFlags } from './cli/flags.ts';
export { UsageError, ContentError } from './errors.ts';
export { startWorker, workerEntry } from './threads.ts';
