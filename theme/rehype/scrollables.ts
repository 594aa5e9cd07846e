/**
 * Code blocks and tables keep their lines (config files read verbatim) and scroll sideways on narrow
 * screens instead: such a scrolling box must be reachable by keyboard, so it gets tabindex="0"; a table
 * gets a wrapper that scrolls, since a table itself cannot.
 */
import { h } from 'hastscript';
import { SKIP, walkElements } from 'solarpress/src/markdown/walk.ts';
import type { Element, Root } from 'hast';

export default function rehypeScrollables() {
  return (tree: Root) => {
    walkElements(tree, (e: Element, index, parent) => {
      if (e.tagName === 'pre') {
        e.properties.tabIndex = 0;
        return SKIP;
      }
      if (e.tagName === 'table' && parent && index !== undefined) {
        if (parent.type === 'element' && parent.properties.className?.toString().includes('table-scroll')) return SKIP;
        parent.children[index] = h('div.table-scroll', { tabIndex: 0 }, [e]);
        return SKIP;
      }
    });
  };
}
