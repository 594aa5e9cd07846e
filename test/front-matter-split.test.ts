/**
 * The front matter is split as gray-matter split it (src/content/read-front-matter.ts replaced it):
 * the same YAML text and the same Markdown after it, byte for byte, for every opening and closing
 * line the loader lets through, with the line breaks and stray characters around them.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { splitFrontMatter } from '../src/content/read-front-matter.ts';

const matter = createRequire(import.meta.url)('gray-matter') as (text: string, options: object) => { matter: string; content: string };
const graySplit = (text: string) => {
  const file = matter(text, { engines: { yaml: () => ({}) } });
  return { yaml: file.matter, content: file.content };
};

const OPENINGS = ['---', '--- ', '---\t', '---\r', '---  \r'];
const LINES = ['title: A', 'tags: [a, b]', '# a comment', '', '\r', ' ---', '--', '----', '---x', '--- trailing', 'body text', '- item', '---\r'];

/** A small deterministic generator, so a failure is the same on every run. */
function* texts(count: number): Generator<string> {
  let seed = 12345;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < count; i++) {
    const lines = [OPENINGS[next(OPENINGS.length)]!];
    const length = 1 + next(8);
    for (let j = 0; j < length; j++) lines.push(LINES[next(LINES.length)]!);
    lines.splice(1 + next(lines.length), 0, ['---', '--- ', '---\r', '----', '---more'][next(5)]!);
    const text = lines.join(next(3) === 0 ? '\r\n' : '\n') + (next(2) ? '\n' : '');
    if (text.indexOf('\n---', 3) !== -1) yield text;
  }
}

describe('splitting the front matter', () => {
  it('gives the YAML and the Markdown gray-matter gave, on 2,000 generated files', () => {
    let n = 0;
    for (const text of texts(2000)) {
      expect(splitFrontMatter(text), JSON.stringify(text)).toEqual(graySplit(text));
      n++;
    }
    expect(n).toBeGreaterThan(1500);
  });

  it('keeps what follows the closing --- on its line, and drops one line break after it', () => {
    expect(splitFrontMatter('---\na: 1\n---\n\nText\n')).toEqual({ yaml: '\na: 1', content: '\nText\n' });
    expect(splitFrontMatter('---\r\na: 1\r\n---\r\nText')).toEqual({ yaml: '\r\na: 1\r', content: 'Text' });
    expect(splitFrontMatter('---\na: 1\n----x\nText')).toEqual({ yaml: '\na: 1', content: '-x\nText' });
    expect(splitFrontMatter('---\n---')).toEqual({ yaml: '', content: '' });
  });
});
