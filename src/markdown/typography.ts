/**
 * remark plugin: typographic quotes, dashes and ellipses in prose, never in code.
 *
 * Quotes need context across inline nodes ("*so* called"), so the text of the whole document goes
 * through retext-smartypants (in pieces of whole blocks, see educateQuotes), with code and block
 * starts held in place by stand-ins of the same length; each text node then takes its slice back. Dashes and ellipses change the length,
 * so they are replaced afterwards, node by node, with the same rules smartypants uses.
 */
import type { Root, Nodes } from 'mdast';
import { retext } from 'retext';
import retextSmartypants from 'retext-smartypants';
import { SKIP, walk } from './walk.ts';

const BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);
const quotes = retext().use(retextSmartypants, { dashes: false, ellipses: false, backticks: false });
/**
 * retext's time grows faster than its input: 2 MB of a post's text took 9 times as long in one
 * piece as in pieces of 200 blocks. Pieces of about this many characters keep it linear.
 */
const PIECE_CHARS = 64 * 1024;

export default function remarkTypography() {
  return (tree: Root) => {
    let all = '';
    const blockStarts: number[] = [];
    walk<Nodes>(tree, (node) => {
      // A block starts afresh: a quote right at its start opens.
      if (BLOCKS.has(node.type)) {
        blockStarts.push(all.length);
        all += ' ';
      } else if (node.type === 'text') all += node.value;
      else if (node.type === 'inlineCode') all += 'A'.repeat(node.value.length);
      else if (node.type === 'code' || node.type === 'html') return SKIP;
    });
    if (!/["'`]|--|\.\.\./.test(all)) return;
    const educated = /["']/.test(all) ? educateQuotes(all, blockStarts) : all;
    // Walk again in the same order to take each text node's slice back.
    let at = 0;
    walk<Nodes>(tree, (node) => {
      if (BLOCKS.has(node.type)) at += 1;
      else if (node.type === 'text') {
        const length = node.value.length;
        node.value = dashesAndEllipses(educated.slice(at, at + length));
        at += length;
      } else if (node.type === 'inlineCode') at += node.value.length;
      else if (node.type === 'code' || node.type === 'html') return SKIP;
    });
  };
}

/**
 * Curly quotes for `text` (same length), given where its blocks start (each at a space). Long text
 * goes through retext in pieces, cut only where a sentence surely ends in the whole text too: the
 * block before ends with . ! or ? and the next begins with a capital. parse-latin then shapes the
 * words at the cut as it does in one piece, and smartypants, which looks at a quote's neighbours
 * in its sentence, decides the same (test/typography.test.ts checks this against one piece).
 */
export function educateQuotes(text: string, blockStarts: readonly number[], pieceChars = PIECE_CHARS): string {
  let out = '';
  let from = 0;
  for (const at of blockStarts) {
    if (at - from >= pieceChars && /[.!?]/.test(text[at - 1] ?? '') && /[A-Z]/.test(text[at + 1] ?? '')) {
      out += String(quotes.processSync(text.slice(from, at)));
      from = at;
    }
  }
  return out + String(quotes.processSync(text.slice(from)));
}

function dashesAndEllipses(text: string): string {
  return text.replace(/---/g, '\u2014').replace(/--/g, '\u2014').replace(/\.\.\.|\. \. \./g, '\u2026');
}
