/** The `sitemap` section of site.config.ts. */
import * as z from 'zod';

export const sitemapSchema = z.strictObject({
  /** Write a robots.txt (allowing everything, naming the sitemap) when the static folder has none. */
  robots: z.boolean().default(true),
});

export type SitemapOptions = z.output<typeof sitemapSchema>;
export type SitemapOptionsInput = z.input<typeof sitemapSchema>;
