/** The front page: the latest writing, the zine issue, the guides. */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { Layout, LayoutContext, Site, ZineIssue } from '../../src/types.ts';
import { postList } from '../lib/components.ts';
import { documentLayout } from '../lib/document.ts';
import { showing } from '../lib/reads.ts';
import { archiveUrl, categoryUrl } from '../lib/urls.ts';

const LATEST = 6;
const GUIDES = 6;

function zineFeature(zine: ZineIssue): Element {
  const { index, parts } = zine;
  return h('section.home-zine', { ariaLabelledBy: 'home-zine-title' }, [
    h('h2.rubric', { id: 'home-zine-title' }, 'The zine'),
    h('div.home-zine-inner', [
      // A typographic cover, like the printed issue's; the heading beside it says the same for screen readers.
      h('p.cover', { ariaHidden: 'true' }, index.title),
      h('div.home-zine-text', [
        h('h3.issue', h('a', { href: index.url }, index.title)),
        index.summary ? h('p', index.summary) : undefined,
        h('ol.home-zine-parts', parts.map((p) => h('li', h('a', { href: p.url }, p.title)))),
        h('p', h('a.button', { href: index.url }, 'Read the issue')),
      ]),
    ]),
  ]);
}

/** What the front page shows: worked out once for the layout and for what it reads. */
function homeSelection(site: Site) {
  const guides = site.posts.filter((p) => p.kind === 'guide');
  // Guides have their own section: the latest writing is everything else (or everything, if that's all).
  const writing = site.posts.filter((p) => p.kind !== 'guide');
  const latest = (writing.length ? writing : site.posts).slice(0, LATEST);
  const guideCategory = guides.find((g) => g.category)?.category;
  return { latest, more: writing.length > LATEST, zine: site.zines[0], guides: guides.slice(0, GUIDES), guideCategory };
}

export const home: Layout = showing(
  (ctx: LayoutContext) => {
    const { latest, more, zine, guides, guideCategory } = homeSelection(ctx.site);
    const sections: Array<Element | undefined> = [
      h('section.home-latest', { ariaLabelledBy: 'home-latest-title' }, [
        h('h2.rubric', { id: 'home-latest-title' }, 'Latest writing'),
        postList(latest, ctx, { rank: 3, lead: true, className: 'cols' }),
        more ? h('p.more', h('a', { href: archiveUrl }, 'Everything we have published, by year')) : undefined,
      ]),
      zine ? zineFeature(zine) : undefined,
      guides.length
        ? h('section.home-guides', { ariaLabelledBy: 'home-guides-title' }, [
            h('h2.rubric', { id: 'home-guides-title' }, 'Guides'),
            postList(guides, ctx, { rank: 3, kicker: false, className: 'cols cols-3' }),
            guideCategory ? h('p.more', h('a', { href: categoryUrl(guideCategory) }, `All ${guideCategory}`)) : undefined,
          ])
        : undefined,
    ];
    return documentLayout(ctx, {
      description: ctx.config.subtitle,
      bodyClass: 'layout-home',
      siteTitleIsHeading: true,
      main: sections.filter((e): e is Element => !!e),
    });
  },
  (_page, site) => {
    const { latest, more, zine, guides, guideCategory } = homeSelection(site);
    // The "more" link and the guides' category hang on pages the front page does not show.
    return { pages: [...latest, ...(zine ? [zine.index, ...zine.parts] : []), ...guides], facts: { more, guideCategory } };
  },
);
