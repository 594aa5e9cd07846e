/**
 * The content folders' watcher (src/watch/tree-watcher.ts) on the real file system: what editors and
 * people do to a content folder, each reported once as chokidar would.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ATOMIC_MS, TreeWatcher, type TreeEvent } from '../src/watch/tree-watcher.ts';

let dir: string;
let watcher: TreeWatcher | undefined;
let events: Array<[TreeEvent, string]>;

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A temp tree of files ({ 'a/b.md': 'text' }) watched from now on; events are relative paths. */
function watch(files: Record<string, string>, options: ConstructorParameters<typeof TreeWatcher>[2] = {}, root = 'content'): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'solarpress-tree-'));
  const top = path.join(dir, root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(top, file)), { recursive: true });
    writeFileSync(path.join(top, file), text);
  }
  events = [];
  watcher = new TreeWatcher(top, (event, file) => events.push([event, path.relative(dir, file)]), options);
  return top;
}

/** Waits until the events include all of `expected`, then a little longer for any that should not come. */
async function expectEvents(expected: Array<[TreeEvent, string]>, settle = ATOMIC_MS + 150): Promise<void> {
  const deadline = Date.now() + 5000;
  const has = (e: [TreeEvent, string]) => events.some(([event, file]) => event === e[0] && file === e[1]);
  while (!expected.every(has)) {
    if (Date.now() > deadline) throw new Error(`waited for ${JSON.stringify(expected)}, got ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, settle));
  expect(events).toEqual(expect.arrayContaining(expected));
}

describe('the content folders\' watcher', () => {
  it('reports nothing for what was there at the start, nor for reading a file', async () => {
    const top = watch({ 'articles/a.md': 'a', 'pages/b.md': 'b' });
    await import('node:fs').then((fs) => fs.readFileSync(path.join(top, 'articles/a.md')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]);
  });

  it('a file written in place is changed; a new file is added; a removed one unlinked', async () => {
    const top = watch({ 'articles/a.md': 'a' });
    writeFileSync(path.join(top, 'articles/a.md'), 'a, edited');
    await expectEvents([['change', 'content/articles/a.md']]);
    events.length = 0;
    writeFileSync(path.join(top, 'articles/new.md'), 'new');
    await expectEvents([['add', 'content/articles/new.md']]);
    expect(events.map(([event]) => event)).not.toContain('unlink');
    events.length = 0;
    rmSync(path.join(top, 'articles/new.md'));
    await expectEvents([['unlink', 'content/articles/new.md']]);
    expect(events).toEqual([['unlink', 'content/articles/new.md']]);
  });

  it('a rename is the old name unlinked and the new one added', async () => {
    const top = watch({ 'articles/a.md': 'a' });
    renameSync(path.join(top, 'articles/a.md'), path.join(top, 'articles/b.md'));
    await expectEvents([['unlink', 'content/articles/a.md'], ['add', 'content/articles/b.md']]);
    expect(events).toHaveLength(2);
  });

  it("an editor's atomic save (a temporary file renamed over the original) is a change of the original", async () => {
    const top = watch({ 'articles/a.md': 'a' });
    const temp = path.join(top, 'articles/.a.md.swx');
    writeFileSync(temp, 'a, saved atomically');
    renameSync(temp, path.join(top, 'articles/a.md'));
    await expectEvents([['change', 'content/articles/a.md']]);
    expect(events.filter(([, file]) => file === 'content/articles/a.md')).toEqual([['change', 'content/articles/a.md']]);
    expect(events.some(([event, file]) => event === 'unlink' && file === 'content/articles/a.md')).toBe(false);
  });

  it('a file that is gone for a moment (renamed to a backup, then written anew) is a change, not an unlink', async () => {
    const top = watch({ 'articles/a.md': 'a' });
    const file = path.join(top, 'articles/a.md');
    renameSync(file, `${file}~`);
    await new Promise((resolve) => setTimeout(resolve, ATOMIC_MS / 4));
    writeFileSync(file, 'a, saved the vim way');
    rmSync(`${file}~`);
    await expectEvents([['change', 'content/articles/a.md']]);
    expect(events.some(([event, f]) => event === 'unlink' && f === 'content/articles/a.md')).toBe(false);
  });

  it('a folder made after the start is watched, with what was moved in with it and what is written in it later', async () => {
    const top = watch({ 'articles/a.md': 'a' });
    // Made elsewhere and moved in whole: its files are reported as added.
    const outside = path.join(dir, 'elsewhere');
    mkdirSync(path.join(outside, 'deeper'), { recursive: true });
    writeFileSync(path.join(outside, 'moved.md'), 'moved');
    writeFileSync(path.join(outside, 'deeper/deep.md'), 'deep');
    renameSync(outside, path.join(top, 'articles/2027'));
    await expectEvents([
      ['addDir', 'content/articles/2027'],
      ['add', 'content/articles/2027/moved.md'],
      ['addDir', 'content/articles/2027/deeper'],
      ['add', 'content/articles/2027/deeper/deep.md'],
    ]);
    events.length = 0;
    // Made in place, then written in.
    mkdirSync(path.join(top, 'guides'));
    await expectEvents([['addDir', 'content/guides']]);
    writeFileSync(path.join(top, 'guides/first.md'), 'first');
    await expectEvents([['add', 'content/guides/first.md']]);
    writeFileSync(path.join(top, 'articles/2027/deeper/deep.md'), 'deep, edited');
    await expectEvents([['change', 'content/articles/2027/deeper/deep.md']]);
  });

  it('a folder removed or moved away unlinks what was in it, and is no longer watched', async () => {
    const top = watch({ 'articles/a.md': 'a', 'articles/old/b.md': 'b' });
    renameSync(path.join(top, 'articles/old'), path.join(dir, 'away'));
    await expectEvents([['unlink', 'content/articles/old/b.md'], ['unlinkDir', 'content/articles/old']]);
    events.length = 0;
    // Its watch must not follow it to where it went.
    writeFileSync(path.join(dir, 'away/b.md'), 'b, edited away');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]);
  });

  it('a root that does not exist yet is watched once it is made, and again after it was removed', async () => {
    const top = watch({}, { pollInterval: 50 }, 'static');
    mkdirSync(path.join(top, 'media'), { recursive: true });
    writeFileSync(path.join(top, 'media/logo.svg'), '<svg/>');
    await expectEvents([['addDir', 'static'], ['add', 'static/media/logo.svg']]);
    writeFileSync(path.join(top, 'media/logo.svg'), '<svg></svg>');
    await expectEvents([['change', 'static/media/logo.svg']]);
    events.length = 0;
    rmSync(top, { recursive: true });
    await expectEvents([['unlink', 'static/media/logo.svg'], ['unlinkDir', 'static']]);
    mkdirSync(top);
    writeFileSync(path.join(top, 'robots.txt'), 'User-agent: *');
    await expectEvents([['add', 'static/robots.txt']]);
  });

  it('leaves ignored entries alone', async () => {
    const top = watch({ 'articles/a.md': 'a' }, { ignored: (file) => file.includes(`${path.sep}node_modules`) });
    mkdirSync(path.join(top, 'node_modules/x'), { recursive: true });
    writeFileSync(path.join(top, 'node_modules/x/index.js'), '');
    writeFileSync(path.join(top, 'articles/a.md'), 'a, edited');
    await expectEvents([['change', 'content/articles/a.md']]);
    expect(events).toEqual([['change', 'content/articles/a.md']]);
  });

  it('falls back to polling, said once, when the system refuses a folder watch', async () => {
    const refused: Error[] = [];
    const noMoreWatches = (() => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    }) as unknown as typeof import('node:fs').watch;
    const top = watch({ 'articles/a.md': 'a' }, { watch: noMoreWatches, onFallback: (error) => refused.push(error), pollInterval: 50 });
    expect(refused.map((e) => e.message)).toEqual(['ENOSPC: System limit for number of file watchers reached']);
    // chokidar's polling reads the tree first: a change is seen once it is ready.
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(path.join(top, 'articles/a.md'), 'a, edited while polled');
    writeFileSync(path.join(top, 'articles/new.md'), 'new');
    await expectEvents([['change', 'content/articles/a.md'], ['add', 'content/articles/new.md']], 0);
    expect(refused).toHaveLength(1);
  });
});
