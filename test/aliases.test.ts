/**
 * aliases: in front matter: a redirect page at each old address (works without JavaScript), the
 * preview's 301, and every bad alias an error at its line that leaves the last good output alone.
 * (The generated nginx config's 301s, through real nginx: plugins/nginx/redirects.integration.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { startDevServer } from '../src/dev/server.ts';
import { PROJECT_ROOT, removeSite, runCliAsync, snapshotDir, startCli, tempSite, writeFiles } from './support/site.ts';
import { freePort } from '../plugins/nginx/harness.ts';
import { requireTools } from './support/tools.ts';

const haveChromium = requireTools('/usr/bin/chromium');

const MOVED = '---\ntitle: Moved here\ndate: 2020-01-01\nslug: moved\naliases:\n  - /old/path/\n  - /older\n  - /2019/01/moved.html\n  - /über/\n---\n\nThe page itself.\n';
const SECOND = '---\ntitle: Second\ndate: 2020-01-02\naliases: [/second-old/]\n---\n\nAnother.\n';

let root: string;
const dist = (...parts: string[]) => path.join(root, 'dist', ...parts);

beforeAll(async () => {
  root = tempSite({ 'content/articles/moved.md': MOVED, 'content/articles/second-page.md': SECOND, 'static/robots.txt': 'User-agent: *\n' });
  const run = await runCliAsync(root, ['build']);
  expect(run.code, run.stderr).toBe(0);
}, 120_000);
afterAll(() => removeSite(root));

describe('aliases: redirect pages', () => {
  it('at each old address: meta refresh, canonical link and a plain link to the page', () => {
    for (const file of ['old/path/index.html', 'older/index.html', '2019/01/moved.html', 'über/index.html', 'second-old/index.html']) {
      expect(existsSync(dist(file)), file).toBe(true);
    }
    const html = readFileSync(dist('old/path/index.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/moved/">');
    expect(html).toContain('<link rel="canonical" href="https://example.org/moved/">');
    expect(html).toContain('<a href="/moved/">Moved here</a>');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).not.toMatch(/<script/);
    expect(readFileSync(dist('second-old/index.html'), 'utf8')).toContain('url=/second-page/');
    // The page itself is where it was; the redirect pages are not pages (not in the sitemap).
    expect(readFileSync(dist('moved/index.html'), 'utf8')).toContain('The page itself.');
    if (existsSync(dist('sitemap.xml'))) expect(readFileSync(dist('sitemap.xml'), 'utf8')).not.toContain('old/path');
  });

  it.skipIf(!haveChromium)('a browser without JavaScript, on a server that knows nothing of aliases, lands on the page', async () => {
    const { serveStatic } = await import('../theme/test/static-server.ts');
    const { chromium } = await import('playwright-core');
    const server = await serveStatic(dist());
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await page.goto(`${server.origin}/2019/01/moved.html`);
      await page.waitForURL(`${server.origin}/moved/`, { timeout: 20_000 });
      expect(await page.textContent('body')).toContain('The page itself.');
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);

  it('the preview answers an old address with a 301 to the page, with and without its slash', async () => {
    const server = await startDevServer({ root, port: 0, log: createLogger({ quiet: true }) });
    try {
      for (const [from, to] of [['/old/path/', '/moved/'], ['/old/path', '/moved/'], ['/older/', '/moved/'], ['/2019/01/moved.html', '/moved/'], ['/%C3%BCber/', '/moved/'], ['/second-old/', '/second-page/']]) {
        const response = await fetch(new URL(from, server.url), { redirect: 'manual' });
        expect(response.status, from).toBe(301);
        expect(response.headers.get('location'), from).toBe(to);
      }
      expect((await fetch(new URL('/moved/', server.url), { redirect: 'manual' })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('solarpress serve', () => {
  it('answers an old address with a 301, as the generated nginx config does', async () => {
    const port = await freePort();
    const serve = startCli(root, ['serve', '--port', String(port)]);
    try {
      const base = `http://127.0.0.1:${port}`;
      let up = false;
      for (let i = 0; i < 300 && !up; i++) {
        up = await fetch(`${base}/moved/`).then((r) => r.ok, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up).toBe(true);
      for (const [from, to] of [['/old/path/', '/moved/'], ['/old/path', '/moved/'], ['/2019/01/moved.html', '/moved/'], ['/%C3%BCber/', '/moved/']]) {
        const response = await fetch(base + from, { redirect: 'manual' });
        expect(response.status, from).toBe(301);
        expect(response.headers.get('location'), from).toBe(to);
      }
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
    }
  }, 60_000);
});

describe('bad aliases are errors at their line; the last good output stays', () => {
  const cases: Array<[string, Record<string, string>, RegExp[]]> = [
    ['another page\'s permalink', { 'content/articles/clash.md': '---\ntitle: Clash\naliases: [/second-page/]\n---\n\nX.\n' }, [/content\/articles\/clash\.md:3\b.*alias \/second-page\/ is the permalink of content\/articles\/second-page\.md/]],
    ['another alias', { 'content/articles/clash.md': '---\ntitle: Clash\naliases:\n  - /fine/\n  - /old/path\n---\n\nX.\n' }, [/content\/articles\/(clash\.md:5\b.*alias \/old\/path\/ is also an alias of content\/articles\/moved\.md:6\b|moved\.md:6\b.*alias \/old\/path\/ is also an alias of content\/articles\/clash\.md:5\b)/]],
    ['a static file', { 'content/articles/clash.md': '---\ntitle: Clash\naliases: [/kept/]\n---\n\nX.\n', 'static/kept/index.html': 'x' }, [/content\/articles\/clash\.md:3\b.*alias \/kept\/ is the address of the static file static\/kept\/index\.html/]],
    [
      'a page the theme generates',
      {
        'content/articles/clash.md': '---\ntitle: Clash\naliases: [/archive/]\n---\n\nX.\n',
        'site.config.ts': `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, theme: ${JSON.stringify(path.join(PROJECT_ROOT, 'theme'))}, precompress: false };\n`,
      },
      [/content\/articles\/clash\.md:3\b.*alias \/archive\/ is the address of the page \/archive\/ the theme generates/],
    ],
    [
      "a file a plugin publishes",
      {
        'content/articles/clash.md': '---\ntitle: Clash\naliases: [/report.html]\n---\n\nX.\n',
        'plugins/report/index.ts': "import { definePlugin, z } from 'solarpress/plugin';\nexport const report = definePlugin({ name: 'report', schema: z.strictObject({}), setup: () => ({ version: '1', buildEnd(ctx) { ctx.emit('report.html', '<!doctype html><title>Report</title>'); } }) });\n",
        'site.config.ts': "import { defineConfig } from 'solarpress';\nimport { report } from './plugins/report/index.ts';\nexport default defineConfig({ title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, plugins: [report({})] });\n",
      },
      [/content\/articles\/clash\.md:3\b.*alias \/report\.html is the address of \/report\.html, which the report plugin generates/],
    ],
    [
      'outside the site, or malformed',
      {
        'content/articles/clash.md': '---\ntitle: Clash\naliases:\n  - https://elsewhere.example/x/\n---\n\nX.\n',
        'content/articles/clash2.md': '---\ntitle: Clash 2\naliases: [/a/../../etc/]\n---\n\nX.\n',
        'content/articles/clash3.md': '---\ntitle: Clash 3\naliases: [old/path/]\n---\n\nX.\n',
        'content/articles/clash4.md': '---\ntitle: Clash 4\naliases: [/files/report.pdf]\n---\n\nX.\n',
        'content/articles/clash5.md': '---\ntitle: Clash 5\naliases: [/x?page=2]\n---\n\nX.\n',
        'content/articles/clash6.md': '---\ntitle: Clash 6\naliases: 12\n---\n\nX.\n',
      },
      [
        /clash\.md:4\b.*alias "https:\/\/elsewhere\.example\/x\/" points outside the site/,
        /clash2\.md:3\b.*alias "\/a\/\.\.\/\.\.\/etc\/" has a \. or \.\. segment/,
        /clash3\.md:3\b.*alias "old\/path\/" must start with \//,
        /clash4\.md:3\b.*alias "\/files\/report\.pdf" is a file \(\.pdf\), not a page/,
        /clash5\.md:3\b.*alias "\/x\?page=2" has a query or fragment/,
        /clash6\.md:3\b.*aliases must be a list of old addresses/,
      ],
    ],
  ];
  for (const [name, files, messages] of cases) {
    it(name, async () => {
      const before = snapshotDir(dist());
      const originals = Object.fromEntries(Object.keys(files).map((f) => [f, existsSync(path.join(root, f)) ? readFileSync(path.join(root, f)) : null]));
      writeFiles(root, files);
      try {
        const run = await runCliAsync(root, ['build']);
        expect(run.code, run.stdout).toBe(1);
        for (const message of messages) expect(run.stderr).toMatch(message);
        expect(run.stderr).not.toMatch(/internal error/);
        expect(snapshotDir(dist())).toEqual(before);
      } finally {
        writeFiles(root, originals);
        writeFiles(root, { 'static/kept': null, plugins: null });
      }
    }, 120_000);
  }
});
