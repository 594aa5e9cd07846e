/** The zine issue's cover page: cover, editors' text, and the table of contents of its parts. */
import { h } from 'hastscript';
import { walkElements } from 'solarpress/src/markdown/walk.ts';
import type { Element, ElementContent } from 'hast';
import type { Layout, Page } from '../../src/types.ts';
import { byline, listNames } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { showing } from '../lib/reads.ts';
import { zineOf } from '../lib/site-map.ts';
import { editionLinks } from '../../plugins/zine-editions/links.ts';

const isWhitespace = (n: ElementContent) => n.type === 'text' && !n.value.trim();

/**
 * The issue's body with our table of contents in it: a list in the body that links to every part (the
 * printed zine's own contents), and the heading just before it, make way for the richer generated one.
 */
export function bodyWithContents(page: Page, parts: Page[], contents: Element): ElementContent[] {
  const children = [...((page.body?.children ?? []) as ElementContent[])];
  const wanted = new Set(parts.map((p) => p.url));
  const i = children.findIndex((c) => {
    if (c.type !== 'element' || (c.tagName !== 'ol' && c.tagName !== 'ul') || !wanted.size) return false;
    const linked = new Set<string>();
    walkElements(c, (a: Element) => {
      if (a.tagName === 'a' && typeof a.properties.href === 'string') linked.add(a.properties.href);
    });
    return [...wanted].every((u) => linked.has(u));
  });
  if (i < 0) return [...children, contents];
  let start = i;
  while (start > 0 && isWhitespace(children[start - 1])) start--;
  const before = children[start - 1];
  if (before?.type === 'element' && /^h[2-6]$/.test(before.tagName)) start--;
  children.splice(start, i - start + 1, contents);
  return children;
}

export const zineIssue: Layout = showing((ctx) => {
  const { page, site } = ctx;
  const zine = zineOf(site, page);
  const parts = zine?.parts ?? [];
  const contents = h('nav.zine-contents', { ariaLabelledBy: 'zine-contents-title' }, [
    h('h2', { id: 'zine-contents-title' }, 'In this issue'),
    h(
      'ol',
      parts.map((p, i) =>
        h('li', [
          h('span.number', { ariaHidden: 'true' }, String(i + 1).padStart(2, '0')),
          h('div.part', [
            h('h3.part-title', h('a', { href: p.url }, p.title)),
            p.authors.length ? h('p.authors', listNames(p.authors)) : undefined,
            p.summary ? h('p.part-summary', p.summary) : undefined,
          ]),
        ]),
      ),
    ),
  ]);
  const first = parts[0];
  // The issue to take along (EPUB, and the print edition when the site publishes it).
  const downloads = editionLinks(ctx);
  const take = downloads.length
    ? h('p.zine-downloads', [
        'Take this issue with you: ',
        ...downloads.flatMap((l, i) => [i ? '; ' : '', h('a', { href: l.href, type: l.type }, l.label), ` (${l.note})`]),
        '.',
      ])
    : undefined;
  return documentLayout(ctx, {
    title: page.title,
    description: page.summary,
    bodyClass: 'layout-zine-issue',
    main: [
      h('article.entry', [
        h('header.intro', [
          h('p.kicker', h('span', 'Zine')),
          h('h1.title', page.title),
          page.summary ? h('p.dek', page.summary) : undefined,
          byline(page, ctx),
        ]),
        h('div.prose', bodyWithContents(page, parts, contents)),
        first ? h('p.zine-start', h('a.button', { href: first.url }, `Start reading: ${first.title}`)) : undefined,
        take,
      ].filter((e): e is Element => !!e)),
    ],
  });
}, (page, site) => zineOf(site, page)?.parts ?? []);
