/**
 * The bundles the CLI and the site's own modules run from (src/bundle.js): cached by their code,
 * fresh after an edit, and with each module's import.meta.url still its source file's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleModule, ENTRIES, solarpressBundle } from '../src/bundle.js';
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

  it("sharp, loaded through the bundle's stand-in, finds semver in Node's module cache as one module", async () => {
    // In a process of its own: Node's module cache is the process's.
    const entry = path.join(dir, 'uses-sharp.ts');
    writeFileSync(
      entry,
      [
        "import { createRequire } from 'node:module';",
        "import sharp from 'sharp';",
        'export async function probe() {',
        "  const png = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#102030' } }).png().toBuffer();",
        "  const pixel = [...(await sharp(png).raw().toBuffer()).subarray(0, 3)];",
        "  const semverFiles = Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\\\/]semver[\\\\/]/.test(file));",
        "  const semver = createRequire(createRequire(import.meta.url).resolve('sharp'))('semver');",
        "  const semverWorks = [semver.coerce('v8.17').version, semver.gte('8.17.0', '8.2.0'), Object.keys(semver).includes('satisfies')];",
        '  return { pixel, semverFiles: semverFiles.length, semverWorks };',
        '}',
        '',
      ].join('\n'),
    );
    const bundled = await bundleModule(entry);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const { probe } = await import(${JSON.stringify(pathToFileURL(bundled).href)}); console.log(JSON.stringify(await probe()));`], { encoding: 'utf8' });
    // sharp works, and semver is the one bundled module, not its ~40 files loaded one by one; what
    // sharp's start left unloaded of it is there when asked for.
    expect(JSON.parse(out)).toEqual({ pixel: [16, 32, 48], semverFiles: 1, semverWorks: ['8.17.0', true, true] });
  }, 60_000);
});
