/**
 * remark plugin: typographic quotes, dashes and ellipses in prose, never in code.
 *
 * Quotes need context across inline nodes ("*so* called"), so the text of the whole document goes
 * through retext-smartypants once, with code and block starts held in place by stand-ins of the
 * same length; each text node then takes its slice back. Dashes and ellipses change the length,
 * so they are replaced afterwards, node by node, with the same rules smartypants uses.
 */
import type { Root, Nodes } from 'mdast';
import { retext } from 'retext';
import retextSmartypants from 'retext-smartypants';
import { visit } from 'unist-util-visit';

const BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);
const quotes = retext().use(retextSmartypants, { dashes: false, ellipses: false, backticks: false });

export default function remarkTypography() {
  return (tree: Root) => {
    let all = '';
    visit(tree, (node: Nodes) => {
      // A block starts afresh: a quote right at its start opens.
      if (BLOCKS.has(node.type)) all += ' ';
      else if (node.type === 'text') all += node.value; else if (node.type === 'inlineCode') all += 'A'.repeat(node.value.length);
      else if (node.type === 'code' || node.type === 'html') return 'skip';
    });
    if (!/["'`]|--|\.\.\./.test(all)) return;
    const educated = /["']/.test(all) ? String(quotes.processSync(all)) : all;
    // Walk again in the same order to take each text node's slice back.
    let at = 0;
    visit(tree, (node: Nodes) => {
      if (BLOCKS.has(node.type)) at += 1;
      else if (node.type === 'text') {
        const length = node.value.length;
        node.value = dashesAndEllipses(educated.slice(at, at + length));
        at += length;
      } else if (node.type === 'inlineCode') at += node.value.length;
      else if (node.type === 'code' || node.type === 'html') return 'skip';
    });
  };
}

function dashesAndEllipses(text: string): string {
  return text.replace(/---/g, '\u2014').replace(/--/g, '\u2014').replace(/\.\.\.|\. \. \./g, '\u2026');
}
