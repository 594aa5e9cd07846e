/** Generated lists: a category or a tag, the archive by year, and the 404 page. */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Layout, Page, Site } from '../../src/types.ts';
import { element, postList, timeElement } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { showing } from '../lib/reads.ts';
import { yearOf } from '../lib/dates.ts';
import { archiveUrl, categoryUrl, tagUrl } from '../lib/urls.ts';

export type TermKind = 'category' | 'tag';

/** What a generated list page lists: stored in its Page's data by routes(). */
export interface TermData {
  termKind: TermKind;
  /** The names listed (several when they differ only in spelling: 'XMPP', 'xmpp'). */
  terms: string[];
}

function termOf(page: Page): TermData {
  const { termKind, terms } = page.data as Partial<TermData>;
  if ((termKind !== 'category' && termKind !== 'tag') || !Array.isArray(terms) || !terms.length)
    throw new Error(`theme: page ${page.id} uses the 'list' layout without data.termKind and data.terms`);
  return { termKind, terms };
}

/** The pages under a term, newest first, each once. */
export function termPages(site: Site, { termKind, terms }: TermData): Page[] {
  const map = termKind === 'category' ? site.categories : site.tags;
  const pages = new Set(terms.flatMap((t) => map.get(t) ?? []));
  return [...pages].sort((a, b) => (b.date?.getTime() ?? 0) - (a.date?.getTime() ?? 0));
}

export const list: Layout = showing((ctx) => {
  const { page, site } = ctx;
  const t = termOf(page);
  const pages = termPages(site, t);
  const name = t.terms[0];
  const heading = t.termKind === 'category' ? name.charAt(0).toUpperCase() + name.slice(1) : `Tagged “${name}”`;
  return documentLayout(ctx, {
    title: page.title,
    description: `${pages.length} ${pages.length === 1 ? 'piece' : 'pieces'} ${t.termKind === 'tag' ? `tagged ${name}` : `in ${name}`} on ${ctx.config.title}.`,
    bodyClass: 'layout-list',
    main: [
      h('header.intro', [
        h('p.kicker', h('span', t.termKind === 'category' ? 'Category' : 'Tag')),
        h('h1.title', heading),
        h('p.list-count', `${pages.length} ${pages.length === 1 ? 'piece' : 'pieces'}`),
      ]),
      postList(pages, ctx, { kicker: t.termKind === 'tag' }),
    ],
  });
}, (page, site) => termPages(site, termOf(page)));

/** A zine issue and its parts in print order (the cover first), when they share a date. */
function issueOrder(a: Page, b: Page): number {
  const issueOf = (p: Page) => (p.kind === 'zine-issue' ? p.id : p.kind === 'zine-part' ? p.issue : undefined);
  const ia = issueOf(a);
  if (!ia || ia !== issueOf(b)) return 0;
  const rank = (p: Page) => (p.kind === 'zine-issue' ? -1 : (p.order ?? 0));
  return rank(a) - rank(b);
}

/** Every page the archive lists or counts under its categories and tags: all but plain and generated pages. */
const archived = (site: Site) => site.pages.filter((p) => p.kind !== 'page' && p.kind !== 'generated');

/** Every dated page except plain pages, newest first, grouped by year. */
export function archiveYears(site: Site): Array<[number, Page[]]> {
  const dated = archived(site)
    .filter((p) => p.date)
    .sort((a, b) => b.date!.getTime() - a.date!.getTime() || issueOrder(a, b) || a.title.localeCompare(b.title));
  const years = new Map<number, Page[]>();
  for (const p of dated) {
    const y = yearOf(p.date!);
    years.set(y, [...(years.get(y) ?? []), p]);
  }
  return [...years];
}

const kindLabel: Record<string, string> = { article: 'Article', guide: 'Guide', 'zine-issue': 'Zine', 'zine-part': 'Zine' };

function termIndex(id: string, title: string, names: string[], url: (n: string) => string, counts: Map<string, Page[]>): Element | undefined {
  if (!names.length) return undefined;
  return h('section.term-index', { ariaLabelledBy: id }, [
    h('h2', { id }, title),
    h('ul.tags', names.map((n) => h('li', h('a', { href: url(n) }, [n, h('span.count', ` (${counts.get(n)?.length ?? 0})`)])))),
  ]);
}

export const archive: Layout = showing((ctx) => {
  const { site, config } = ctx;
  const years = archiveYears(site);
  const total = years.reduce((n, [, ps]) => n + ps.length, 0);
  return documentLayout(ctx, {
    title: 'Archive',
    description: `Everything published on ${config.title}, by year.`,
    bodyClass: 'layout-archive',
    main: [
      h('header.intro', [h('h1.title', 'Archive'), h('p.list-count', `${total} pieces, newest first`)]),
      ...years.map(([year, pages]) =>
        h('section.archive-year', { ariaLabelledBy: `y${year}` }, [
          h('h2.year', { id: `y${year}` }, String(year)),
          h(
            'ol.archive-list',
            pages.map((p) =>
              element('li', {}, [
                timeElement(p.date!, config.language),
                ' ',
                element('a', { href: p.url }, [p.title]),
                element('span', { className: ['kind'] }, [` ${kindLabel[p.kind] ?? ''}`]),
              ]),
            ),
          ),
        ]),
      ),
      termIndex('archive-categories', 'Categories', [...site.categories.keys()].sort(), categoryUrl, site.categories),
      termIndex('archive-tags', 'Tags', [...site.tags.keys()].sort((a, b) => a.localeCompare(b)), tagUrl, site.tags),
    ].filter((e): e is Element => !!e),
  });
}, (_page, site) => archived(site));

export const notFound: Layout = showing((ctx) => {
  const { site } = ctx;
  return documentLayout(ctx, {
    title: 'Page not found',
    description: 'There is nothing at this address.',
    bodyClass: 'layout-not-found',
    main: [
      h('header.intro', [h('p.kicker', h('span', 'Error 404')), h('h1.title', 'Page not found')]),
      h('div.prose', [
        h('p', [
          'There is nothing at this address. It may have moved, or the link that brought you here is wrong. ',
          'Try ',
          h('a', { href: '/' }, 'the front page'),
          ' or ',
          h('a', { href: archiveUrl }, 'the archive of everything we have published'),
          '.',
        ]),
      ]),
      site.posts.length
        ? h('section.home-latest', { ariaLabelledBy: 'nf-latest' }, [
            h('h2.rubric', { id: 'nf-latest' }, 'Latest'),
            postList(notFoundLatest(site), ctx, { rank: 3 }),
          ])
        : undefined,
    ].filter((e): e is Element => !!e),
  });
}, (_page, site) => notFoundLatest(site));

function notFoundLatest(site: Site): Page[] {
  return site.posts.slice(0, 3);
}
