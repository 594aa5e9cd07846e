/**
 * site.config.ts: its schema, defaults, and loading with errors that name the key.
 * Plugin sections (dither, feed, server) and the plugins a site lists in `plugins` are validated by
 * the plugins' own schemas (src/config-load.ts).
 */
import * as z from 'zod';
import type { DitherOptionsInput } from '../plugins/dither/options.ts';
import type { FeedOptionsInput } from '../plugins/feed/options.ts';
import type { ServerOptionsInput } from '../plugins/nginx/options.ts';
import type { SitemapOptionsInput } from '../plugins/sitemap/options.ts';
import type { precompressSchema } from '../plugins/precompress/options.ts';
import type { ZineEditionsOptionsInput } from '../plugins/zine-editions/options.ts';
import type { PluginUse } from './define-plugin.ts';
import { DEFAULT_CACHE_DIR } from './config-file.ts';

const person = z.strictObject({
  name: z.string().min(1),
  email: z.string().email().optional(),
  url: z.string().url().optional(),
});

export const coreSchema = z.strictObject({
  /** Site title, in every page's header and the feeds. */
  title: z.string().min(1),
  subtitle: z.string().default(''),
  /** Public base URL, no trailing slash: feeds and canonical links are absolute against it. */
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, '')),
  /** BCP 47 language tag of the content. */
  language: z.string().default('en'),
  author: person,
  license: z.strictObject({ name: z.string().min(1), url: z.string().url() }),
  /** Folder of the Markdown sources, relative to the project root. */
  contentDir: z.string().default('content'),
  /** Files published as they are (robots.txt, favicon.ico, .well-known/, PDFs), at the same path. */
  staticDir: z.string().default('static'),
  /** Folder the build writes; replaced whole at the end of a successful build. */
  outDir: z.string().default('dist'),
  /** Folder of the incremental cache (safe to delete). */
  cacheDir: z.string().default(DEFAULT_CACHE_DIR),
  /** Folder of the theme (a module exporting a Theme as default from index.ts), relative to the site; left out: the site's theme/ if there is one, else the solar theme of the installed solarpress. */
  theme: z.string().min(1).optional(),
  /** Facts about the board the site runs on, shown by the theme. */
  board: z
    .strictObject({
      location: z.string().default(''),
      timezone: z.string().default('Europe/Amsterdam'),
      hardware: z.string().default(''),
      /** Where the theme fetches live power statistics (written by scripts/solar-stats.sh). */
      statsUrl: z.string().default('/api/stats.json'),
    })
    .prefault({}),
  /** Page-weight budgets, checked at build (compressed bytes). */
  budgets: z
    .strictObject({
      /** Warn when a page (HTML + CSS + JS + images, compressed) weighs more than this many KB. */
      pageKB: z.number().positive().default(200),
      /** Fail when the theme's CSS + JS as published (minified, uncompressed) exceed this many KB. */
      assetsKB: z.number().positive().default(12),
    })
    .prefault({}),
  /** Syntax highlighting of fenced code that names its language, at build time (classes the theme colours). */
  highlight: z.boolean().default(true),
  /** Local preview server. */
  dev: z
    .strictObject({
      port: z.number().int().min(1).max(65535).default(4000),
      host: z.string().default('127.0.0.1'),
      /** Host names the preview answers besides IP addresses, localhost and dev.host ('.example.org': it and its subdomains). */
      allowedHosts: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  /** Where `solarpress deploy` sends the site. */
  deploy: z
    .strictObject({
      host: z.string().default(''),
      user: z.string().default(''),
      port: z.number().int().min(1).max(65535).default(22),
      /** Directory on the board holding releases/, current -> releases/<id> and api/. */
      path: z.string().default('/var/www/solarpress'),
      /** Private key for ssh (optional: ssh's own defaults otherwise). */
      key: z.string().optional(),
      /** How many releases to keep for --rollback. */
      keep: z.number().int().min(1).default(5),
    })
    .prefault({}),
});

export type CoreConfig = z.output<typeof coreSchema>;
export type CoreConfigInput = z.input<typeof coreSchema>;

/** The validated config: core keys, each plugin's section, and where the project lives. */
export type ResolvedConfig = CoreConfig & {
  /** Absolute project root. */
  root: string;
  /**
   * Each enabled plugin's validated options by its config key: a built-in's section ('dither',
   * 'feed', 'server'), a listed plugin's name. Data only (hashed, sent to worker threads).
   */
  pluginOptions: Record<string, unknown>;
};

/**
 * What site.config.ts may hold: the core keys, each built-in plugin's section (or false to turn it
 * off), and the site's own plugins, `plugins: [myPlugin({ … })]`, whose options their factories type.
 */
export type SiteConfigInput = CoreConfigInput & {
  plugins?: PluginUse[];
  dither?: DitherOptionsInput | false;
  feed?: FeedOptionsInput | false;
  server?: ServerOptionsInput | false;
  precompress?: z.input<typeof precompressSchema> | false;
  sitemap?: SitemapOptionsInput | false;
  zine?: ZineEditionsOptionsInput | false;
};
