/** Pieces of pages shared by several layouts: bylines, term links, post lists, contents, bios, pagers. */
import { h } from 'hastscript';
import type { Element, ElementContent, Properties } from 'hast';
import type { Heading, LayoutContext, Page } from '../../src/types.ts';
import { formatDate, isoDate } from './dates.ts';
import { categoryUrl, tagUrl } from './urls.ts';

/**
 * An element as h() makes it, without parsing a selector or looking up each property (hast's names:
 * className as an array): for the pieces a list repeats for each of hundreds of entries.
 */
export function element(tagName: string, properties: Properties, children: Array<ElementContent | string | undefined>): Element {
  const content: ElementContent[] = [];
  for (const child of children) if (child !== undefined) content.push(typeof child === 'string' ? { type: 'text', value: child } : child);
  return { type: 'element', tagName, properties, children: content };
}

export function timeElement(date: Date, language: string): Element {
  return element('time', { dateTime: isoDate(date) }, [formatDate(date, language)]);
}

/** 'Alice, Bob and Carol' */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Minutes of reading at 220 words a minute, at least 1. */
export function readingMinutes(words: number): number {
  return Math.max(1, Math.round(words / 220));
}

/** "By Alice · 23 November 2026 · updated … · 12 min read" */
export function byline(page: Page, ctx: LayoutContext): Element {
  const lang = ctx.config.language;
  const parts: Array<ElementContent | string> = [];
  const add = (...part: Array<ElementContent | string>) => {
    if (parts.length) parts.push(element('span', { className: ['sep'], ariaHidden: 'true' }, [' · ']));
    parts.push(...part);
  };
  if (page.authors.length) add('By ', element('span', { className: ['author'] }, [listNames(page.authors)]));
  if (page.date) add(timeElement(page.date, lang));
  if (page.updated && (!page.date || isoDate(page.updated) !== isoDate(page.date))) add('updated ', timeElement(page.updated, lang));
  if (page.wordCount && page.kind !== 'zine-issue') add(`${readingMinutes(page.wordCount)} min read`);
  return element('p', { className: ['byline'] }, parts);
}

export function categoryLink(name: string): Element {
  return element('a', { href: categoryUrl(name) }, [name]);
}

export function tagList(tags: string[]): Element | undefined {
  if (!tags.length) return undefined;
  return h('ul.tags', { ariaLabel: 'Tags' }, tags.map((t) => h('li', h('a', { href: tagUrl(t), rel: 'tag' }, t))));
}

export interface PostListOptions {
  /** Rank of the entries' headings (h2 on list pages, h3 under a section heading). */
  rank?: 2 | 3;
  /** Show the category above each title. */
  kicker?: boolean;
  summary?: boolean;
  /** Set the first entry as the lead story. */
  lead?: boolean;
  /** Extra classes on the list. */
  className?: string;
}

/** A list of pages: kicker, title, summary, byline. */
export function postList(pages: Page[], ctx: LayoutContext, o: PostListOptions = {}): Element {
  const heading = `h${o.rank ?? 2}`;
  return h(
    'ol',
    { className: ['posts', ...(o.className?.split(' ') ?? [])] },
    pages.map((p, i) =>
      element('li', { className: ['post', ...(o.lead && i === 0 ? ['lead'] : [])] }, [
        o.kicker !== false && p.category ? element('p', { className: ['kicker'] }, [categoryLink(p.category)]) : undefined,
        element(heading, { className: ['post-title'] }, [element('a', { href: p.url }, [p.title])]),
        o.summary !== false && p.summary ? element('p', { className: ['summary'] }, [p.summary]) : undefined,
        byline(p, ctx),
      ]),
    ),
  );
}

/** Table of contents from the page's h2/h3 headings; none for short pages. */
export function tableOfContents(headings: Heading[] | undefined, min = 3): Element | undefined {
  const list = (headings ?? []).filter((x) => x.depth === 2 || x.depth === 3);
  if (list.filter((x) => x.depth === 2).length < min) return undefined;
  const items: Element[] = [];
  let current: { li: Element; sub: Element[] } | undefined;
  const flush = () => {
    if (current && current.sub.length) current.li.children.push(h('ol', current.sub));
  };
  for (const x of list) {
    const link = h('a', { href: `#${x.id}` }, x.text);
    if (x.depth === 2 || !current) {
      flush();
      current = { li: h('li', link), sub: [] };
      items.push(current.li);
    } else current.sub.push(h('li', link));
  }
  flush();
  return h('nav.toc', { ariaLabelledBy: 'toc-title' }, [h('h2.toc-title', { id: 'toc-title' }, 'Contents'), h('ol', items)]);
}

/** The author's note at the end of an article: front matter `bio`. */
export function authorBio(page: Page): Element | undefined {
  const bio = page.data.bio;
  if (typeof bio !== 'string' || !bio.trim()) return undefined;
  return h('div.bio', [
    page.authors.length ? h('p.bio-name', listNames(page.authors)) : undefined,
    h('p', bio.trim()),
  ]);
}

/** Previous/next links. */
export function pager(label: string, prev?: Page, next?: Page): Element | undefined {
  if (!prev && !next) return undefined;
  return h('nav.pager', { ariaLabel: label }, [
    h('ul', [
      prev ? h('li.pager-prev', h('a', { href: prev.url, rel: 'prev' }, [h('span.dir', 'Previous'), h('span.pager-title', prev.title)])) : undefined,
      next ? h('li.next', h('a', { href: next.url, rel: 'next' }, [h('span.dir', 'Next'), h('span.pager-title', next.title)])) : undefined,
    ]),
  ]);
}

/** The rendered Markdown body (or nothing). */
export function bodyOf(page: Page, className = 'prose'): Element {
  return h(`div.${className}`, (page.body?.children ?? []) as ElementContent[]);
}
