import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build.ts';
import { createLogger } from '../../src/log.ts';
import { PROJECT_ROOT, runCli } from '../../test/support/site.ts';
import { tempSites } from '../../test/support/temp-sites.ts';
import { requireTools } from '../../test/support/tools.ts';

const quiet = () => createLogger({ quiet: true });
const site = tempSites();
const FIXTURE_CONFIG = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/site.config.ts'), 'utf8');
const withConfig = (extra: string) => FIXTURE_CONFIG.replace("title: 'Fixture',", `title: 'Fixture', ${extra}`);

describe('the sitemap plugin', () => {
  it('lists every page with lastmod from updated, else date; no drafts, no 404 page', async () => {
    const root = site({
      'content/articles/second.md': '---\ntitle: Second\ndate: 2021-03-04\nupdated: 2022-05-06T10:30:00+02:00\n---\n\nText.\n',
      'content/articles/unfinished.md': '---\ntitle: Unfinished\ndate: 2023-01-01\ndraft: true\n---\n\nText.\n',
    });
    await build({ root, log: quiet(), drafts: true });
    const xml = readFileSync(path.join(root, 'dist/sitemap.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')).toBe(true);
    const entries = [...xml.matchAll(/<url><loc>([^<]+)<\/loc>(?:<lastmod>([^<]+)<\/lastmod>)?<\/url>/g)].map((m) => [m[1], m[2]]);
    expect(entries).toEqual([
      ['https://example.org/', undefined],
      ['https://example.org/about/', undefined],
      ['https://example.org/hello/', '2020-01-02'],
      ['https://example.org/second/', '2022-05-06T08:30:00Z'],
      ['https://example.org/zine/one/', '2016-10-01'],
      ['https://example.org/zine/one/intro/', undefined],
    ]);
    if (requireTools('xmllint')) execFileSync('xmllint', ['--noout', path.join(root, 'dist/sitemap.xml')]);
  });

  it('escapes the addresses of pages whose file names hold a space or a letter beyond ASCII', async () => {
    const root = site({
      'content/articles/my post.md': '---\ntitle: Spaced\ndate: 2021-03-04\n---\n\nText.\n',
      'content/articles/café.md': '---\ntitle: Café\ndate: 2021-03-05\n---\n\nText.\n',
    });
    await build({ root, log: quiet() });
    const locs = [...readFileSync(path.join(root, 'dist/sitemap.xml'), 'utf8').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toContain('https://example.org/my%20post/');
    expect(locs).toContain('https://example.org/caf%C3%A9/');
    expect(locs.filter((loc) => /[^\x21-\x7e]/.test(loc))).toEqual([]);
  });

  it('writes a robots.txt naming the sitemap when the site has none, and never edits the site’s own', async () => {
    const bare = site();
    await build({ root: bare, log: quiet() });
    expect(readFileSync(path.join(bare, 'dist/robots.txt'), 'utf8')).toContain('User-agent: *\nDisallow:\n\nSitemap: https://example.org/sitemap.xml\n');

    const own = site({ 'static/robots.txt': 'User-agent: *\nDisallow: /drafts/\n' });
    const cli = runCli(own, ['build']);
    expect(cli.code).toBe(0);
    expect(readFileSync(path.join(own, 'dist/robots.txt'), 'utf8')).toBe('User-agent: *\nDisallow: /drafts/\n');
    expect(cli.stderr).toContain('warning static/robots.txt: has no Sitemap: line: add "Sitemap: https://example.org/sitemap.xml"');

    const named = site({ 'static/robots.txt': 'User-agent: *\nDisallow:\nSitemap: https://example.org/sitemap.xml\n' });
    const log = quiet();
    await build({ root: named, log });
    expect(log.warnings.filter((w) => w.includes('Sitemap'))).toEqual([]);
  });

  it('is configured by its section: robots: false, or false to turn it off', async () => {
    const noRobots = site({ 'site.config.ts': withConfig('sitemap: { robots: false },') });
    await build({ root: noRobots, log: quiet() });
    expect(existsSync(path.join(noRobots, 'dist/sitemap.xml'))).toBe(true);
    expect(existsSync(path.join(noRobots, 'dist/robots.txt'))).toBe(false);

    const off = site({ 'site.config.ts': withConfig('sitemap: false,') });
    await build({ root: off, log: quiet() });
    expect(existsSync(path.join(off, 'dist/sitemap.xml'))).toBe(false);
    expect(existsSync(path.join(off, 'dist/robots.txt'))).toBe(false);

    const typo = site({ 'site.config.ts': withConfig('sitemap: { robot: false },') });
    const cli = runCli(typo, ['build']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('sitemap');
  });
});
