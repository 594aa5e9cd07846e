/**
 * Bad feed settings through the real CLI: exit 1, a message naming site.config.ts and the key or
 * setting to change, and the previous output left as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSite, runCli, snapshotDir, tempSite } from '../../test/support/site.ts';

const BASE_CONFIG = readFileSync(path.resolve(import.meta.dirname, '../../test/fixtures/minimal/site.config.ts'), 'utf8');

function configWith(feed: string): string {
  return BASE_CONFIG.replace(/\n};\s*$/, `\n  feed: ${feed},\n};\n`);
}

describe('bad feed settings', () => {
  let dir = '';

  beforeAll(() => {
    dir = tempSite();
    const first = runCli(dir, ['build']);
    expect(first.code, first.stderr).toBe(0);
  });

  afterAll(() => removeSite(dir));

  it('built feeds in the first place', () => {
    const rss = readFileSync(path.join(dir, 'dist/feed.xml'), 'utf8');
    expect(rss).toContain('<title>Hello, world</title>');
  });

  it('names the key of an invalid option and keeps the previous output', () => {
    const before = snapshotDir(path.join(dir, 'dist'));
    const configFile = path.join(dir, 'site.config.ts');
    const original = readFileSync(configFile, 'utf8');
    try {
      for (const [feed, key] of [['{ limit: 0 }', 'feed.limit'], ["{ paths: { rss: 'feed.xml' } }", 'feed.paths.rss'], ['{ perIsue: true }', 'feed.perIsue']]) {
        writeFileSync(configFile, configWith(feed!));
        const result = runCli(dir, ['build']);
        expect(result.code, feed).toBe(1);
        expect(result.stderr, feed).toContain('site.config.ts');
        expect(result.stderr, feed).toContain(key);
        expect(snapshotDir(path.join(dir, 'dist'))).toEqual(before);
      }
    } finally {
      writeFileSync(configFile, original);
    }
  });

  it('refuses two feeds on one file, saying which setting to change, and keeps the previous output', () => {
    const before = snapshotDir(path.join(dir, 'dist'));
    const configFile = path.join(dir, 'site.config.ts');
    const article = path.join(dir, 'content/articles/second.md');
    const [originalConfig, originalArticle] = [readFileSync(configFile, 'utf8'), readFileSync(article, 'utf8')];
    try {
      // A category named like the zine issue, with category feeds in /zine/: both want /zine/one/feed.xml.
      writeFileSync(configFile, configWith("{ perCategory: true, categoryBase: '/zine/' }"));
      writeFileSync(article, originalArticle.replace(/^title: Second$/m, 'title: Second\ncategory: one'));
      const result = runCli(dir, ['build']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('site.config.ts');
      expect(result.stderr).toContain('would both be written to /zine/one/feed.xml');
      expect(result.stderr).toContain('change feed.paths or feed.categoryBase');
      expect(snapshotDir(path.join(dir, 'dist'))).toEqual(before);
    } finally {
      writeFileSync(configFile, originalConfig);
      writeFileSync(article, originalArticle);
    }
  });
});
