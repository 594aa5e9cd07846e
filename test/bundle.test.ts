/**
 * The bundles the CLI and the site's own modules run from (src/bundle.js): cached by their code,
 * fresh after an edit, and with each module's import.meta.url still its source file's.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRIES, solarpressBundle } from '../src/bundle.js';
import { importFresh } from '../src/import-fresh.ts';
import { PROJECT_ROOT } from './support/site.ts';

const base = path.join(PROJECT_ROOT, 'test-output');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(path.join(base, 'bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundles', () => {
  it("a site module keeps its source's import.meta.url, and an edit is imported afresh", async () => {
    const entry = path.join(dir, 'theme.ts');
    writeFileSync(path.join(dir, 'part.ts'), "export const where: string = new URL('./assets/', import.meta.url).href;\n");
    writeFileSync(entry, "import { where } from './part.ts';\nexport default { where, version: 1 };\n");
    const first = await importFresh(entry);
    expect(first.default).toEqual({ where: pathToFileURL(path.join(dir, 'assets/')).href, version: 1 });

    writeFileSync(entry, "import { where } from './part.ts';\nexport default { where, version: 2 };\n");
    expect((await importFresh(entry)).default.version).toBe(2);
    // The same code again is the same module.
    writeFileSync(entry, "import { where } from './part.ts';\nexport default { where, version: 1 };\n");
    expect((await importFresh(entry)).default).toBe(first.default);
    // An edit of a file it imports is seen too (an unchanged module is reused without esbuild, by
    // the hashes of every file it was made from).
    writeFileSync(path.join(dir, 'part.ts'), "export const where: string = 'edited';\n");
    expect((await importFresh(entry)).default).toEqual({ where: 'edited', version: 1 });
  });

  it('solarpress itself is bundled once per version of its code, with every entry', async () => {
    const bundle = await solarpressBundle();
    for (const name of Object.keys(ENTRIES)) expect(existsSync(path.join(bundle, `${name}.mjs`)), name).toBe(true);
    expect(await solarpressBundle()).toBe(bundle);
  });
});
