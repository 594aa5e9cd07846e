/**
 * Content that used to crash or hang a build: a YAML alias bomb, lists nested hundreds of levels
 * deep, a FIFO in content/, a giant file, and front matter that got unclear messages. Each is a
 * content error naming the file (and line), in `build` (exit 1, dist/ untouched), `check` and the
 * preview server's error overlay, and never an internal error.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../src/dev/server.ts';
import { createLogger } from '../src/log.ts';
import { removeSite, runCli, snapshotDir, tempSite, writeFiles } from './support/site.ts';

let root: string;
let good: Map<string, Buffer>;

beforeAll(() => {
  root = tempSite();
  expect(runCli(root, ['build']).code).toBe(0);
  good = snapshotDir(path.join(root, 'dist'));
});
afterAll(() => removeSite(root));

/** Add the files, build with the real CLI, remove them again; the output folder must be untouched. */
function refused(files: Record<string, string | Buffer>, prepare?: () => void, command = 'build'): string {
  writeFiles(root, files);
  prepare?.();
  const run = runCli(root, [command]);
  writeFiles(root, Object.fromEntries(Object.keys(files).map((f) => [f, null])));
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(run.code).toBe(1);
  const after = snapshotDir(path.join(root, 'dist'));
  expect([...after.keys()]).toEqual([...good.keys()]);
  for (const [file, bytes] of good) expect(after.get(file)!.equals(bytes), `${file} changed`).toBe(true);
  expect(readdirSync(root).filter((name) => name.includes('staging'))).toEqual([]);
  return run.stderr;
}

const md = (front: string, body = 'Text.\n') => `---\n${front}\n---\n\n${body}`;

/** The classic "billion laughs": nine lines, 9^9 values once expanded. */
const ALIAS_BOMB = [
  'title: Laughs',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

/** Each line one level deeper than the last. */
const nestedList = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}`).join('\n') + '\n';

describe('front matter', () => {
  it('a YAML alias bomb is refused at the key that expands, quickly', () => {
    const err = refused({ 'content/articles/laughs.md': md(ALIAS_BOMB) });
    expect(err).toMatch(/content\/articles\/laughs\.md:\d+: front matter key "[a-i]" expands to more than 100,000 values and characters/);
    expect(err).toMatch(/aliases/);
  });

  it('a few aliases of modest size are fine', () => {
    writeFiles(root, { 'content/articles/aliases.md': md('title: Aliases\nbase: &base { lang: en, tags: [a, b] }\nmore: [*base, *base, *base]') });
    const run = runCli(root, ['check']);
    writeFiles(root, { 'content/articles/aliases.md': null });
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
  });

  it('YAML errors name the line they are on (not the next one)', () => {
    // Line 1 ---, line 2 title, line 3 the bad indentation.
    const err = refused({ 'content/articles/indent.md': '---\ntitle: ok\n  bad: indent\n---\n\nText.\n' });
    expect(err).toMatch(/content\/articles\/indent\.md:3:\d+: invalid YAML in front matter: bad indentation/);
  });

  it('an unclosed front matter says so', () => {
    const err = refused({ 'content/articles/open.md': '---\ntitle: Open\n\nThe body, but no closing line.\n' });
    expect(err).toMatch(/content\/articles\/open\.md:1: front matter is not closed/);
    expect(err).toMatch(/end the front matter with a line holding only ---/);
  });

  it('draft: "false" names the key, what it must be and what it is', () => {
    const err = refused({ 'content/articles/quoted.md': md('title: Quoted\ndraft: "false"') });
    expect(err).toMatch(/content\/articles\/quoted\.md:3: draft must be true or false, not the text "false" \(write it without quotes\)/);
  });

  it('a wrong type names the key and the value', () => {
    const err = refused({ 'content/articles/order.md': md('title: Order\norder: [1, 2]') });
    expect(err).toMatch(/content\/articles\/order\.md:3: order must be a whole number, not a list/);
  });

  it('front matter that is a list, not key: value lines', () => {
    const err = refused({ 'content/articles/list.md': md('- title\n- Listed') });
    expect(err).toMatch(/content\/articles\/list\.md:2: front matter must be `key: value` lines, not a list/);
  });

  it('---js front matter is refused, never run', () => {
    const marker = path.join(root, 'ran.txt');
    const err = refused({ 'content/articles/code.md': `---js\n{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') }\n---\n\nText.\n` });
    expect(err).toMatch(/content\/articles\/code\.md:1: the first line of the front matter must be --- alone/);
    expect(readdirSync(root)).not.toContain('ran.txt');
  });

  it('dither: { palette: 2 } gives the line and what palette may be', () => {
    const err = refused({ 'content/articles/palette.md': md('title: Palette\ndither: { palette: 2 }') });
    expect(err).toMatch(/content\/articles\/palette\.md:3: dither: palette must be 3, 6, 11 or a list of 2–255 colours .*, not 2/);
  });

  it('dither: an unknown setting is named', () => {
    const err = refused({ 'content/articles/palette.md': md('title: Palette\ndither:\n  pallete: 3') });
    expect(err).toMatch(/content\/articles\/palette\.md:3: dither: unknown setting "pallete"/);
  });
});

