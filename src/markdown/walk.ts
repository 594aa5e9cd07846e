/**
 * The tree walk of solarpress's remark and rehype plugins: every node of a unist tree (mdast or
 * hast), depth first in document order, as unist-util-visit walks it, at a fraction of its cost.
 * unist-util-visit makes a closure and an ancestor array for each node and renames that closure for
 * its stack traces (a defineProperty per node): on a long post the walks cost more than the Markdown
 * they walked took to parse.
 *
 * A visitor may return SKIP (leave this node's children out), or the index in its parent to go on
 * from after it replaced or removed nodes there (the node's own children are then left out too).
 * A node's children are read after the visitor has run on it.
 */
import type { Element, Root as HastRoot, RootContent as HastContent } from 'hast';
import type { Node, Parent } from 'unist';

export const SKIP = 'skip';

export type WalkResult = void | typeof SKIP | number;

export type Visitor<N = Node, P = Parent> = (node: N, index: number | undefined, parent: P | undefined) => WalkResult;

export function walk<N extends Node = Node>(tree: Node, visitor: Visitor<N>): void {
  const result = visitor(tree as N, undefined, undefined);
  if (result === undefined) walkChildren(tree as Parent, visitor as Visitor);
}

function walkChildren(parent: Parent, visitor: Visitor): void {
  if (!parent.children) return;
  // Indexed and re-read at each step, as a visitor may change the list it is in.
  for (let index = 0; index < parent.children.length; ) {
    const node = parent.children[index];
    const result = visitor(node, index, parent);
    if (typeof result === 'number') {
      index = result;
      continue;
    }
    if (result === undefined) walkChildren(node as Parent, visitor);
    index++;
  }
}

/** A walk that calls the visitor on elements only (every node is still walked through). */
export function walkElements(tree: HastRoot | Element, visitor: Visitor<Element, HastRoot | Element>): void {
  walk<HastRoot | HastContent>(tree, (node, index, parent) => (node.type === 'element' ? visitor(node, index, parent as HastRoot | Element | undefined) : undefined));
}
