/**
 * A multi-megabyte post builds through the real command, with the real site and precompression on:
 * every section reaches the page and the feeds, links resolved, quotes educated, and the
 * precompressed siblings decode to the files they stand for. How long it takes is bench/long-post.ts's
 * business (BENCHMARKS.md §8); here only that it is right.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWellFormed } from '../plugins/feed/fixtures/xml.ts';
import { longPost } from './support/long-post.ts';
import { copyRealSite } from './support/real-site.ts';
import { removeSite, startCli, type CliResult } from './support/site.ts';
import { requireTools } from './support/tools.ts';

/** Seconds on an idle machine; many minutes on the shared 2-core one under load. */
const BUILD_MS = 1_200_000;
const SIZE = 2.5e6;
const xmllint = requireTools('xmllint');

let root: string;
let build: CliResult;
let sections: number;

beforeAll(async () => {
  root = copyRealSite('long-post-');
  const markdown = longPost(SIZE, '../guides/yes-were-config.md');
  sections = markdown.match(/^## Part /gm)!.length;
  writeFileSync(path.join(root, 'content/articles/long-post.md'), `---\ntitle: A long post\ndate: 2024-01-01\n---\n\n${markdown}`);
  build = await startCli(root, ['build']).done;
}, BUILD_MS);

afterAll(() => removeSite(root));

const read = (file: string) => readFileSync(path.join(root, 'dist', file));

describe(`a ${SIZE / 1e6} MB post, built by solarpress build with the real site`, () => {
  it('builds, with the large files compressed at the effort that keeps cost linear', () => {
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout + build.stderr).toMatch(/precompress: .* [1-9]\d* over 512 KB at edit effort/);
  });

  it('puts every section on the page, in order, with its heading id, resolved link, quotes and table', () => {
    const html = read('long-post/index.html').toString();
    const ids = [...html.matchAll(/<h2 id="part-(\d+)-keeping-the-server--running">Part \d+: “keeping” the server — running</g)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: sections }, (_, i) => i + 1));
    expect(html.split('<a href="/yes-were-config/">battery</a>').length - 1).toBe(sections);
    expect(html.split('an ‘apostrophe’').length - 1).toBe(sections);
    expect(html.split('<table>').length - 1).toBe(sections);
    expect(html).toMatch(/<\/html>\s*$/);
  });

  it('puts the whole post in the feeds, with absolute links', () => {
    for (const file of ['feed.xml', 'atom.xml']) {
      const xml = read(file).toString();
      if (xmllint) assertWellFormed(xml, file);
      const item = parseFeed(xml).items.find((i) => i.title === 'A long post');
      expect(item, file).toBeDefined();
      const content = item!.content ?? '';
      expect(content.split('href="https://homebrewserver.club/yes-were-config/"').length - 1, file).toBe(sections);
      expect(content, file).toContain(`Part ${sections}: “keeping” the server — running`);
    }
    const json = JSON.parse(read('feed.json').toString()) as { items: { title: string; content_html: string }[] };
    expect(json.items.find((i) => i.title === 'A long post')!.content_html).toContain(`Part ${sections}: “keeping” the server — running`);
  });

  it('writes .gz and .br siblings that decode to the page and the feeds', () => {
    for (const file of ['long-post/index.html', 'feed.xml', 'atom.xml', 'feed.json']) {
      const original = read(file);
      expect(original.length, file).toBeGreaterThan(SIZE);
      expect(gunzipSync(read(`${file}.gz`)).equals(original), file).toBe(true);
      expect(brotliDecompressSync(read(`${file}.br`)).equals(original), file).toBe(true);
    }
  });
});
