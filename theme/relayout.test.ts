/**
 * A changed title lays out again only the pages that show it (the page, the lists and tags it is on,
 * the archive; the home page when it is among the latest), and the result equals a cold build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { categoryUrl, notFoundUrl, tagUrl } from './lib/urls.ts';
import { copyRealSite } from '../test/support/real-site.ts';
import { removeSite, snapshotDir } from '../test/support/site.ts';

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

/** The real site (solar theme), precompression off: it plays no part in what is laid out. */
function realSite(): string {
  const dir = copyRealSite('relayout-');
  sites.push(dir);
  const config = path.join(dir, 'site.config.ts');
  writeFileSync(config, readFileSync(config, 'utf8').replace('budgets:', 'precompress: { enabled: false },\n  budgets:'));
  return dir;
}

it('a changed title re-lays the page, its lists and the archive, not every page; output equals a cold build', async () => {
  const log = createLogger({ quiet: true });
  const root = realSite();
  const cold = await build({ root, log });
  expect(cold.laidOut.every((l) => l.fresh)).toBe(true);
  expect((await build({ root, log })).laidOut.filter((l) => l.fresh)).toEqual([]);

  // The oldest article: on the front page or the 404 page only if the site has few.
  const article = cold.site.posts.filter((p) => p.kind === 'article').at(-1)!;
  const onHome = cold.site.posts.filter((p) => p.kind !== 'guide').slice(0, 6).includes(article);
  const on404 = cold.site.posts.slice(0, 3).includes(article);
  const retitle = (dir: string) => {
    const file = path.join(dir, path.relative(root, article.source!));
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(/^title:.*$/m, 'title: "A title changed for the relayout test"');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
  };
  retitle(root);
  const warm = await build({ root, log });
  const relaid = warm.laidOut.filter((l) => l.fresh).map((l) => l.page.url).sort();
  const expected = [
    article.url,
    '/archive/',
    ...(article.category ? [categoryUrl(article.category)] : []),
    ...article.tags.map(tagUrl),
    ...(onHome ? ['/'] : []),
    ...(on404 ? [notFoundUrl] : []),
  ];
  expect(relaid).toEqual([...new Set(expected)].sort());
  expect(warm.laidOut.length).toBeGreaterThan(relaid.length * 3);

  // Byte for byte what a cold build of the edited site writes.
  const other = realSite();
  retitle(other);
  await build({ root: other, log });
  const incremental = snapshotDir(path.join(root, 'dist'));
  const fresh = snapshotDir(path.join(other, 'dist'));
  expect([...incremental.keys()].sort()).toEqual([...fresh.keys()].sort());
  for (const [file, bytes] of fresh) expect(incremental.get(file)?.equals(bytes), file).toBe(true);
}, 240_000);
