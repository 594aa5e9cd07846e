/**
 * What the content tests share: the Markdown syntax solarpress accepts (GFM and definition lists),
 * and small readers of the trees and HTML it produces.
 */
import type { Element, Root as HastRoot } from 'hast';
import rehypeStringify from 'rehype-stringify';
import { defListHastHandlers, remarkDefinitionList } from 'remark-definition-list';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

/** Markdown → mdast → hast → HTML with the syntax extensions of the site's pipeline. */
export const markdown = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkDefinitionList)
  .use(remarkRehype, { handlers: { ...defListHastHandlers } })
  .use(rehypeStringify);

/** Every element with this tag name, in document order. */
export function elements(tree: HastRoot | Element, tagName: string): Element[] {
  const found: Element[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === tagName) found.push(node);
  });
  return found;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Numeric and the five XML entities decoded (what the serializer writes); others left as they are. */
export function decodeEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}
