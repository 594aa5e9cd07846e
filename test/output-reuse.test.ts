/**
 * A build that changed little writes little: a file that is the same as in the previous dist/ (and
 * untouched there since) is hard-linked from it, with its .gz and .br, or kept where it lies in the
 * spare folder (the output before last), instead of written again.
 * That must never cost a guarantee: a hand-edited dist/ file is still repaired, dist/ is never linked
 * to the cache, and a plugin that replaces a file in the staging folder is not fooled by a kept one.
 * Each test builds its own copy of the fixture site, with its own cache.
 */
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { build } from '../src/build.ts';
import { definePlugin } from '../src/define-plugin.ts';
import { removalsEnded } from '../src/output-removal.ts';
import { createLogger } from '../src/log.ts';
import { builtinPlugins } from '../src/plugins.ts';
import { snapshotDir } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();
const quiet = () => createLogger({ quiet: true });

/** The fixture with fast precompression. */
function site(): string {
  const root = newSite({
    'site.config.ts': readFileSync(path.join(import.meta.dirname, 'fixtures/minimal/site.config.ts'), 'utf8').replace(
      'export default {',
      "export default {\n  precompress: { zopfliIterations: 1, workers: 1 },",
    ),
  });
  return root;
}

/** A change to one article: the next build writes a new output. */
function edit(root: string): void {
  const file = path.join(root, 'content/articles/hello.md');
  writeFileSync(file, readFileSync(file, 'utf8') + `\nEdited at ${process.hrtime.bigint()}.\n`);
}

const inode = (file: string) => statSync(file).ino;

/** Every file's inode under dir. */
function inodes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.set(path.relative(dir, path.join(entry.parentPath, entry.name)), inode(path.join(entry.parentPath, entry.name)));
  }
  return found;
}

describe('the same files finished with other settings are another output', () => {
  it('precompression turned off removes the .gz/.br, turned on again writes them, with no page changed', async () => {
    const root = site();
    const config = path.join(root, 'site.config.ts');
    const on = readFileSync(config, 'utf8');
    const siblings = () => readdirSync(path.join(root, 'dist'), { recursive: true }).map(String).filter((name) => /\.(gz|br)$/.test(name));
    await build({ root, log: quiet() });
    expect(siblings()).toContain('hello/index.html.gz');

    writeFileSync(config, on.replace('precompress: { zopfliIterations: 1, workers: 1 },', 'precompress: false,'));
    expect((await build({ root, log: quiet() })).stats.written).toBe('written');
    expect(siblings()).toEqual([]);

    writeFileSync(config, on);
    expect((await build({ root, log: quiet() })).stats.written).toBe('written');
    expect(siblings()).toContain('hello/index.html.gz');
    expect(siblings()).toContain('hello/index.html.br');
    expect((await build({ root, log: quiet() })).stats.written).toBe('unchanged');
  });
});

