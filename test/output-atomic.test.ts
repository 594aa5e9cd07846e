/**
 * A build replaces dist/ only once its new output is complete: whatever fails or stops it after
 * writing began (a plugin's last step, a kill during precompression, the final rename), dist/ is
 * the previous output byte for byte and nothing is left beside it. Each test has its own temp site
 * and cache.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { builtinPlugins } from '../src/plugins.ts';
import { definePlugin } from '../src/define-plugin.ts';
import { PROJECT_ROOT, removeSite, runCliAsync, snapshotDir, startCli, tempSite, writeFiles } from './support/site.ts';

/** Makes the rename of a staging folder fail while set: the swap's second rename. */
const failStagingRename = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof fs.renameSync = (from, to) => {
    if (failStagingRename.on && /\.staging-\d+$/.test(String(from))) {
      throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${from}' -> '${to}'`), { code: 'EXDEV' });
    }
    return fs.renameSync(from, to);
  };
  return { ...fs, renameSync, default: { ...fs, renameSync } };
});

const FIXTURE_CONFIG = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/site.config.ts'), 'utf8');
const config = (extra = '') => FIXTURE_CONFIG.replace(/\};\s*$/, `${extra}};\n`);
const quiet = createLogger({ quiet: true });

const cleanup: string[] = [];
afterEach(() => {
  failStagingRename.on = false;
  for (const dir of cleanup.splice(0)) removeSite(dir);
});

function site(files: Record<string, string> = {}): string {
  const root = tempSite(files);
  cleanup.push(root);
  return root;
}

/** A change that makes the next build write new output. */
function edit(root: string): void {
  const file = path.join(root, 'content/articles/hello.md');
  writeFileSync(file, readFileSync(file, 'utf8') + `\nEdited at ${process.hrtime.bigint()}.\n`);
}

function expectUnchanged(before: Map<string, Buffer>, dist: string): void {
  const after = snapshotDir(dist);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes), `${file} changed`).toBe(true);
}

const leftovers = (root: string) => readdirSync(root).filter((name) => /^\.dist\.(staging|previous)-/.test(name));

describe('dist/ stays as it was', () => {
  it('when a plugin throws in outputReady', async () => {
    const root = site({ 'site.config.ts': config('  precompress: false,\n') });
    await build({ root, log: quiet });
    const dist = path.join(root, 'dist');
    const before = snapshotDir(dist);

    const failing = definePlugin({
      name: 'fails-at-the-end',
      configKey: 'failsAtTheEnd',
      schema: z.object({}),
      setup: () => ({
        version: '1',
        async outputReady(_ctx, outputDir) {
          // It had begun its work in the staging folder.
          writeFileSync(path.join(outputDir, 'half.txt'), 'half');
          throw new Error('the plugin failed');
        },
      }),
    });
    builtinPlugins.push(failing);
    try {
      edit(root);
      await expect(build({ root, log: quiet })).rejects.toThrow('the plugin failed');
    } finally {
      builtinPlugins.splice(builtinPlugins.indexOf(failing), 1);
    }
    expectUnchanged(before, dist);
    expect(leftovers(root)).toEqual([]);
  });

  it('when the final rename fails: the previous dist/ is put back', async () => {
    const root = site({ 'site.config.ts': config('  precompress: false,\n') });
    await build({ root, log: quiet });
    const dist = path.join(root, 'dist');
    const before = snapshotDir(dist);

    edit(root);
    failStagingRename.on = true;
    await expect(build({ root, log: quiet })).rejects.toThrow(/EXDEV/);
    failStagingRename.on = false;
    expectUnchanged(before, dist);
    expect(leftovers(root)).toEqual([]);

    // And the next build goes through.
    await build({ root, log: quiet });
    expect(readFileSync(path.join(dist, 'hello/index.html'), 'utf8')).toMatch(/Edited at/);
  });

  it.each([
    ['a new staging folder', 1],
    ['the spare folder brought up to date', 2],
  ])('when the build is killed during precompression, in %s; the next build removes its leftovers', async (_, builds) => {
    // The first builds without precompression; the next has every file to compress with zopfli (seconds,
    // so the kill comes while it runs: at the default settings this site's compression is over in milliseconds).
    // After two builds, the folder the second replaced is the spare (src/output-spare.ts): the third's staging folder.
    const root = site({ 'site.config.ts': config('  precompress: false,\n') });
    for (let i = 0; i < builds; i++) {
      edit(root);
      expect((await runCliAsync(root, ['build'])).code).toBe(0);
    }
    expect(existsSync(path.join(root, '.dist.spare'))).toBe(builds > 1);
    const dist = path.join(root, 'dist');
    const before = snapshotDir(dist);

    writeFiles(root, { 'site.config.ts': config("  precompress: { gzipEncoder: 'zopfli' },\n") });
    edit(root);
    const { child, done } = startCli(root, ['build']);
    const staging = path.join(root, `.dist.staging-${child.pid}`);
    // Precompression has begun once a .gz or .br is in the staging folder.
    const compressing = () => {
      try {
        return readdirSync(staging, { recursive: true }).some((name) => /\.(gz|br)$/.test(String(name)));
      } catch {
        return false; // not made yet
      }
    };
    let exited = false;
    void done.then(() => (exited = true));
    while (!exited && !compressing()) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(exited, 'the build ended before precompression was seen').toBe(false);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    expectUnchanged(before, dist);
    expect(leftovers(root)).toEqual([`.dist.staging-${child.pid}`]);
    expect(existsSync(path.join(root, '.dist.spare'))).toBe(false);

    // (Without precompression again: the point is the leftovers, not another minute of zopfli.)
    writeFiles(root, { 'site.config.ts': config('  precompress: false,\n') });
    const next = await runCliAsync(root, ['build']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`removed .dist.staging-${child.pid}/`);
    expect(leftovers(root)).toEqual([]);
    expect(readFileSync(path.join(dist, 'hello/index.html'), 'utf8')).toMatch(/Edited at/);
  });
});
