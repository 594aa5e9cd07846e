/** Articles, guides and zine parts: a piece of writing with its header, body and end matter. */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Layout, LayoutContext, Page, Site } from '../../src/types.ts';
import { authorBio, bodyOf, byline, categoryLink, pager, tableOfContents, tagList } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { showing } from '../lib/reads.ts';
import { zineOf } from '../lib/site-map.ts';

function entryHeader(page: Page, ctx: LayoutContext, kicker: Element | undefined): Element {
  return h('header.intro', [
    kicker,
    // Long titles (a guide's full title) step down a size so the header stays a header.
    h('h1', { className: ['title', ...(page.title.length > 60 ? ['long'] : [])] }, page.title),
    page.summary ? h('p.dek', page.summary) : undefined,
    byline(page, ctx),
  ]);
}

function entryFooter(page: Page): Element | undefined {
  const bio = authorBio(page);
  const tags = tagList(page.tags);
  if (!bio && !tags) return undefined;
  return h('footer.entry-footer', [bio, tags]);
}

function entry(ctx: LayoutContext, bodyClass: string, kicker: Element | undefined, extra: { toc?: boolean; after?: Element; head?: Element[] } = {}) {
  const { page } = ctx;
  return documentLayout(ctx, {
    title: page.title,
    description: page.summary,
    bodyClass,
    head: extra.head,
    main: [
      h('article.entry', [
        entryHeader(page, ctx, kicker),
        extra.toc ? tableOfContents(page.headings) : undefined,
        bodyOf(page),
        entryFooter(page),
      ]),
      extra.after,
    ].filter((e): e is Element => !!e),
  });
}

export const article: Layout = showing((ctx) =>
  entry(ctx, 'layout-article', ctx.page.category ? h('p.kicker', categoryLink(ctx.page.category)) : undefined),
);

export const guide: Layout = showing((ctx) =>
  entry(ctx, 'layout-guide', ctx.page.category ? h('p.kicker', categoryLink(ctx.page.category)) : undefined, {
    toc: true,
  }),
);

export const zinePart: Layout = showing((ctx) => {
  const { page, site } = ctx;
  const zine = zineOf(site, page);
  const i = zine ? zine.parts.indexOf(page) : -1;
  const prev = zine && i > 0 ? zine.parts[i - 1] : undefined;
  const next = zine && i >= 0 ? zine.parts[i + 1] : undefined;
  const kicker = zine
    ? h('p.kicker', [
        h('a', { href: zine.index.url }, zine.index.title),
        i >= 0 ? h('span.part-count', ` · Part ${i + 1} of ${zine.parts.length}`) : undefined,
      ])
    : undefined;
  const head = [
    prev ? h('link', { rel: 'prev', href: prev.url }) : undefined,
    next ? h('link', { rel: 'next', href: next.url }) : undefined,
  ].filter((e): e is Element => !!e);
  return entry(ctx, 'layout-zine-part', kicker, {
    toc: true,
    head,
    after: pager(zine ? `More from ${zine.index.title}` : 'Parts', prev, next),
  });
}, issueAndParts);

/** A zine part's kicker, pager and feed link show its issue and its sibling parts. */
function issueAndParts(page: Page, site: Site): Page[] {
  const zine = zineOf(site, page);
  const issue = page.issue ? site.byId.get(page.issue) : undefined;
  return [...(issue ? [issue] : []), ...(zine?.parts ?? [])];
}
