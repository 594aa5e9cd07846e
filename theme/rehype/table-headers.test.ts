import { describe, expect, it } from 'vitest';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import type { Root } from 'hast';
import rehypeTableHeaders from './table-headers.ts';

function run(table: ReturnType<typeof h>): string {
  const tree: Root = { type: 'root', children: [table] };
  rehypeTableHeaders()(tree);
  return toHtml(tree);
}

describe('rehype table headers', () => {
  it('makes the first column row headers when the corner cell is empty', () => {
    const html = run(h('table', [h('thead', h('tr', [h('th'), h('th', 'FP')])), h('tbody', [h('tr', [h('td', 'HTTP2'), h('td', '1.30s')])])]));
    expect(html).toBe('<table><thead><tr><td></td><th>FP</th></tr></thead><tbody><tr><th scope="row">HTTP2</th><td>1.30s</td></tr></tbody></table>');
  });
  it('leaves tables with a labelled corner alone', () => {
    const table = h('table', [h('thead', h('tr', [h('th', 'GZIP'), h('th', 'MP')])), h('tbody', [h('tr', [h('td', 'on'), h('td', '39KB')])])]);
    expect(run(table)).toBe('<table><thead><tr><th>GZIP</th><th>MP</th></tr></thead><tbody><tr><td>on</td><td>39KB</td></tr></tbody></table>');
  });
});