describe('an incremental build keeps what did not change', () => {
  it('links unchanged files and their .gz/.br from the previous dist/, never from the cache', async () => {
    const root = site();
    await build({ root, log: quiet() });
    const dist = path.join(root, 'dist');
    const before = inodes(dist);

    // The second build links them from dist/, the third and later take them from the spare folder
    // (the output before last, src/output-spare.ts), where they lie.
    for (let i = 0; i < 3; i++) {
      const last = snapshotDir(dist);
      edit(root);
      expect((await build({ root, log: quiet() })).stats.written).toBe('written');
      await removalsEnded();
      const after = inodes(dist);
      // The page that did not change is the same file, and so are its siblings; the edited one is new
      // (by its bytes: the inode of a file removed from the spare may be given to the new one).
      for (const file of ['about/index.html', 'about/index.html.gz', 'about/index.html.br']) expect(after.get(file), file).toBe(before.get(file));
      for (const file of ['hello/index.html', 'hello/index.html.gz', 'hello/index.html.br']) expect(readFileSync(path.join(dist, file)).equals(last.get(file)!), file).toBe(false);

      // No dist/ file shares its inode with anything but its twin in the spare folder: not with the cache.
      const cacheInodes = new Set(inodes(path.join(root, '.solarpress-cache')).values());
      const spare = inodes(path.join(root, '.dist.spare'));
      for (const [file, ino] of after) {
        expect(cacheInodes.has(ino), `${file} is a cache entry`).toBe(false);
        expect(statSync(path.join(dist, file)).nlink, file).toBe(spare.get(file) === ino ? 2 : 1);
      }
      expect(readdirSync(root).filter((name) => /^\.dist\./.test(name))).toEqual(['.dist.spare']);
    }
  });

  it('repairs a dist/ file edited by hand to the same size (its mtime changed), and a sibling truncated with its mtime put back', async () => {
    const root = site();
    await build({ root, log: quiet() });
    const dist = path.join(root, 'dist');
    const built = snapshotDir(dist);
    const page = path.join(dist, 'about/index.html');
    const gz = path.join(dist, 'about/index.html.gz');
    const gzTime = statSync(gz).mtime;

    // Written in place (same inode), same length: only the mtime tells.
    const text = readFileSync(page, 'utf8');
    writeFileSync(page, text.replace('<title>', '<tItle>'));
    expect(statSync(page).size).toBe(built.get('about/index.html')!.length);
    utimesSync(page, new Date(statSync(page).mtimeMs + 1000), new Date(statSync(page).mtimeMs + 1000)); // a coarse clock cannot hide it
    writeFileSync(gz, built.get('about/index.html.gz')!.subarray(0, 10));
    utimesSync(gz, gzTime, gzTime);

    // Both with another change (files kept from dist/) and without one (the no-change check).
    edit(root);
    await build({ root, log: quiet() });
    expect(readFileSync(page).equals(built.get('about/index.html')!)).toBe(true);
    expect(readFileSync(gz).equals(built.get('about/index.html.gz')!)).toBe(true);

    writeFileSync(page, readFileSync(page, 'utf8').replace('<title>', '<tItle>'));
    utimesSync(page, new Date(statSync(page).mtimeMs + 1000), new Date(statSync(page).mtimeMs + 1000));
    expect((await build({ root, log: quiet() })).stats.written).toBe('written');
    expect(readFileSync(page).equals(built.get('about/index.html')!)).toBe(true);
    expect((await build({ root, log: quiet() })).stats.written).toBe('unchanged');
  });

  it('a file replaced by a hand-added one, or deleted, is written again', async () => {
    const root = site();
    await build({ root, log: quiet() });
    const dist = path.join(root, 'dist');
    const built = snapshotDir(dist);
    rmSync(path.join(dist, 'about/index.html.br'));
    writeFileSync(path.join(dist, 'stray.txt'), 'not ours');
    edit(root);
    await build({ root, log: quiet() });
    expect(readFileSync(path.join(dist, 'about/index.html.br')).equals(built.get('about/index.html.br')!)).toBe(true);
    expect(snapshotDir(dist).has('stray.txt')).toBe(false);
    // The folder it was added to is the spare now, which the next build brings up to date.
    edit(root);
    await build({ root, log: quiet() });
    expect(snapshotDir(dist).has('stray.txt')).toBe(false);
    expect(readFileSync(path.join(dist, 'about/index.html.br')).equals(built.get('about/index.html.br')!)).toBe(true);
  });

  it('a plugin that replaces a file in the staging folder sees the build\'s file each time, never its own last output', async () => {
    const root = site();
    const stamping = definePlugin({
      name: 'stamps-pages',
      configKey: 'stampsPages',
      schema: z.object({}),
      setup: () => ({
        version: '1',
        outputReady(_ctx, outputDir) {
          // Replaced, as the hook's contract says (never written into).
          const file = path.join(outputDir, 'about/index.html');
          const text = readFileSync(file, 'utf8');
          rmSync(file);
          writeFileSync(file, text.replace('</body>', '<!-- stamped --></body>'));
        },
      }),
    });
    builtinPlugins.push(stamping);
    try {
      await build({ root, log: quiet() });
      edit(root);
      await build({ root, log: quiet() });
      edit(root);
      await build({ root, log: quiet() });
    } finally {
      builtinPlugins.splice(builtinPlugins.indexOf(stamping), 1);
    }
    const page = readFileSync(path.join(root, 'dist/about/index.html'), 'utf8');
    expect(page.match(/<!-- stamped -->/g)).toHaveLength(1);
  });
});
