// The theme's CSS and JS minified ahead of the layouts (minifyAhead, started before pages render):
// the same bytes as minifying on the spot, and a broken asset still told with its file and line.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCache } from '../src/cache/file-cache.js';
import { ContentError } from '../src/errors.ts';
import { MINIFIED_STORE, minifyAhead, minifyAsset } from '../src/minify-asset.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();
const storeIn = (dir: string) => new FileCache(path.join(dir, '.cache')).store(MINIFIED_STORE.name, MINIFIED_STORE.version);
const entries = (dir: string) => storeIn(dir).list().size;

describe('minifying the theme assets ahead', () => {
  it('stores what minifyAsset would make, which it then takes from the store', async () => {
    const dir = newSite();
    const assets = [
      { file: path.join(dir, 'a.css'), source: 'body {\n  margin: 0px;\n  color: #ff0000;\n}\n' },
      { file: path.join(dir, 'a.js'), source: 'var answer = 40 + 2;\nconsole.log( answer );\n' },
    ];
    await minifyAhead(assets, storeIn(dir));
    expect(entries(dir)).toBe(2);
    for (const { file, source } of assets) expect(minifyAsset(file, source, storeIn(dir))).toBe(minifyAsset(file, source));
    expect(entries(dir)).toBe(2);
    // Nothing left to do: no second entry, nothing changed.
    await minifyAhead(assets, storeIn(dir));
    expect(entries(dir)).toBe(2);
  });

  it('leaves a broken asset for minifyAsset to report, with its file and line', async () => {
    const dir = newSite();
    const file = path.join(dir, 'broken.js');
    const source = 'var ok = 1;\nvar = ;\n';
    writeFileSync(file, source);
    await expect(minifyAhead([{ file, source }], storeIn(dir))).resolves.toBeUndefined();
    expect(entries(dir)).toBe(0);
    let error: unknown;
    try {
      minifyAsset(file, source, storeIn(dir));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).where).toMatchObject({ file, line: 2 });
  });
});
