/**
 * The zine-editions plugin: each zine issue as an EPUB to carry on an e-reader, and, when switched
 * on, as an A5 PDF and a booklet to fold and staple — from the same Markdown as the website. See
 * README.md.
 */
import { statSync } from 'node:fs';
import type { Attachment, BuildContext, Page, Site } from '../../src/types.ts';
import { definePlugin } from '../../src/define-plugin.ts';
import { zineCommand } from './command.ts';
import { makeEditions, type Made } from './make.ts';
import { zineEditionsSchema, type ZineEditionsOptions } from './options.ts';

export { zineEditionsSchema, type ZineEditionsOptions, type ZineEditionsOptionsInput } from './options.ts';
export { editionLinks, type EditionLink } from './links.ts';

/** Part of every cache key of the editions: bump it when what they hold changes. */
export const EDITIONS_VERSION = '1';

function attach(site: Site, page: Page, attachment: Attachment): void {
  site.attachments ??= new Map();
  site.attachments.set(page.id, [...(site.attachments.get(page.id) ?? []), attachment]);
}

async function buildEnd(ctx: BuildContext, site: Site, options: ZineEditionsOptions): Promise<void> {
  const started = performance.now();
  const made: Made[] = await makeEditions(ctx, site, {
    epub: options.epub,
    pdf: options.pdf,
    booklet: options.booklet,
    guides: options.guides,
    printerMargin: options.printerMargin,
    chromium: options.chromium,
  });
  for (const book of made) {
    ctx.emitFile(book.outputPath, book.file);
    if (book.page) {
      attach(site, book.page, { url: '/' + book.outputPath, type: book.type, bytes: statSync(book.file).size, title: book.title });
    }
  }
  if (made.length > 0) {
    const fresh = made.filter((m) => m.fresh).length;
    ctx.log.info(`zine: ${made.length} editions (${fresh} made, ${made.length - fresh} cached) in ${Math.round(performance.now() - started)} ms`);
  }
}

const zineEditions = definePlugin({
  name: 'zine-editions',
  configKey: 'zine',
  schema: zineEditionsSchema,
  setup(options) {
    return {
      version: EDITIONS_VERSION,
      async buildEnd(ctx, site) {
        await buildEnd(ctx, site, options);
      },
      commands: [zineCommand],
    };
  },
});

export default zineEditions;
