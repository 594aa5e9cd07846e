/**
 * The plugins' remark plugins in a text worker thread. Plugins are code, which cannot be sent to a
 * thread: the worker imports the config's module the main thread bundled and sets up the same
 * plugins from it. That loads the config, its validation and every plugin's code (most of the
 * worker's bundle), so text-worker-main.ts imports this module only when a plugin has remark plugins.
 */
import type { PluggableList } from 'unified';
import { validateSiteConfig } from '../config-load.ts';
import { importBundled } from '../import-fresh.ts';
import { setupPlugins } from '../plugins.ts';
import type { WorkerInit } from './text-workers.ts';

export async function configRemarkPlugins(init: WorkerInit): Promise<PluggableList> {
  const loaded = validateSiteConfig((await importBundled(init.configModule)).default, init.root);
  return setupPlugins(loaded).flatMap((p) => p.remarkPlugins ?? []);
}
