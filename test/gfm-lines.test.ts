import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import type { Construct } from 'micromark-util-types';
import { remarkDefinitionList } from 'remark-definition-list';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import remarkGfmLines from '../src/markdown/gfm-lines.ts';
import { PROJECT_ROOT } from './support/site.ts';

const plain = unified().use(remarkParse).use(remarkGfm).use(remarkDefinitionList).freeze();
const lined = unified().use(remarkParse).use(remarkGfm).use(remarkGfmLines).use(remarkDefinitionList).freeze();

/** The mdast of both, positions included: the same tree, or the difference shown. */
function expectSameTree(doc: string): void {
  expect(JSON.stringify(lined.parse(doc)), doc).toBe(JSON.stringify(plain.parse(doc)));
}

/** Lines that start, continue, break or nearly make tables and email autolinks, in and out of containers. */
const LINES = [
  '| a | b |', 'a | b', '|a|', 'a|b|c', '| - | - |', '|---|:-:|', '--|--', '---', '-', ':-', '| --- |', '|-', ' |--- | ---:|', '    |---|',
  '> | a | b |', '> |---|---|', '> > a | b', '> > --|--', '- a | b', '  --|--', '- --|--', '1. | x |', '   | - |', '[^1]: a | b', '    --|--',
  'Term', ': a | b', '  --|--', '| 1 | 2 |', 'c | d', 'row without pipes', '`a|b`', 'a \\| b', '| x \\| y |', '<div>a|b</div>',
  'mail me@example.org now', 'me@example', 'a.b+c@host.example.org.', '(x@y.zz)', '[x@y.zz](https://e.org)', 'x&#64;y.zz', 'x\\@y.zz', '@y.zz', 'x@',
  'www.example.org', 'https://example.org/a?b', 'see http://x.y.', 'WWW.EXAMPLE.ORG', 'HTTPS://E.ORG', 'h&#116;tp://e.org', '&#119;ww.e.org', 'H&#84;TP://E.ORG', '&#87;WW.E.ORG',
  'xmpp:a@b.cc/x', 'mailto:a@b.cc', '[https://e.org](https://e.org)', '[site]: https://e.org', '[site]', '<https://e.org>', '*x@y.zz*', '~~a@b.cc~~', '```', 'code | x', '~~~', '', '', '', '\t| a |', '\t|-|',
];

function* documents(count: number): Generator<string> {
  let x = 42;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const breaks = ['\n', '\r\n', '\r'];
  for (let d = 0; d < count; d++) {
    const lines = Array.from({ length: 2 + (next() % 12) }, () => LINES[next() % LINES.length]);
    yield lines.join(breaks[next() % 3]);
  }
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('GFM searches skipping where they cannot match', () => {
  it('parse the same trees as remark-gfm alone, on 3,000 documents of table and email lines', () => {
    for (const doc of documents(3000)) expectSameTree(doc);
  });

  it('parse the same trees on the club site and the test fixtures', () => {
    const files = [...markdownFiles(path.join(PROJECT_ROOT, 'content')), ...markdownFiles(path.join(PROJECT_ROOT, 'test/fixtures'))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expectSameTree(readFileSync(file, 'utf8'));
  });

  it('let plain text run on where no autolink literal can start (no @, www. or http:// in the document)', () => {
    // micromark asks each construct registered for a character whether it may start after the one
    // before (`previous`), at every character: asked, the email literal stops the text at every word.
    const text = gfmAutolinkLiteral().text!;
    const [email, www] = text[119] as Construct[];
    const protocol = (text[104] as Construct[])[1];
    const asked = new Set<string>();
    const originals = [email, www, protocol].map((construct) => [construct, construct.previous!] as const);
    for (const [construct, previous] of originals) {
      construct.previous = function (code) {
        asked.add(construct.name!);
        return previous.call(this, code);
      };
    }
    try {
      const spied = unified().use(remarkParse).use(remarkGfm).use(remarkGfmLines).freeze();
      spied.parse('Which words hide here? Wholly none of them, however *many* and __how__ [well](x.md) they hide.\n');
      expect([...asked]).toEqual([]);
      spied.parse('See www.example.org or HTTPS://e.org.\n');
      expect([...asked].sort()).toEqual(['protocolAutolink', 'wwwAutolink']);
      spied.parse('Write to me@example.org.\n');
      expect([...asked].sort()).toEqual(['emailAutolink', 'protocolAutolink', 'wwwAutolink']);
    } finally {
      for (const [construct, previous] of originals) construct.previous = previous;
    }
  });

  it('still find tables and email autolinks', () => {
    const tree = JSON.stringify(lined.parse('> a | b\n> --|--\n> c | d\n\nWrite to me@example.org.\n'));
    expect(tree).toContain('"type":"table"');
    expect(tree).toContain('"url":"mailto:me@example.org"');
    expect(JSON.stringify(lined.parse('See www.example.org, or h&#116;tp://e.org.\n'))).toMatch(/"url":"http:\/\/www.example.org".*"url":"http:\/\/e.org"/);
  });
});
