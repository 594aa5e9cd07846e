/**
 * The `feed` section of site.config.ts.
 */
import * as z from 'zod';
import type { Kind } from '../../src/types.ts';

const kinds = ['article', 'guide', 'page', 'zine-issue', 'zine-part'] as const satisfies readonly Kind[];

/** A site-absolute path of a file: '/feed.xml', '/feeds/atom.xml'. */
const filePath = z
  .string()
  .regex(/^(\/[^/?#\s]+)+$/, 'must be a site-absolute file path such as /feed.xml (no query, no trailing slash)');

/** A site-absolute folder: '/category/'. */
const dirPath = z.string().regex(/^\/([^/?#\s]+\/)*$/, 'must be a site-absolute folder such as /category/ (ending in /)');

export const feedSchema = z
  .strictObject({
    /** Which kinds of page become feed items. */
    kinds: z.array(z.enum(kinds)).min(1).default(['article', 'guide', 'zine-part']),
    /** At most this many items per feed, newest first; leave out for every item (the whole site offline). */
    limit: z.number().int().positive().optional(),
    /** Also one feed per category, under `categoryBase<slug>/`. */
    perCategory: z.boolean().default(false),
    /** Where per-category feeds go: '/category/' gives '/category/<slug>/feed.xml'. */
    categoryBase: dirPath.default('/category/'),
    /** Also one feed per zine issue, beside the issue page ('/zine/<issue>/feed.xml'). */
    perIssue: z.boolean().default(true),
    /** Where the site-wide feeds are written; per-category and per-issue feeds reuse the file names. */
    paths: z
      .strictObject({
        rss: filePath.default('/feed.xml'),
        atom: filePath.default('/atom.xml'),
        json: filePath.default('/feed.json'),
      })
      .prefault({}),
    /** Feed title; the site title by default. */
    title: z.string().min(1).optional(),
    /** Feed description; the site subtitle by default. */
    description: z.string().optional(),
  })
  .refine((o) => new Set([o.paths.rss, o.paths.atom, o.paths.json]).size === 3, {
    message: 'rss, atom and json must be three different files',
    path: ['paths'],
  })
  .refine(
    (o) => new Set([o.paths.rss, o.paths.atom, o.paths.json].map((p) => p.slice(p.lastIndexOf('/')))).size === 3,
    { message: 'rss, atom and json need different file names (per-issue and per-category feeds reuse them)', path: ['paths'] },
  );

export type FeedOptions = z.output<typeof feedSchema>;
export type FeedOptionsInput = z.input<typeof feedSchema>;
