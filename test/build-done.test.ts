/**
 * The buildDone hook: every plugin hears when a build is over, whatever came of it (output written,
 * output unchanged, a failure before or after buildEnd), so that what it started for the build
 * (threads, work begun ahead) ends with it. A failure of the hook itself fails a build that
 * otherwise succeeded, and never hides the error of one that failed.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { build } from '../src/build.ts';
import { definePlugin } from '../src/define-plugin.ts';
import { ContentErrors } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { builtinPlugins } from '../src/plugins.ts';
import type { SolarpressPlugin } from '../src/types.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();
/** The minimal site, without precompression (no plugin here needs it). */
const site = () =>
  newSite({
    'site.config.ts': readFileSync(path.join(import.meta.dirname, 'fixtures/minimal/site.config.ts'), 'utf8').replace('export default {', 'export default {\n  precompress: false,'),
  });
const quiet = () => createLogger({ quiet: true });

/** A plugin that records its hooks in `calls`; `hooks` adds to (or replaces) them. */
function recording(calls: string[], hooks: Partial<SolarpressPlugin> = {}, name = 'records-hooks') {
  return definePlugin({
    name,
    configKey: name,
    schema: z.object({}),
    setup: () => ({
      version: '1',
      buildStart: () => void calls.push('buildStart'),
      buildEnd: () => void calls.push('buildEnd'),
      outputReady: () => void calls.push('outputReady'),
      buildDone: () => void calls.push('buildDone'),
      ...hooks,
    }),
  });
}

const added: ReturnType<typeof recording>[] = [];
function use(plugin: ReturnType<typeof recording>): void {
  builtinPlugins.push(plugin);
  added.push(plugin);
}
afterEach(() => {
  for (const plugin of added.splice(0)) builtinPlugins.splice(builtinPlugins.indexOf(plugin), 1);
});

describe('buildDone', () => {
  it('comes once after each build: written, then with its output unchanged', async () => {
    const calls: string[] = [];
    use(recording(calls));
    const root = site();
    const first = await build({ root, log: quiet() });
    expect(first.stats.written).toBe('written');
    expect(calls).toEqual(['buildStart', 'buildEnd', 'outputReady', 'buildDone']);
    calls.length = 0;
    const again = await build({ root, log: quiet() });
    expect(again.stats.written).toBe('unchanged');
    expect(calls).toEqual(['buildStart', 'buildEnd', 'buildDone']);
  });

  it('comes after a build that fails after buildEnd (a broken link) and one that fails before it (bad front matter)', async () => {
    const calls: string[] = [];
    use(recording(calls));
    const root = site();
    const article = path.join(root, 'content/articles/hello.md');
    appendFileSync(article, '\nSee [nothing](/no-such-page/).\n');
    await expect(build({ root, log: quiet() })).rejects.toThrow(ContentErrors);
    expect(calls).toEqual(['buildStart', 'buildEnd', 'buildDone']);
    calls.length = 0;
    writeFileSync(article, `---\ntitle: [unclosed\n---\n\n${readFileSync(article, 'utf8')}`);
    await expect(build({ root, log: quiet() })).rejects.toThrow(ContentErrors);
    expect(calls).toEqual(['buildStart', 'buildDone']);
  });

  it('fails a build that succeeded when it throws, and never hides a failed build\'s own error', async () => {
    const calls: string[] = [];
    use(recording(calls, { buildDone: () => { throw new Error('could not stop my threads'); } }, 'fails-when-done'));
    // The hooks after a failing one still run.
    use(recording(calls));
    const root = site();
    await expect(build({ root, log: quiet() })).rejects.toThrow('could not stop my threads');
    expect(calls.at(-1)).toBe('buildDone');
    appendFileSync(path.join(root, 'content/articles/hello.md'), '\nSee [nothing](/no-such-page/).\n');
    await expect(build({ root, log: quiet() })).rejects.toThrow(ContentErrors);
  });
});
