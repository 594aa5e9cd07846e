/**
 * "Incremental" proved by output, not by counters: a series of edits to a copy of a small site
 * with the solar theme, and after each, dist/ of the incremental build (its cache kept from the
 * start) must be byte for byte what a cold build of the same tree writes (a cache of its own).
 * Every built-in plugin runs as users run it: dithering, feeds, precompression.
 */
import { cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../plugins/dither/test-helpers.ts';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { PROJECT_ROOT, removeSite, snapshotDir, tempSite, writeFiles } from './support/site.ts';

const quiet = () => createLogger({ quiet: true });

let root = '';
/** The copy the last cold build ran in. */
let cold: string | undefined;

const article = (title: string, date: string, body: string, extra = '') => `---\ntitle: ${title}\ndate: ${date}\n${extra}---\n\n${body}\n`;

beforeAll(async () => {
  root = tempSite({
    'content/articles/lamp.md': article('The lamp', '2022-05-06', '![A lamp on the board](images/lamp.png)\n\nLit by the sun.'),
    'content/articles/images/lamp.png': await photo(320, 240, 1).png().toBuffer(),
    'content/articles/panel.md': article('The panel', '2022-07-08', 'Facing south, see [the lamp](lamp.md).', 'tags: [solar]\n'),
  });
  // The real theme (its CSS is one of the edits); it imports the plugins and the core beside it.
  rmSync(path.join(root, 'theme'), { recursive: true });
  cpSync(path.join(PROJECT_ROOT, 'theme'), path.join(root, 'theme'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  for (const code of ['plugins', 'src']) symlinkSync(path.join(PROJECT_ROOT, code), path.join(root, code));
}, 300_000);

afterAll(() => {
  if (cold) removeSite(cold);
  if (root) removeSite(root);
});

/** The incremental build (its cache kept across edits) against a cold build of a copy of the same tree. */
async function expectSameAsCold(step: string): Promise<void> {
  await build({ root, log: quiet() });
  if (cold) removeSite(cold);
  cold = `${root}-cold`;
  cpSync(root, cold, { recursive: true, filter: (src) => !/\/(dist|\.solarpress-cache)$/.test(src) });
  await build({ root: cold, log: quiet() });
  const incremental = snapshotDir(path.join(root, 'dist'));
  const fresh = snapshotDir(path.join(cold, 'dist'));
  expect([...incremental.keys()], `${step}: the same files`).toEqual([...fresh.keys()]);
  const differing = [...fresh].filter(([file, bytes]) => !incremental.get(file)!.equals(bytes)).map(([file]) => file);
  expect(differing, `${step}: files whose bytes differ from a cold build`).toEqual([]);
}

const edit = (file: string, change: (text: string) => string) => writeFiles(root, { [file]: change(readFileSync(path.join(root, file), 'utf8')) });

describe('an incremental build writes what a cold build writes', () => {
  // One test: each step builds on the edits before it, as a writer's day does.
  it('after each edit: body, title, date, slug, delete, image replaced, theme CSS, config', async () => {
    await expectSameAsCold('first build');

    edit('content/articles/hello.md', (t) => `${t}\nA paragraph added later.\n`);
    await expectSameAsCold('body edited');

    edit('content/articles/second.md', (t) => t.replace('title: Second', 'title: The second one'));
    await expectSameAsCold('title changed');

    edit('content/articles/panel.md', (t) => t.replace('date: 2022-07-08', 'date: 2019-01-01'));
    await expectSameAsCold('date changed (order and feeds)');

    edit('content/articles/second.md', (t) => t.replace('---\n\n', 'slug: moved\n---\n\n'));
    await expectSameAsCold('slug changed (a page linking to it too)');

    writeFiles(root, { 'content/articles/panel.md': null });
    await expectSameAsCold('article deleted');

    writeFiles(root, { 'content/articles/images/lamp.png': await photo(240, 320, 5).png().toBuffer() });
    await expectSameAsCold('image replaced');

    edit('theme/assets/solar.css', (t) => `${t}\n.incremental-test { color: #123456; }\n`);
    await expectSameAsCold('theme CSS edited');

    edit('site.config.ts', (t) => t.replace("title: 'Fixture'", "title: 'Fixture, renamed'"));
    await expectSameAsCold('config changed');
  }, 600_000);
});
