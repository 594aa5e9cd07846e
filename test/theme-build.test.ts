/**
 * The solar theme on a small built site: what the Markdown turns into, as a browser shows it with the
 * stylesheet the build published.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT, removeSite, runCliAsync, tempSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';
import { createLogger } from '../src/log.ts';
import { startDevServer } from '../src/dev/server.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const haveChromium = requireTools('/usr/bin/chromium');

let root: string;
let buildOutput: string;
const dist = (...parts: string[]) => path.join(root, 'dist', ...parts);
const asset = (ext: string) => readFileSync(dist('assets', readdirSync(dist('assets')).find((f) => f.endsWith(ext))!), 'utf8');

beforeAll(async () => {
  root = tempSite({
    'site.config.ts': `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' },
      license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
      theme: ${JSON.stringify(path.join(PROJECT_ROOT, 'theme'))}, precompress: false };\n`,
    'content/articles/typos.md': '---\ntitle: Typos\ndate: 2020-01-04\ndraf: true\ntgas: [xmpp]\nbio: Read by the theme.\ndither: none\nxyzzy: 1\n---\n\nText.\n',
    'content/articles/later.md': '---\ntitle: Later\ndate: 2999-01-01\n---\n\nNot yet.\n',
    'content/articles/unfinished.md': '---\ntitle: Unfinished\ndate: 2020-01-02\ndraft: true\n---\n\nHalf a thought.\n',
    'content/articles/table.md': '---\ntitle: Table\ndate: 2020-01-03\n---\n\n| left | middle | right |\n|:-----|:------:|------:|\n| a | b | 1.30 s |\n| a longer cell | b | 12.5 s |\n',
  });
  const run = await runCliAsync(root, ['build']);
  expect(run.code, run.stderr).toBe(0);
  buildOutput = run.stdout + run.stderr;
}, 120_000);
afterAll(() => removeSite(root));

describe('tables', () => {
  it('keep the alignment Markdown gives their columns', async () => {
    const html = readFileSync(dist('table/index.html'), 'utf8');
    const table = html.slice(html.indexOf('<table'), html.indexOf('</table>') + 8);
    expect(table).toMatch(/<th align="right">right<\/th>/);
    expect(table).toMatch(/<td align="center">b<\/td>/);
    if (!haveChromium) return;
    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent(`<!doctype html><style>${asset('.css')}</style><main class="prose">${table}</main>`);
      const aligns = await page.$$eval('tr:first-child > *, tbody tr:first-child > *', (cells) => cells.map((c) => getComputedStyle(c).textAlign));
      expect(aligns).toEqual(['left', 'center', 'right', 'left', 'center', 'right']);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('theme assets as published', () => {
  it('are minified, together under the lowered budget, from readable sources', () => {
    const css = asset('.css');
    const js = asset('.js');
    const source = readFileSync(path.join(PROJECT_ROOT, 'theme/assets/solar.css'), 'utf8');
    expect(css.length).toBeLessThan(source.length * 0.9);
    expect(css).not.toContain('/*');
    expect(css).toContain('image-rendering:-moz-crisp-edges'); // fallbacks kept for old browsers
    expect(Buffer.byteLength(css) + Buffer.byteLength(js)).toBeLessThanOrEqual(12 * 1024);
    expect(() => new Function(js)).not.toThrow();
  });

  it('each footer states the weight of the page as served, minified assets included', () => {
    for (const route of ['table/index.html', 'index.html']) {
      const html = readFileSync(dist(route), 'utf8');
      const stated = html.match(/This page weighs (\d+) KB\./)?.[1];
      const resources = [...html.matchAll(/<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]).filter((url) => url.startsWith("/assets/")); // the board's live /api files are not counted
      expect(resources.some((url) => url.endsWith('.css')) && resources.some((url) => url.endsWith('.js')), route).toBe(true);
      const bytes = gzipSync(html, { level: 9 }).length + resources.reduce((sum, url) => sum + gzipSync(readFileSync(dist(url.slice(1))), { level: 9 }).length, 0);
      expect(Number(stated), route).toBe(Math.max(1, Math.round(bytes / 1024)));
    }
  });
});

describe('unknown front-matter keys', () => {
  it('are warned at their line with the nearest known key; keys the theme or a plugin reads are not', () => {
    const warnings = buildOutput.split('\n').filter((line) => line.includes('unknown front-matter key'));
    expect(warnings).toEqual([
      expect.stringMatching(/content\/articles\/typos\.md:4\b.*unknown front-matter key "draf": did you mean "draft"\?/),
      expect.stringMatching(/content\/articles\/typos\.md:5\b.*unknown front-matter key "tgas": did you mean "tags"\?/),
      expect.stringMatching(/content\/articles\/typos\.md:8\b.*unknown front-matter key "xyzzy" \(no plugin or theme reads it\)/),
    ]);
  });
});

describe('future-dated pages', () => {
  it('are held back by the build, with a line in its summary', () => {
    expect(buildOutput).toMatch(/, 1 future-dated page left out \(--future to include\)/);
    expect(existsSync(dist('later/index.html'))).toBe(false);
    expect(existsSync(dist('table/index.html'))).toBe(true);
  });

  it('are built with --future', async () => {
    const run = await runCliAsync(root, ['build', '--future', '--out', 'dist-future']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/future-dated/);
    expect(existsSync(path.join(root, 'dist-future/later/index.html'))).toBe(true);
  }, 120_000);
});

describe('preview marks', () => {
  it('the preview marks a draft and a future-dated page; a build with --drafts --future does not', async () => {
    const server = await startDevServer({ root, port: 0, log: createLogger({ quiet: true }) });
    let later: string, unfinished: string, table: string;
    try {
      const get = async (url: string) => (await fetch(new URL(url, server.url))).text();
      [later, unfinished, table] = [await get('/later/'), await get('/unfinished/'), await get('/table/')];
    } finally {
      await server.close();
    }
    expect(later).toMatch(/<p class="preview-mark" role="note"><strong>Dated <time datetime="2999-01-01">1 January 2999<\/time><\/strong><span> — held back by build until then/);
    expect(unfinished).toMatch(/<p class="preview-mark" role="note"><strong>Draft — not published<\/strong>/);
    expect(table).not.toContain('preview-mark');
    const run = await runCliAsync(root, ['build', '--drafts', '--future', '--out', 'dist-all']);
    expect(run.code, run.stderr).toBe(0);
    for (const route of ['later', 'unfinished']) {
      const html = readFileSync(path.join(root, 'dist-all', route, 'index.html'), 'utf8');
      expect(html, route).toContain('<h1');
      expect(html, route).not.toContain('preview-mark');
    }
  }, 120_000);
});
