/** The zine issue's cover page: cover, editors' text, and the table of contents of its parts. */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Layout } from '../../src/types.ts';
import { bodyOf, byline, listNames } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { zineOf } from '../lib/site-map.ts';

export const zineIssue: Layout = (ctx) => {
  const { page, site } = ctx;
  const zine = zineOf(site, page);
  const parts = zine?.parts ?? [];
  const contents = h('nav.zine-contents', { ariaLabelledBy: 'zine-contents-title' }, [
    h('h2', { id: 'zine-contents-title' }, 'In this issue'),
    h(
      'ol',
      parts.map((p, i) =>
        h('li', [
          h('span.zine-number', { ariaHidden: 'true' }, String(i + 1).padStart(2, '0')),
          h('div.zine-entry', [
            h('h3.zine-entry-title', h('a', { href: p.url }, p.title)),
            p.authors.length ? h('p.zine-entry-authors', listNames(p.authors)) : undefined,
            p.summary ? h('p.zine-entry-summary', p.summary) : undefined,
          ]),
        ]),
      ),
    ),
  ]);
  const first = parts[0];
  return documentLayout(ctx, {
    title: page.title,
    description: page.summary,
    bodyClass: 'layout-zine-issue',
    main: [
      h('article.entry.zine-cover', [
        h('header.entry-header', [
          h('p.entry-kicker', h('span.kicker', 'Zine')),
          h('h1.entry-title', page.title),
          page.summary ? h('p.dek', page.summary) : undefined,
          byline(page, ctx),
        ]),
        bodyOf(page),
        contents,
        first ? h('p.zine-start', h('a.button', { href: first.url }, `Start reading: ${first.title}`)) : undefined,
      ].filter((e): e is Element => !!e)),
    ],
  });
};
