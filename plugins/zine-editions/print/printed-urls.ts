/**
 * Links cannot be clicked on paper. As in the 2016 print edition of the zine, every link's URL is
 * printed: the link text gets a superscript number, and the part ends with its numbered URL list
 * ("3: https://prosody.im/"). A link whose text already is its URL needs no number; links inside the
 * page (footnote references, back links) are left to the notes.
 */
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toString as hastToString } from 'hast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { isFootnoteBackref, isFootnoteRef } from '../book-body.ts';

export interface PrintedUrlOptions {
  /** Heading of the part's URL list. */
  heading: string;
  /** Collects the URLs in order, for tests and the caller. */
  collected?: string[];
}

/** The text of a link equals its URL (give or take the scheme and a trailing slash). */
function showsItsUrl(text: string, href: string): boolean {
  const bare = (s: string) => s.trim().replace(/^(https?:\/\/|mailto:|xmpp:)/i, '').replace(/\/$/, '').toLowerCase();
  return bare(text) === bare(href);
}

/** unified plugin: number the part's outward links and append the list of their URLs. */
export function rehypePrintedUrls(options: PrintedUrlOptions) {
  return (tree: Root): void => {
    const urls: string[] = [];
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string' || !parent || index === undefined) return;
      const href = node.properties.href;
      if (isFootnoteBackref(node)) {
        // "↩" means nothing on paper.
        parent.children.splice(index, 1);
        return [SKIP, index];
      }
      if (href.startsWith('#') || isFootnoteRef(node)) return;
      if (showsItsUrl(hastToString(node), href)) return SKIP;
      urls.push(href);
      const mark = h('sup.url-mark', String(urls.length));
      parent.children.splice(index + 1, 0, mark as ElementContent);
      return [SKIP, index + 2];
    });
    options.collected?.push(...urls);
    if (urls.length === 0) return;
    tree.children.push(
      h('section.printed-urls', [
        h('h2', options.heading),
        h('ol', urls.map((url, i) => h('li', [h('span.url-number', `${i + 1}:`), ' ', h('span.url', url)]))),
      ]),
    );
  };
}
