/**
 * remark plugin: raw HTML in Markdown (`<script>`, `<img onerror=…>`, `<iframe>`, `<br>`) is never
 * published (remark-rehype leaves it out, so nothing a post writes can run on the site); this
 * says so at the line, instead of the markup vanishing silently. Comments are left out without a
 * word: hiding a note from readers is what they are for.
 */
import type { Nodes, Root } from 'mdast';
import { fileApi } from './file-api.ts';
import { walk } from './walk.ts';

const COMMENT = /^\s*<!--[\s\S]*?-->\s*$/;
/** Closing tags alone (`</kbd>`): their opening tag was already reported. */
const CLOSING = /^\s*(?:<\/[a-z][a-z0-9-]*\s*>\s*)+$/i;

export default function remarkRawHtml() {
  return (tree: Root, file: Parameters<typeof fileApi>[0]) => {
    const api = fileApi(file);
    walk<Nodes>(tree, (node) => {
      if (node.type !== 'html' || COMMENT.test(node.value) || CLOSING.test(node.value)) return;
      const tag = /<\/?([a-z][a-z0-9-]*)/i.exec(node.value)?.[1]?.toLowerCase();
      const what = tag ? `<${tag}>` : `"${node.value.trim().slice(0, 20)}"`;
      api.warn(`raw HTML ${what} is left out of the page: solarpress publishes Markdown, not HTML (see "What solarpress refuses" in README.md)`, node.position?.start.line);
    });
  };
}
