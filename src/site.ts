/**
 * The site model the theme and plugins see: pages sorted, posts, zine issues with their parts in
 * print order, categories and tags, and the theme's generated pages.
 */
import { ContentError } from './errors.ts';
import type { Page, ResolvedConfig, Site, Theme, ZineIssue } from './types.ts';

/** English collation, made once: `localeCompare(b, 'en')` looks the collator up on every call. */
const english = new Intl.Collator('en');

/** Newest first; undated pages last; then by title, then id, so the order never depends on the file system. */
export function byDateDesc(a: Page, b: Page): number {
  const da = a.date?.getTime() ?? -Infinity;
  const db = b.date?.getTime() ?? -Infinity;
  if (da !== db) return db - da;
  return english.compare(a.title, b.title) || (a.id < b.id ? -1 : 1);
}

/**
 * A page's metadata as JSON, for fingerprints of what pages show of each other: everything but its
 * body and what is derived from the body alone (headings, word count, content hash). Page objects
 * stay the same while their source and body do (build.ts), so a rebuild serializes only the pages
 * that changed.
 */
export function pageMetadata(page: Page): string {
  let json = metadataMemo.get(page);
  if (json === undefined) {
    // (body is not enumerable: naming it here would load every cached tree.)
    const { headings, wordCount, contentHash, source, ...meta } = page;
    json = JSON.stringify(meta);
    metadataMemo.set(page, json);
  }
  return json;
}
const metadataMemo = new WeakMap<Page, string>();

export function assembleSite(config: ResolvedConfig, contentPages: Page[], theme: Theme): Site {
  const pages = [...contentPages].sort(byDateDesc);
  const byId = new Map(pages.map((p) => [p.id, p]));
  const zines: ZineIssue[] = pages
    .filter((p) => p.kind === 'zine-issue')
    .map((index) => ({
      index,
      parts: pages.filter((p) => p.kind === 'zine-part' && p.issue === index.id).sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || (a.id < b.id ? -1 : 1)),
    }));
  const orphan = pages.find((p) => p.kind === 'zine-part' && !byId.has(p.issue!));
  if (orphan) throw new ContentError('is a zine part but its issue has no index.md', { file: orphan.source! }, `add ${orphan.issue} with the issue's front matter`);

  const listed = (p: Page) => p.kind !== 'page';
  const categories = groupBy(pages.filter(listed), (p) => (p.category ? [p.category] : []));
  const tags = groupBy(pages.filter(listed), (p) => p.tags);
  const site: Site = {
    config,
    pages,
    byId,
    byUrl: new Map(pages.map((p) => [p.url, p])),
    posts: pages.filter((p) => p.kind === 'article' || p.kind === 'guide'),
    zines,
    categories,
    tags,
    attachments: new Map(),
  };
  for (const generated of theme.routes?.(site) ?? []) {
    const clash = site.byUrl.get(generated.url);
    if (clash) throw new ContentError(`permalink ${generated.url} is taken by a page the theme generates`, { file: clash.source ?? clash.id }, 'give the page another `slug:`');
    site.pages.push(generated);
    site.byId.set(generated.id, generated);
    site.byUrl.set(generated.url, generated);
  }
  return site;
}

function groupBy(pages: Page[], keys: (p: Page) => string[]): Map<string, Page[]> {
  const map = new Map<string, Page[]>();
  for (const page of pages) {
    for (const key of keys(page)) {
      if (!map.has(key)) map.set(key, []);
      map.get(key)!.push(page);
    }
  }
  return new Map([...map].sort(([a], [b]) => english.compare(a, b)));
}
