/**
 * The dither plugin inside real builds of the minimal fixture site (core + plugins), and through
 * the real CLI for the bad-image path.
 */
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build.ts';
import { GRACE_MS } from '../../src/cache/store.js';
import type { Logger } from '../../src/types.ts';
import { runCli, snapshotDir, writeFiles } from '../../test/support/site.ts';
import { tempSites } from '../../test/support/temp-sites.ts';
import { ditherStore, photo } from './test-helpers.ts';

const newSite = tempSites();

const config = (dither: object) => `export default {
  title: 'Fixture',
  url: 'https://example.org',
  author: { name: 'Tester' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  dither: ${JSON.stringify(dither)},
};
`;
const article = (body: string) => `---\ntitle: Pictures\ndate: 2020-01-03\n---\n\n${body}\n`;

function collectingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), warn: (m, where) => void lines.push(`warning ${where?.file ?? ''}:${where?.line ?? ''} ${m}`), progress: () => ({ tick() {}, done() {} }) };
}

async function siteWithPictures(dither: object = {}) {
  const root = newSite({
    'site.config.ts': config(dither),
    'content/articles/pictures.md': article(
      [
        '![A photo of the panel](images/panel.jpg)',
        '',
        '![A transparent logo](images/logo.png "The logo dither: palette=3")',
        '',
        '![The same photo, undithered](images/panel.jpg "dither: none")',
      ].join('\n'),
    ),
    'content/articles/images/panel.jpg': await photo(1600, 1200).jpeg().toBuffer(),
    'content/articles/images/logo.png': await sharp({ create: { width: 120, height: 60, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.4 } } }).png().toBuffer(),
  });
  return root;
}

