/**
 * rehype plugin: an id on every heading, from its text as GitHub makes them (github-slugger), but
 * without footnote references: "The Wrong Signal[^10]" is #the-wrong-signal, not #the-wrong-signal10.
 * A definition list's terms get one too (a glossary's entries are linked to: glossary.md#omemo), from
 * the same slugger, so a term and a heading of the same words never share an id.
 * Each heading with an id then ends with its anchor: a "#" link to itself, hidden from assistive
 * tech and the tab order (the heading itself carries the meaning). The footnotes' own heading is
 * for screen readers only: no anchor.
 */
import GithubSlugger from 'github-slugger';
import type { Element, ElementContent, Root } from 'hast';
import { headingRank } from 'hast-util-heading-rank';
import { toString } from 'hast-util-to-string';
import { walkElements } from './walk.ts';

/** A heading's words: its text without footnote references and heading anchors. */
export function headingText(heading: Element): string {
  return heading.children
    .filter((child) => !isFootnoteRef(child) && !isAnchor(child))
    .map((child) => toString(child))
    .join('')
    .trim();
}

function isFootnoteRef(node: ElementContent): boolean {
  return node.type === 'element' && node.tagName === 'sup' && node.children.some((c) => c.type === 'element' && c.properties.dataFootnoteRef !== undefined);
}

function isAnchor(node: ElementContent): boolean {
  return node.type === 'element' && node.tagName === 'a' && String(node.properties.className ?? '').split(' ').includes('anchor');
}

export default function rehypeHeadingIds() {
  return (tree: Root) => {
    const slugger = new GithubSlugger();
    walkElements(tree, (node) => {
      const heading = headingRank(node) !== undefined;
      if (!heading && node.tagName !== 'dt') return;
      if (node.properties.id === undefined) node.properties.id = slugger.slug(headingText(node));
      const id = node.properties.id;
      if (heading && id && id !== 'footnote-label') node.children.push(anchor(String(id)));
    });
  };
}

function anchor(id: string): Element {
  return {
    type: 'element',
    tagName: 'a',
    properties: { className: ['anchor'], ariaHidden: 'true', tabIndex: -1, href: `#${id}` },
    children: [{ type: 'text', value: '#' }],
  };
}
