/** The site's config file, relative to its root. A module of its own so plugins can name it without loading the config loader. */
export const CONFIG_FILE = 'site.config.ts';
