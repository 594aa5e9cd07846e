/** The site's config file, relative to its root. A module of its own so plugins can name it without loading the config loader. */
export const CONFIG_FILE = 'site.config.ts';

/** The cache folder when the config names none: known without validating the config (src/build-inputs.ts). */
export const DEFAULT_CACHE_DIR = '.solarpress-cache';
