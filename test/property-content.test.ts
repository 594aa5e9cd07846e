/**
 * Whatever a content file holds, a build either succeeds or fails with content errors that name a
 * file: never an internal error. fast-check generates front matter and Markdown, valid and hostile
 * (odd YAML, aliases, deep nesting, unusual Unicode, links of every kind, raw HTML, huge lines), and
 * each document goes through the real build (one builder and one temp site reused, nothing written).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteBuilder } from '../src/build.ts';
import { contentErrorsOf } from '../src/errors.ts';
import type { Logger } from '../src/types.ts';
import { removeSite, tempSite } from './support/site.ts';

let root: string;
let builder: SiteBuilder;
const quiet: Logger = { info: () => {}, warn: () => {}, progress: () => ({ tick: () => {}, done: () => {} }) };

beforeAll(async () => {
  root = tempSite();
  builder = new SiteBuilder({ root, write: false, textWorkers: 0, log: quiet });
  await builder.build(); // the fixture's own pages, cached for every run after
});
afterAll(() => removeSite(root));

// ---- pieces of text -----------------------------------------------------------------------------

const unicode = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }), // lone surrogates, control characters, NUL
  fc.constantFrom('\u202e', '\u200b', '\ufeff', '\u0000', 'e\u0301', '👩‍👩‍👧', '\r', '\t', '\u2028', 'ﬀ', 'İ', 'ß'),
);
const word = fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/), unicode);
const sentence = fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' '));
const yamlSpecial = fc.constantFrom(':', '-', '[', ']', '{', '}', '&a', '*a', '!', '!!str', '|', '>', "'", '"', '%', '@', '`', '#', ',', '?', '<<', '---', '...', '\n', '\n  ', '~', 'null', 'true', '0x1F', '.inf', '2020-13-45');
const yamlNoise = fc.array(fc.oneof(yamlSpecial, word), { maxLength: 20 }).map((parts) => parts.join(''));

// ---- front matter -------------------------------------------------------------------------------

const value = fc.oneof(
  sentence.map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', '"false"', '2021-02-30', '2020-01-02', '2020-01-02T10:00:00Z', '12', '1.5', '-3', '[]', '{}', '~', '[a, b]', '{ palette: 2 }', 'none', '{ palette: 3 }'),
  yamlNoise,
  fc.integer({ min: 1, max: 150 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
);
const key = fc.oneof(fc.constantFrom('title', 'date', 'updated', 'tags', 'draft', 'slug', 'order', 'author', 'authors', 'summary', 'layout', 'category', 'issue', 'dither', 'image'), word);
const aliasBomb = fc.integer({ min: 2, max: 9 }).map((levels) => {
  const names = 'abcdefghij';
  const lines = [`${names[0]}: &${names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i < levels; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return lines.join('\n');
});
const frontMatterBody = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(key, value), { maxLength: 8 }).map((pairs) => ['title: Generated', ...pairs.map(([k, v]) => `${k}: ${v}`)].join('\n')) },
  { weight: 1, arbitrary: yamlNoise },
  { weight: 1, arbitrary: aliasBomb.map((lines) => `title: Bomb\n${lines}`) },
  { weight: 1, arbitrary: fc.array(fc.tuple(key, value), { maxLength: 6 }).map((pairs) => pairs.map(([k, v], i) => `${'  '.repeat(i)}${k}: ${v}`).join('\n')) },
);
const frontMatter = fc.oneof(
  { weight: 8, arbitrary: frontMatterBody.map((body) => `---\n${body}\n---\n`) },
  { weight: 1, arbitrary: frontMatterBody.map((body) => `---\n${body}\n`) }, // never closed
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('---js', '--- yaml', '----', '---json', '--- '), frontMatterBody).map(([open, body]) => `${open}\n${body}\n---\n`) },
  { weight: 1, arbitrary: fc.constant('') },
);

// ---- Markdown -----------------------------------------------------------------------------------

const target = fc.oneof(
  fc.constantFrom('second.md', 'second.md#part', '../pages/about.md', 'gone.md', 'foo%zz.md', 'javascript:alert(1)', 'data:text/html,x', 'mailto:a@example.org', 'xmpp:club@example.org', '/about/', '/nonexistent/', '../../../../../../etc/passwd', 'https://example.org/x', '#', '', '<>', 'panel.png', '.hidden.md', '%2e%2e/%2e%2e/x', 'file:///etc/passwd', '//evil.example/x'),
  word,
);
const inline = fc.oneof(
  sentence,
  fc.tuple(sentence, target).map(([t, u]) => `[${t}](${u})`),
  fc.tuple(sentence, target).map(([t, u]) => `![${t}](${u} "dither: palette=2")`),
  fc.tuple(sentence, target).map(([t, u]) => `![${t}](${u})`),
  fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<iframe src="//x">', '<!-- note -->', '<div>', '</div>', '<br>', '&amp;', '&#0;', '&#x110000;', '[^1]', '[^missing]', '***', '`code`', '``', '\\', '<https://example.org>', 'www.example.org', '~~strike~~', '| a |'),
  fc.tuple(fc.constantFrom('*', '_', '**', '__', '~', '`', '[', ']', '(', ')', '<', '!['), fc.integer({ min: 1, max: 300 })).map(([s, n]) => s.repeat(n)),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => 'x'.repeat(n)), // a huge line
);
const line = fc.array(inline, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(' '));
const block = fc.oneof(
  line,
  fc.tuple(fc.integer({ min: 1, max: 7 }), line).map(([n, l]) => `${'#'.repeat(n)} ${l}`),
  fc.tuple(fc.integer({ min: 1, max: 130 }), fc.constantFrom('- ', '* ', '1. ', '> ', '- [ ] ')).map(([depth, marker]) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}${marker}item`).join('\n')),
  fc.tuple(fc.integer({ min: 1, max: 400 }), line).map(([n, l]) => `${'> '.repeat(n)}${l}`),
  fc.tuple(fc.constantFrom('```', '~~~', '````'), fc.constantFrom('', 'lua', 'yaml', '<x>'), line, fc.boolean()).map(([f, lang, l, closed]) => `${f}${lang}\n${l}\n${closed ? f : ''}`),
  fc.constantFrom('| a | b |\n|---|---|\n| 1 | 2 |', '[^1]: The note.', 'Term\n: Definition', '---', '***', '<details>\n<summary>x</summary>\n</details>', '    indented code', '[ref]: /x "t"\n\n[ref]'),
);
const markdown = fc.array(block, { maxLength: 10 }).map((blocks) => blocks.join('\n\n') + '\n');

// ---- the property -------------------------------------------------------------------------------

let counter = 0;

/** Build the site with this one generated file; return how it failed, if it did. */
async function buildWith(text: string | Buffer): Promise<{ ok: true } | { ok: false; files: string[] }> {
  // A new name each run: the builder's parse memo is keyed by path, size and mtime.
  const file = path.join(root, 'content/articles', `generated-${counter++}.md`);
  writeFileSync(file, text);
  try {
    await builder.build();
    return { ok: true };
  } catch (error) {
    const problems = contentErrorsOf(error);
    if (!problems) throw error; // an internal error: the property fails with its stack trace
    return { ok: false, files: problems.map((p) => p.where?.file ?? '(no file)') };
  } finally {
    rmSync(file, { force: true });
  }
}

const everyFailureNamesAFile = (outcome: Awaited<ReturnType<typeof buildWith>>) => {
  if (outcome.ok) return;
  expect(outcome.files.length).toBeGreaterThan(0);
  for (const file of outcome.files) expect(file).toMatch(/content\/articles\/generated-\d+\.md$/);
};

describe('any content file', () => {
  it('front matter: builds, or content errors naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(frontMatter, sentence, async (front, body) => everyFailureNamesAFile(await buildWith(`${front}\n${body}\n`))),
      { numRuns: 300 },
    );
  });

  it('Markdown: builds, or content errors naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(markdown, async (body) => everyFailureNamesAFile(await buildWith(`---\ntitle: Generated\ndate: 2020-01-01\n---\n\n${body}`))),
      { numRuns: 150 },
    );
    // About 0.15 s a run on an idle 2-core machine; room for a loaded one.
  }, 300_000);

  it('bytes: builds, or content errors naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => everyFailureNamesAFile(await buildWith(Buffer.concat([Buffer.from('---\ntitle: Bytes\n---\n\n'), bytes])))),
      { numRuns: 100 },
    );
  });
});
