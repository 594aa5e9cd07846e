/**
 * Row headers for tables with an empty corner cell. In Markdown a table whose header row starts with
 * an empty cell is a grid of row labels × column labels; marking the first column as row headers
 * (and the empty corner as a plain cell) lets screen readers announce both labels for every figure.
 */
import { walkElements } from 'solarpress/src/markdown/walk.ts';
import { toString } from 'hast-util-to-string';
import type { Element, Root } from 'hast';

const rows = (section: Element | undefined): Element[] =>
  (section?.children ?? []).filter((c): c is Element => c.type === 'element' && c.tagName === 'tr');
const cells = (row: Element): Element[] =>
  row.children.filter((c): c is Element => c.type === 'element' && (c.tagName === 'td' || c.tagName === 'th'));
const child = (e: Element, tag: string) => e.children.find((c): c is Element => c.type === 'element' && c.tagName === tag);

export default function rehypeTableHeaders() {
  return (tree: Root) => {
    walkElements(tree, (table: Element) => {
      if (table.tagName !== 'table') return;
      const head = rows(child(table, 'thead'))[0];
      const corner = head && cells(head)[0];
      if (!corner || corner.tagName !== 'th' || toString(corner).trim() !== '') return;
      corner.tagName = 'td';
      for (const row of rows(child(table, 'tbody'))) {
        const first = cells(row)[0];
        if (first?.tagName === 'td') {
          first.tagName = 'th';
          first.properties.scope = 'row';
        }
      }
    });
  };
}