describe('dither in a build', () => {
  it('publishes dithered images with sizes, the lead image, originals, a summary; the cache makes the next build cheap', async () => {
    const root = await siteWithPictures({ workers: 2 });
    const log = collectingLog();
    const result = await build({ root, log });
    const html = readFileSync(path.join(root, 'dist/pictures/index.html'), 'utf8');

    const lead = result.site.byId.get('articles/pictures.md')!.leadImage!;
    expect(lead).toMatchObject({ width: 800, height: 600, type: 'image/png' });
    expect(lead.url).toMatch(/^\/media\/[0-9a-f]{20}\.png$/);
    const leadFile = path.join(root, 'dist', lead.url);
    expect(statSync(leadFile).size).toBe(lead.bytes);
    const { data } = await sharp(leadFile).raw().toBuffer({ resolveWithObject: true });
    expect([...new Set(data)].every((v) => [25, 75, 125, 175, 225, 250].includes(v))).toBe(true);

    expect(html).toContain(`src="${lead.url}" alt="A photo of the panel" width="800" height="600" loading="lazy" decoding="async" data-original="${lead.url.replace('.png', '-original.jpg')}"`);
    expect(html).toMatch(/<img src="\/media\/[0-9a-f]{20}\.png" alt="A transparent logo" title="The logo" width="120" height="60"/);
    expect(html).toMatch(/<img src="\/media\/[0-9a-f]{20}-original\.jpg" alt="The same photo, undithered" width="800" height="600"/);
    const media = readdirSync(path.join(root, 'dist/media'));
    expect(media.filter((n) => n.endsWith('.png') && !n.includes('-original')).length).toBe(2);
    expect(log.lines).toContainEqual(expect.stringMatching(/^dither: 2 images \(2 new, 0 cached\), [\d.]+ [kM]B → [\d.]+ kB \(−[\d.]+ %\)$/));

    // Again: nothing redone, the same output.
    const before = snapshotDir(path.join(root, 'dist'));
    const again = collectingLog();
    await build({ root, log: again });
    expect(again.lines).toContainEqual(expect.stringMatching(/^dither: 2 images \(0 new, 2 cached\)/));
    const after = snapshotDir(path.join(root, 'dist'));
    expect([...after.keys()]).toEqual([...before.keys()]);

    // Another site palette: the default-palette images are redone; the stale entries go once no
    // build used them for the grace period.
    const cacheDir = ditherStore(path.join(root, '.solarpress-cache')).dir;
    // The images' keys (20 hex digits), beside the store's record of their figures.
    const imageKeys = () => new Set(readdirSync(cacheDir).filter((n) => /^[0-9a-f]{20}\b/.test(n)).map((n) => n.slice(0, 20)));
    const oldKeys = imageKeys();
    writeFiles(root, { 'site.config.ts': config({ workers: 2, palette: 11 }) });
    const changed = collectingLog();
    await build({ root, log: changed });
    expect(changed.lines).toContainEqual(expect.stringMatching(/^dither: 2 images \(1 new, 1 cached\)/)); // the palette=3 override is unchanged
    expect(imageKeys().size).toBe(3);
    const long = (Date.now() - GRACE_MS - 60_000) / 1000;
    for (const name of readdirSync(cacheDir)) utimesSync(path.join(cacheDir, name), long, long);
    await build({ root, log: collectingLog() });
    const newKeys = imageKeys();
    expect(newKeys.size).toBe(2);
    expect([...newKeys].filter((k) => oldKeys.has(k))).toHaveLength(1);
  });

  it('a damaged dither cache (records and images alike) is made again with warnings, and the build succeeds', async () => {
    const root = await siteWithPictures({ workers: 2 });
    expect(runCli(root, ['build']).code).toBe(0);
    const good = snapshotDir(path.join(root, 'dist'));
    const cacheDir = ditherStore(path.join(root, '.solarpress-cache')).dir;
    for (const name of readdirSync(cacheDir)) {
      const file = path.join(cacheDir, name);
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 0x55;
      writeFileSync(file, bytes);
    }
    // The page rendered again asks for its images, whose records are damaged: each is made again,
    // with the bytes, and so the name, of its damaged file, which must not stay.
    writeFiles(root, { 'content/articles/pictures.md': readFileSync(path.join(root, 'content/articles/pictures.md'), 'utf8') + '\nEdited.\n' });
    // Published from the cache, not kept from dist/.
    rmSync(path.join(root, 'dist'), { recursive: true });
    const run = runCli(root, ['build']);
    expect(run.stderr).toMatch(/damaged cache entry/);
    expect(run.stderr).not.toMatch(/^error/m);
    expect(run.code).toBe(0);
    // Once: a damaged file kept would be found while publishing, and the build run again for it
    // (and fail if found only then: 'cache entries were damaged or removed while in use').
    expect((run.stdout + run.stderr).match(/^dither: 2 images/gm)).toHaveLength(1);
    const now = snapshotDir(path.join(root, 'dist'));
    for (const [file, bytes] of good) if (file.startsWith('media/')) expect(now.get(file), file).toEqual(bytes);
  });

  it('a bad image fails the build with the Markdown file and line, and leaves the previous output', async () => {
    const root = newSite({ 'site.config.ts': config({}) });
    expect(runCli(root, ['build']).code).toBe(0);
    const good = snapshotDir(path.join(root, 'dist'));
    writeFiles(root, {
      'content/articles/broken.md': article('Some text first.\n\n![A panel](images/panel.jpg)'),
      'content/articles/images/panel.jpg': Buffer.from('<html>a web page saved as .jpg</html>'),
    });
    const run = runCli(root, ['build']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/content\/articles\/broken\.md:8:1: image content\/articles\/images\/panel\.jpg cannot be published: not an image solarpress can read/);
    expect(run.stderr).toMatch(/dither\.skipInvalid: true/);
    const after = snapshotDir(path.join(root, 'dist'));
    expect([...after.keys()]).toEqual([...good.keys()]);

    // With skipInvalid the page is published without the image, and a warning says so.
    writeFiles(root, { 'site.config.ts': config({ skipInvalid: true }) });
    const skipped = runCli(root, ['build']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/warning content\/articles\/broken\.md:8: image content\/articles\/images\/panel\.jpg left out: not an image/);
    expect(readFileSync(path.join(root, 'dist/broken/index.html'), 'utf8')).not.toContain('<img');
  });
});
