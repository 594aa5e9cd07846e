/**
 * Publishing from the cache (issue 11, "corrupt output shipped from the cache"): nothing done to
 * dist/ reaches the cache, nothing damaged in the cache reaches dist/, and the next build repairs
 * dist/. Each test builds its own copy of the fixture site, with its own cache.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import type { Logger } from '../src/types.ts';
import { snapshotDir } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();

const PIXEL = readFileSync(path.join(import.meta.dirname, 'fixtures/pixel.png'));
/** The fixture with an image (dithered, so published from the dither cache) and fast precompression. */
const FILES = {
  'site.config.ts': readFileSync(path.join(import.meta.dirname, 'fixtures/minimal/site.config.ts'), 'utf8').replace(
    'export default {',
    "export default {\n  precompress: { zopfliIterations: 1, workers: 1 },",
  ),
  'content/articles/images/pixel.png': PIXEL,
  'content/articles/picture.md': '---\ntitle: A picture\ndate: 2021-03-04\n---\n\n![A pixel](images/pixel.png)\n',
};

function site(files: Record<string, string | Buffer | null> = {}): string {
  const root = newSite({ ...FILES, ...files });
  return root;
}

function collectingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (m, where) => void warnings.push(`${where?.file ?? ''}: ${m}`), progress: () => ({ tick() {}, done() {} }) };
}

/** Every file under the cache folder holding exactly these bytes. */
function cacheFilesHolding(root: string, bytes: Buffer): string[] {
  const cache = path.join(root, '.solarpress-cache');
  return readdirSync(cache, { recursive: true, encoding: 'utf8' })
    .map((relative) => path.join(cache, relative))
    .filter((file) => statSync(file).isFile() && readFileSync(file).equals(bytes));
}

/** The output a cold build of the same tree (another folder, another cache) makes. */
async function coldOutput(): Promise<Map<string, Buffer>> {
  const root = site();
  await build({ root, log: collectingLog() });
  return snapshotDir(path.join(root, 'dist'));
}

function expectSameOutput(root: string, expected: Map<string, Buffer>): void {
  const actual = snapshotDir(path.join(root, 'dist'));
  expect([...actual.keys()].filter((f) => f !== '.solarpress-output')).toEqual([...expected.keys()].filter((f) => f !== '.solarpress-output'));
  for (const [file, bytes] of expected) expect(actual.get(file)?.equals(bytes), file).toBe(true);
}

const gzipOk = (file: string) => spawnSync('gzip', ['-t', file]).status === 0;

describe('dist/ and the cache', () => {
  it('a hand-edited dist/ file is not in the cache, and the next build puts it right', async () => {
    const root = site();
    await build({ root, log: collectingLog() });
    const page = path.join(root, 'dist/about/index.html');
    const built = readFileSync(page);
    expect(cacheFilesHolding(root, built)).toHaveLength(1); // published from the cache...

    writeFileSync(page, built.toString('utf8').replace('</body>', '<p>EDITED BY HAND</p></body>'));
    const edited = readFileSync(page);
    expect(cacheFilesHolding(root, edited)).toEqual([]); // ...but not linked to it
    expect(cacheFilesHolding(root, built)).toHaveLength(1);

    const result = await build({ root, log: collectingLog() });
    expect(result.stats.written).toBe('written');
    expect(readFileSync(page).equals(built)).toBe(true);
    // And a build after that one has nothing to do.
    expect((await build({ root, log: collectingLog() })).stats.written).toBe('unchanged');
  });

  it('damaged page, feed, image and .gz cache entries are never published: each is made again, with a warning', async () => {
    const root = site();
    await build({ root, log: collectingLog() });
    const dist = (file: string) => path.join(root, 'dist', file);
    const image = readdirSync(dist('media')).find((name) => name.endsWith('.png') && !name.includes('-original'))!;
    const targets = ['about/index.html', 'feed.xml', `media/${image}`, 'index.html.gz'];
    const damaged = targets.map((file) => {
      const [entry] = cacheFilesHolding(root, readFileSync(dist(file)));
      expect(entry, file).toBeDefined();
      truncateSync(entry, Math.floor(statSync(entry).size / 2));
      return entry;
    });

    // dist/ removed: the whole output is written again, from the cache.
    rmSync(path.join(root, 'dist'), { recursive: true });
    const log = collectingLog();
    const result = await build({ root, log });
    expect(result.stats.written).toBe('written');
    for (const entry of damaged) expect(log.warnings.some((w) => w.startsWith(`${entry}: damaged cache entry`)), entry).toBe(true);

    expectSameOutput(root, await coldOutput());
    expect(gzipOk(dist('index.html.gz'))).toBe(true);
    const feed = parseFeed(readFileSync(dist('feed.xml'), 'utf8'));
    expect(feed.items.map((item) => item.title)).toContain('A picture');
  });

  it('deleting cache entries repairs dist/, also when nothing else changed', async () => {
    const root = site();
    await build({ root, log: collectingLog() });
    const expected = snapshotDir(path.join(root, 'dist'));
    // A damaged .gz entry, published by a build that writes the output (another output folder)...
    const [gz] = cacheFilesHolding(root, readFileSync(path.join(root, 'dist/index.html.gz')));
    truncateSync(gz, 10);
    await build({ root, outDir: path.join(root, 'elsewhere'), log: collectingLog() });
    expect(gzipOk(path.join(root, 'elsewhere/index.html.gz'))).toBe(true);
    // ...then every entry of the cache deleted but the manifests: the next build makes them all again.
    for (const store of readdirSync(path.join(root, '.solarpress-cache'))) {
      if (store !== 'output') rmSync(path.join(root, '.solarpress-cache', store), { recursive: true });
    }
    await build({ root, log: collectingLog() });
    expectSameOutput(root, expected);
    for (const file of snapshotDir(path.join(root, 'dist')).keys()) if (file.endsWith('.gz')) expect(gzipOk(path.join(root, 'dist', file)), file).toBe(true);
  });
});
