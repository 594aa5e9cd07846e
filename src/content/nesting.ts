/**
 * A bound on how deep lists and block quotes nest, checked before the Markdown is parsed.
 *
 * micromark (remark-parse) slows down faster than linearly with container depth: 400 nested list
 * levels take seconds, 800 took minutes and then overflowed the stack in the steps after it, 3,000
 * never finished. Writing nests a handful of levels; outlines exported from other tools, a few
 * dozen. 100 levels is far above both, and cheap to render.
 *
 * The scan is linear: per line, it follows the open containers by their content columns (as
 * CommonMark does) and counts the `>` and list markers that open new ones. It never counts
 * inside fenced code. Lazy continuation lines close containers early, so the count is at most the
 * real depth for ordinary Markdown; only markers open levels, so indentation alone never does.
 */
import { ContentError } from '../errors.ts';

export const MAX_NESTING = 100;

const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)/;
const FENCE = /^(`{3,}|~{3,})/;

export function checkNesting(markdown: string, file: string): void {
  /** Content columns of the open lists items and block quotes, outermost first. */
  const open: number[] = [];
  let fence: string | undefined;
  let lineNumber = 0;
  let start = 0;
  while (start <= markdown.length) {
    let end = markdown.indexOf('\n', start);
    if (end === -1) end = markdown.length;
    lineNumber++;
    const line = markdown.slice(start, end);
    start = end + 1;

    if (fence !== undefined) {
      const close = /^[ \t>]*([`~]{3,})[ \t\r]*$/.exec(line)?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) fence = undefined;
      continue;
    }
    let at = 0;
    let column = 0;
    let first = true;
    for (;;) {
      while (at < line.length && (line[at] === ' ' || line[at] === '\t')) {
        column = line[at] === '\t' ? column + 4 - (column % 4) : column + 1;
        at++;
      }
      if (at >= line.length || line[at] === '\r') break; // blank: containers stay open
      if (first) {
        while (open.length > 0 && open[open.length - 1] > column) open.pop();
        first = false;
      }
      const rest = line.slice(at, at + 12);
      const marker = rest[0] === '>' ? '>' : LIST_MARKER.exec(rest)?.[0];
      if (marker === undefined) {
        fence = FENCE.exec(line.slice(at))?.[1];
        break;
      }
      at += marker.length;
      column += marker.length;
      open.push(column + 1);
      if (open.length > MAX_NESTING) {
        throw new ContentError(
          `lists and block quotes nest more than ${MAX_NESTING} levels deep here`,
          { file, line: lineNumber },
          `keep nesting under ${MAX_NESTING} levels (Markdown this deep is usually a conversion gone wrong)`,
        );
      }
    }
  }
}
