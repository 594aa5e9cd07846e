/**
 * What a book is made of: an edition is a title, a cover, and pages in reading order — a zine
 * issue (its parts in print order) or the "offline edition" of the guides. The EPUB and the print
 * edition are both made from it; its key names everything they are made from, for the caches.
 */
import { createHash } from 'node:crypto';
import type { Element, Root } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import { pageMetadata } from '../../src/site.ts';
import { editionPaths } from './paths.ts';
import type { Page, ResolvedConfig, Site, ZineIssue } from '../../src/types.ts';

export interface Edition {
  /** File-name stem: the issue folder ('ilu-9') or 'guides'. */
  slug: string;
  title: string;
  /** The cover's lines, big capitals (the issue's first paragraph, as the theme sets it; else the title). */
  coverLines: string[];
  authors: string[];
  language: string;
  /** Publication date (the issue's); undefined when no page has one. */
  date?: Date;
  /** The newest `updated`/`date` of its pages: the EPUB's dcterms:modified. */
  modified: Date;
  /** Stable across builds: a name-based UUID of the edition's web address. */
  identifier: string;
  /** Absolute URL of the edition on the web (the issue's cover page, or the site). */
  webUrl: string;
  /** Where the EPUB is published (output path, no leading slash). */
  epubPath: string;
  /** The issue's cover page, when the edition is an issue. */
  index?: Page;
  parts: Page[];
}

/** A name-based (version 5 style, SHA-1) UUID: the same name always gives the same identifier. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update('solarpress-edition:').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The lines of the first paragraph when it is a cover (set in short lines, broken by <br>). */
function coverLinesOf(index: Page): string[] | undefined {
  const first = index.body?.children.find((c): c is Element => c.type === 'element');
  if (!first || first.tagName !== 'p') return undefined;
  const lines: string[] = [''];
  for (const child of first.children) {
    if (child.type === 'element' && child.tagName === 'br') lines.push('');
    else lines[lines.length - 1] += hastToString(child as Root['children'][number] as Element);
  }
  const clean = lines.map((l) => l.trim()).filter(Boolean);
  return clean.length >= 2 ? clean : undefined;
}

function newest(pages: Page[]): Date {
  const times = pages.map((p) => (p.updated ?? p.date)?.getTime() ?? 0);
  return new Date(Math.max(0, ...times));
}

function authorsOf(pages: Page[], config: ResolvedConfig): string[] {
  const names = [...new Set(pages.flatMap((p) => p.authors))];
  return names.length > 0 ? names : [config.author.name];
}

export function issueEdition(zine: ZineIssue, config: ResolvedConfig): Edition {
  const { index, parts } = zine;
  const slug = index.url.split('/').filter(Boolean).pop()!;
  return {
    slug,
    title: index.title,
    coverLines: coverLinesOf(index) ?? [index.title],
    authors: authorsOf([index, ...parts], config),
    language: config.language,
    date: index.date,
    modified: newest([index, ...parts]),
    identifier: nameUuid(config.url + index.url),
    webUrl: config.url + index.url,
    epubPath: editionPaths(index.url).epub,
    index,
    parts,
  };
}

/** The guides, oldest first (a guide may build on an earlier one), as one book. */
export function guidesEdition(site: Site, epubPath: string): Edition | undefined {
  const { config } = site;
  const parts = site.pages.filter((p) => p.kind === 'guide').reverse();
  if (parts.length === 0) return undefined;
  const title = `${config.title}: the guides`;
  return {
    slug: 'guides',
    title,
    coverLines: [config.title, 'Guides', 'Offline edition'],
    authors: authorsOf(parts, config),
    language: config.language,
    date: newest(parts),
    modified: newest(parts),
    identifier: nameUuid(config.url + epubPath),
    webUrl: config.url + '/',
    epubPath: epubPath.slice(1),
    parts,
  };
}

/** Every zine issue that is published (drafts left out unless the build shows them). */
export function issueEditions(site: Site, drafts: boolean): Edition[] {
  return site.zines.filter((z) => drafts || !z.index.draft).map((z) => issueEdition({ ...z, parts: z.parts.filter((p) => drafts || !p.draft) }, site.config));
}

/**
 * Everything a book of this edition is made from: the pages' metadata and content hashes, every
 * page's address (links to them are printed), the site facts a book states, and what the caller
 * adds (plugin version, options).
 */
export function editionKey(edition: Edition, site: Site, ...extra: string[]): string {
  const hash = createHash('sha256');
  for (const x of extra) hash.update(x).update('\0');
  const { url, title, language, author, license } = site.config;
  hash.update(JSON.stringify({ url, title, language, author, license, edition: { ...edition, index: undefined, parts: undefined } }));
  for (const page of [edition.index, ...edition.parts]) {
    if (page) hash.update(pageMetadata(page)).update('\0').update(page.contentHash ?? '').update('\0');
  }
  for (const page of site.pages) hash.update(page.url).update('\0');
  return hash.digest('hex').slice(0, 32);
}
