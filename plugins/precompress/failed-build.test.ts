/**
 * Compression begun ahead ends with a build that fails. At buildEnd the plugin starts compressing
 * the pages and feeds the build made (Compressions.begin), before the output is written; a build
 * that fails after that (a broken link is found once every plugin's buildEnd ran) must not go on
 * compressing for an output that will never be: its buildDone ends the threads and what was begun.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliAsync } from '../../test/support/site.ts';
import { tempSites } from '../../test/support/temp-sites.ts';
import { STORE } from './precompress.ts';

const newSite = tempSites();

/** The files of a cache store, every version of it. */
function entries(root: string, store: string): string[] {
  const dir = path.join(root, '.solarpress-cache', store);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe('a build that fails after buildEnd', () => {
  it('compresses nothing after it: the CLI exits with the error and no sibling reaches the cache', async () => {
    const root = newSite({
      'site.config.ts': readFileSync(path.join(import.meta.dirname, '../../test/fixtures/minimal/site.config.ts'), 'utf8').replace(
        'export default {',
        'export default {\n  precompress: { workers: 1 },',
      ),
    });
    appendFileSync(path.join(root, 'content/articles/hello.md'), '\nSee [nothing](/no-such-page/).\n');
    const result = await runCliAsync(root, ['build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('link to /no-such-page/');
    // The build got as far as laying its pages out (their cache holds them) ...
    expect(entries(root, 'pages').length).toBeGreaterThan(0);
    // ... and the compression begun on them ended with it: before the fix, the process stayed until
    // the workers had compressed every page and feed, and wrote each .gz and .br into the cache.
    expect(entries(root, STORE)).toEqual([]);
  });
});
