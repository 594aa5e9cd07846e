/**
 * What site.config.ts imports (`import { defineConfig } from 'solarpress'`). Types only besides the
 * identity function, so a site's config bundles to a few bytes instead of pulling in zod and the plugins.
 */
import type { SiteConfigInput } from './config.ts';

export type { SiteConfigInput };

/** Typed identity for site.config.ts: `export default defineConfig({ … })`. */
export function defineConfig<T extends SiteConfigInput>(config: T): T {
  return config;
}