describe('Markdown', () => {
  it('an 800-level nested list is refused at the line that goes past 100 levels', () => {
    const err = refused({ 'content/articles/deep.md': md('title: Deep', nestedList(800)) });
    // Line 5 is the first list line: level 101 is on line 105.
    expect(err).toMatch(/content\/articles\/deep\.md:105: lists and block quotes nest more than 100 levels deep/);
  });

  it('3,000 levels of block quotes on one line, and in `check`', () => {
    const err = refused({ 'content/articles/quotes.md': md('title: Quotes', `${'>'.repeat(3000)} deep\n`) }, undefined, 'check');
    expect(err).toMatch(/content\/articles\/quotes\.md:5: lists and block quotes nest more than 100 levels deep/);
  });

  it('100 levels still build, and so does a deep list inside fenced code', () => {
    writeFiles(root, {
      'content/articles/deep.md': md('title: Deep', nestedList(100)),
      'content/articles/fenced.md': md('title: Fenced', '```yaml\n' + nestedList(300) + '```\n'),
    });
    const run = runCli(root, ['check']);
    writeFiles(root, { 'content/articles/deep.md': null, 'content/articles/fenced.md': null });
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
  });

  it('an image that is another page: `check` weighs it from the page just laid out (found by the property test)', () => {
    // The page's HTML was still being written to the cache when the other page's weight read it.
    writeFiles(root, { 'content/articles/pic.md': md('title: Pic\ndate: 2020-01-01', '![a page](second.md)\n') });
    const run = runCli(root, ['check']);
    writeFiles(root, { 'content/articles/pic.md': null });
    expect(run.stderr).not.toMatch(/damaged|^error/m);
    expect(run.code).toBe(0);
  });

  it('a Markdown file over 10 MB is refused before it is read', () => {
    const err = refused({ 'content/articles/huge.md': md('title: Huge', 'word '.repeat(2_200_000)) });
    expect(err).toMatch(/content\/articles\/huge\.md: is 11 MB of Markdown, over the limit of 10 MB/);
  });
});

describe('files that are not files', () => {
  it('a FIFO in content/ is named instead of waited on forever', () => {
    const fifo = path.join(root, 'content/articles/pipe.md');
    const err = refused({}, () => expect(spawnSync('mkfifo', [fifo]).status).toBe(0));
    writeFiles(root, { 'content/articles/pipe.md': null });
    expect(err).toMatch(/content\/articles\/pipe\.md: is a named pipe \(FIFO\), not a file/);
  });

  it('a socket in content/, whatever its name', async () => {
    const socket = path.join(root, 'content/pages/editor.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const err = refused({});
      expect(err).toMatch(/content\/pages\/editor\.sock: is a socket, not a file/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      writeFiles(root, { 'content/pages/editor.sock': null });
    }
  });
});

describe('the preview server', () => {
  it('shows these as content errors in its overlay, not stack traces', async () => {
    const site = tempSite();
    const server = await startDevServer({ root: site, port: 0, log: createLogger({ quiet: true }) });
    /** Write a file and wait for the text the overlay shows (the build event's error) to match. */
    const shown = async (file: string, text: string, match: RegExp) => {
      for (let i = 0; i < 600; i++) {
        // Written again each second: the file watcher may not have been ready for the first write.
        if (i % 10 === 0) writeFileSync(path.join(site, file), text);
        const error = server.state().error;
        if (error && match.test(error)) return error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the preview never showed ${match}: ${server.state().error}`);
    };
    try {
      const deep = await shown('content/articles/deep.md', md('title: Deep', nestedList(800)), /deep\.md/);
      expect(deep).toMatch(/content\/articles\/deep\.md:105: lists and block quotes nest more than 100 levels deep/);
      expect(deep).not.toMatch(/\n\s+at /);
      const bomb = await shown('content/articles/deep.md', md(ALIAS_BOMB), /expands/);
      expect(bomb).toMatch(/content\/articles\/deep\.md:\d+: front matter key "[a-i]" expands/);
      expect(bomb).not.toMatch(/\n\s+at /);
    } finally {
      await server.close();
      removeSite(site);
    }
  });
});
