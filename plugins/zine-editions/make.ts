/**
 * Making the editions a build (or `solarpress zine`) asks for, each through the cache: an EPUB per
 * issue (and of the guides), and the print edition (A5 PDF, booklet) when switched on. Chromium is
 * loaded only for the print edition.
 */
import { existsSync } from 'node:fs';
import type { CacheStore } from '../../src/cache/store.js';
import { ContentError } from '../../src/errors.ts';
import type { Logger, Page, ResolvedConfig, Site } from '../../src/types.ts';
import { cachedBook, STORE_VERSION } from './cache.ts';
import { editionKey, guidesEdition, issueEditions, type Edition } from './edition.ts';
import { makeEpub, MissingImageError, type ReadOutput } from './epub.ts';
import { editionPaths } from './paths.ts';

/** Bump when a book's bytes change for the same input. */
const BOOKS_VERSION = 'books-2';

export interface Wanted {
  epub: boolean;
  pdf: boolean;
  booklet: boolean;
  /** Output path of the guides' EPUB (site-absolute), or false. */
  guides: false | string;
  printerMargin: number;
  chromium: string;
  /** Only this issue (its folder name); every issue when undefined. */
  issue?: string;
}

export interface Made {
  /** Where it is published (output path, no leading slash). */
  outputPath: string;
  /** The cached file. */
  file: string;
  /** Made now (not from the cache). */
  fresh: boolean;
  type: string;
  title: string;
  /** The page it is published for (the issue's cover page). */
  page?: Page;
}

export interface MakeContext {
  config: ResolvedConfig;
  drafts: boolean;
  /** A store of the build's cache (BuildContext.cache). */
  cache(name: string, version: string): CacheStore;
  read: ReadOutput;
  log: Logger;
}

function explain(error: unknown, edition: Edition): never {
  if (error instanceof MissingImageError) {
    throw new ContentError(error.message, { file: edition.index?.source ?? 'site.config.ts' }, 'publish the image with the page, or remove it');
  }
  throw error;
}

export function checkChromium(chromium: string): void {
  if (!existsSync(chromium)) {
    throw new ContentError(
      `the print edition of the zine needs Chromium, and there is none at ${chromium}`,
      { file: 'site.config.ts' },
      'install it (Debian: apt-get install chromium), set zine.chromium to where it is, or set zine.pdf and zine.booklet to false',
    );
  }
}

export async function makeEditions(ctx: MakeContext, site: Site, wanted: Wanted): Promise<Made[]> {
  const { config } = site;
  const store = ctx.cache('zine-editions', STORE_VERSION);
  const made: Made[] = [];
  const issues = issueEditions(site, ctx.drafts).filter((e) => wanted.issue === undefined || e.slug === wanted.issue);
  if (wanted.issue !== undefined && issues.length === 0) {
    const known = site.zines.map((z) => z.index.url.split('/').filter(Boolean).pop()).join(', ') || 'none';
    throw new ContentError(`there is no zine issue "${wanted.issue}"`, { file: config.contentDir + '/zine' }, `the issues are: ${known}`);
  }
  const epub = async (edition: Edition, page?: Page) => {
    const key = editionKey(edition, site, BOOKS_VERSION, 'epub');
    const { file, fresh } = await cachedBook(store, key, `${edition.slug}-epub`, () => makeEpub(edition, config, ctx.read).catch((e) => explain(e, edition)));
    made.push({ outputPath: edition.epubPath, file, fresh, type: 'application/epub+zip', title: `${edition.title} (EPUB)`, page });
  };
  for (const edition of issues) {
    if (wanted.epub) await epub(edition, edition.index);
    if (wanted.pdf || wanted.booklet) {
      checkChromium(wanted.chromium);
      // Chromium and pdf-lib load only when the print edition is asked for.
      const { printPdf, bookletPdf } = await import('./print/index.ts');
      const paths = editionPaths(edition.index!.url);
      const key = editionKey(edition, site, BOOKS_VERSION, 'pdf');
      const makePdf = () => printPdf(edition, config, ctx.read, {
          chromium: wanted.chromium,
          overflow: (what) => ctx.log.warn(`zine: wider than the A5 page, clipped in print: ${what}`, { file: edition.index?.source ?? edition.slug }),
        }).catch((e) => explain(e, edition));
      const pdf = await cachedBook(store, key, `${edition.slug}-a5-pdf`, makePdf);
      if (wanted.pdf) made.push({ outputPath: paths.pdf, file: pdf.file, fresh: pdf.fresh, type: 'application/pdf', title: `${edition.title} (PDF, A5)`, page: edition.index });
      if (wanted.booklet) {
        const bookletKey = `${key.slice(0, 24)}m${Math.round(wanted.printerMargin * 100)}`;
        const booklet = await cachedBook(store, bookletKey, `${edition.slug}-booklet-pdf`, () =>
          bookletPdf(pdf.bytes(), { printerMargin: wanted.printerMargin }),
        );
        made.push({ outputPath: paths.booklet, file: booklet.file, fresh: booklet.fresh, type: 'application/pdf', title: `${edition.title} (booklet to print)`, page: edition.index });
      }
    }
  }
  if (wanted.guides !== false && wanted.issue === undefined) {
    const guides = guidesEdition(site, wanted.guides);
    if (guides) await epub(guides);
  }
  return made;
}
