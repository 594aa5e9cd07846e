/**
 * The solar theme in a real browser: the real site is built into a temp folder, served on 127.0.0.1,
 * and driven with playwright-core and Debian's Chromium. Also validates every page with the Nu Html
 * Checker and runs axe-core (injected from node_modules, nothing from the network) on one page of every
 * type the theme makes. Screenshots go to test-output/theme/ (look at them).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { requireTools } from './support/tools.ts';
import { copyRealSite } from './support/real-site.ts';
import { PROJECT_ROOT, removeSite } from './support/site.ts';
import { serveStatic, type StaticServer } from '../theme/test/static-server.ts';
import { batteryCss, powerHistorySvg, statsJson } from '../theme/test/stats.ts';
import { pageOfEveryType } from '../theme/test/page-types.ts';

const ok = requireTools('/usr/bin/chromium', 'java');
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'theme');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

let out: string;
/** The real site copied for this test: its own output and cache folders. */
let site = '';
let server: StaticServer;
/** The core's page weight (bytes) of every built page, by URL. */
let weights: Map<string, number>;
let browser: Browser;
/** Content pages by kind, found in the built site. */
let urls: { article: string; guide: string; page: string; zineIssue: string; zinePart: string; power: string; figure: string; category: string; tag: string };
/** One page of every type the theme makes. */
let everyType: string[];

/** Serves the board's /api/ files; null: the file is missing (404). */
function setStats(json: unknown, css: string | null = batteryCss(64, true)): void {
  if (json === null) server.overrides.delete('/api/stats.json');
  else server.overrides.set('/api/stats.json', { body: typeof json === 'string' ? json : JSON.stringify(json), type: 'application/json' });
  if (css === null) server.overrides.delete('/api/battery.css');
  else server.overrides.set('/api/battery.css', { body: css, type: 'text/css' });
}

interface Visit {
  page: Page;
  errors: string[];
  /** Requests for anything not on the test server. */
  foreign: string[];
  close(): Promise<void>;
}

async function visit(url: string, options: BrowserContextOptions = {}): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.origin + '/') && !u.startsWith('data:')) foreign.push(u);
  });
  await page.goto(server.origin + url, { waitUntil: 'networkidle' });
  return { page, errors, foreign, close: () => context.close() };
}

const batteryLevel = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--battery-level').trim());
const labelText = (page: Page) => page.locator('.meter .battery-label').innerText();

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe.skipIf(!ok)('solar theme in Chromium', () => {
  beforeAll(async () => {
    const { build } = await import('../src/build.ts');
    const { createLogger } = await import('../src/log.ts');
    site = copyRealSite('theme-');
    out = path.join(site, 'dist');
    const result = await build({ root: site, log: createLogger({ quiet: true }) });
    const pages = result.site.pages;
    const first = (pred: (p: (typeof pages)[number]) => boolean) => {
      const p = pages.find(pred);
      if (!p) throw new Error('the built site lacks a page this test needs');
      return p.url;
    };
    const types = pageOfEveryType(result);
    urls = {
      article: types.article,
      guide: types.guide,
      page: types.page,
      zineIssue: types['zine-issue'],
      zinePart: types['zine-part'],
      power: types.power,
      figure: first((p) => !!p.leadImage && p.kind !== 'zine-issue'),
      category: types.category,
      tag: types.tag,
    };
    everyType = Object.values(types);
    weights = new Map(result.laidOut.map((l) => [l.page.url, l.weight]));
    server = await serveStatic(out);
    // The board's chart of the last days (scripts/solar-stats.sh): the power page and every footer show it.
    server.overrides.set('/api/power-history.svg', { body: powerHistorySvg(), type: 'image/svg+xml' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    mkdirSync(SHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site) removeSite(site);
  });

  it('renders every kind of page with no console errors and no request leaving 127.0.0.1', async () => {
    setStats(statsJson({ percent: 64, charging: true }));
    for (const url of [...everyType, '/no/such/page/']) {
      const v = await visit(url);
      try {
        await expect(v.page.locator('h1').first().isVisible(), url).resolves.toBe(true);
        const weight = await v.page.locator('.page-weight').innerText();
        expect(weight, url).toMatch(/^This page weighs \d+ KB\.$/);
        const expected404 = url === '/no/such/page/' ? [expect.stringContaining('404')] : [];
        expect(v.errors, url).toEqual(expected404);
        expect(v.foreign, url).toEqual([]);
        await expect(v.page.locator('link[rel=alternate][href="/feed.xml"]').count()).resolves.toBe(1);
      } finally {
        await v.close();
      }
    }
  });

  it("each footer's page weight is the build's own measure of that page", () => {
    expect(weights.size).toBeGreaterThan(10);
    for (const [url, bytes] of weights) {
      const file = path.join(out, url.endsWith('/') ? `${url}index.html` : url);
      const kb = Number(/This page weighs (\d+) KB\./.exec(readFileSync(file, 'utf8'))?.[1]);
      // The layout measures the page with a stand-in for the figure, so allow a rounding step.
      expect(Math.abs(kb - bytes / 1024), url).toBeLessThanOrEqual(1);
    }
  });

  it('the meter follows stats.json: level, label and dashboard, charging or draining', async () => {
    setStats(statsJson({ percent: 37, charging: true }), batteryCss(80, false));
    const v = await visit(urls.article);
    try {
      expect(await batteryLevel(v.page)).toBe('37%');
      expect(await labelText(v.page)).toContain('37% ☀');
      expect(await v.page.locator('.dashboard [data-stat="battery"]').innerText()).toBe('37%, charging');
      expect(await v.page.locator('.dashboard [data-stat="load-w"]').innerText()).toBe('1.80\u00a0W');
      expect(await v.page.locator('.dashboard [data-stat="uptime"]').innerText()).toBe('1 day, 10 hours');
      expect(await v.page.locator('.dashboard [data-stat="forecast"]').innerText()).toMatch(/^\w{3} ☀ · \w{3} ☁ · \w{3} ☂$/);
      // The fill itself: sun yellow at the bottom of the viewport, paper at the top (left gutter).
      const shot = await v.page.screenshot({ path: path.join(SHOTS, 'meter-37-desktop.png') });
      const { default: sharp } = await import('sharp');
      const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
      const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
      expect(px(4, info.height - 4)).toEqual([0xf9, 0xd6, 0x5c]);
      expect(px(4, Math.round(info.height * 0.5))).toEqual([0xf6, 0xf1, 0xe3]);
    } finally {
      await v.close();
    }
    setStats(statsJson({ percent: 12, charging: false }));
    const w = await visit('/');
    try {
      expect(await batteryLevel(w.page)).toBe('12%');
      expect(await labelText(w.page)).toContain('12% ☾');
      expect(await w.page.getAttribute('html', 'data-battery')).toBe('draining');
    } finally {
      await w.close();
    }
  });

  it('the power page shows every live figure', async () => {
    setStats(statsJson({ percent: 37, charging: true }));
    const v = await visit(urls.power);
    try {
      const stat = (k: string) => v.page.locator(`.power-live [data-stat="${k}"]`).innerText();
      expect(await stat('battery')).toBe('37%, charging');
      expect(await stat('solar-w')).toBe('2.10\u00a0W');
      expect(await stat('battery-w')).toBe('none (charging at 0.30\u00a0W)');
      expect(await stat('voltage')).toBe('3.92\u00a0V');
      expect(await stat('current')).toBe('0.42\u00a0A');
      expect(await stat('cpu-temp')).toBe('41.2\u00a0°C');
      expect(await stat('load')).toBe('0.12, 0.20, 0.30');
      expect(await stat('local-time')).toMatch(/^\d\d:\d\d \(Europe\/Amsterdam\)$/);
      expect(await v.page.locator('.forecast li').allInnerTexts()).toEqual([
        'Tuesday 24 November: sunny ☀',
        'Wednesday 25 November: cloudy ☁',
        'Thursday 26 November: rain ☂',
      ]);
      expect(await v.page.locator('main').innerText()).toContain('When the battery runs out');
      await v.page.screenshot({ path: path.join(SHOTS, 'power-desktop.png'), fullPage: true });
    } finally {
      await v.close();
    }
  });

  it('without JavaScript the meter comes from battery.css, and stats.json is never fetched', async () => {
    setStats(statsJson({ percent: 90, charging: false }), batteryCss(37, true));
    const before = server.requested.length;
    const v = await visit(urls.article, { javaScriptEnabled: false });
    try {
      expect(await batteryLevel(v.page)).toBe('37%');
      const after = await v.page.evaluate(() => getComputedStyle(document.querySelector('.meter .battery-label')!, '::after').content);
      expect(after).toBe('"37% ☀"');
      expect(server.requested.slice(before)).not.toContain('/api/stats.json');
      expect(v.errors).toEqual([]);
      await v.page.screenshot({ path: path.join(SHOTS, 'nojs-desktop.png') });
    } finally {
      await v.close();
    }
  });

  it('without JavaScript and without battery.css the meter is honestly unknown', async () => {
    setStats(null, null);
    const v = await visit(urls.article, { javaScriptEnabled: false });
    try {
      expect(await batteryLevel(v.page)).toBe('0%');
      const after = await v.page.evaluate(() => getComputedStyle(document.querySelector('.meter .battery-label')!, '::after').content);
      expect(after).toBe('"?"');
      await expect(v.page.locator('h1').isVisible()).resolves.toBe(true);
    } finally {
      await v.close();
    }
  });

  const unknownCases: Array<[string, () => void, RegExp]> = [
    ['missing', () => setStats(null, null), /has not published any/],
    ['stale', () => setStats(statsJson({ generated: new Date(Date.now() - 11 * 60_000) })), /last reported 11 minutes ago/],
    ['not JSON', () => setStats('{"schema": 1, "battery": {'), /could not be read/],
    ['another schema', () => setStats({ ...statsJson(), schema: 2 }), /could not be read/],
    ['a bad date', () => setStats({ ...statsJson(), generated: 'yesterday' }), /could not be read/],
  ];
  for (const [name, arrange, status] of unknownCases) {
    it(`stats ${name}: an honest unknown state, and the page still works`, async () => {
      arrange();
      const v = await visit(urls.power);
      try {
        expect(await v.page.getAttribute('html', 'data-battery')).toBe('unknown');
        expect(await batteryLevel(v.page)).toBe('0%');
        expect((await labelText(v.page)).trim()).toMatch(/\?$/);
        expect(await v.page.locator('.power-live [data-stat="status"]').innerText()).toMatch(status);
        expect(await v.page.locator('.dashboard [data-stat="battery"]').innerText()).toBe('unknown');
        expect(v.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
        await expect(v.page.locator('h1').isVisible()).resolves.toBe(true);
      } finally {
        await v.close();
      }
    });
  }

  it('a battery percentage out of range or of the wrong type is unknown, the other figures still show', async () => {
    const s = statsJson();
    (s.battery as Record<string, unknown>).percent = '64';
    setStats(s);
    const v = await visit('/');
    try {
      expect(await v.page.getAttribute('html', 'data-battery')).toBe('unknown');
      expect(await v.page.locator('.dashboard [data-stat="load-w"]').innerText()).toBe('1.80\u00a0W');
    } finally {
      await v.close();
    }
  });

  it('markup in stats.json is never executed nor inserted', async () => {
    const evil = '<img src=/pwned onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const s = statsJson({ percent: 50 }) as Record<string, any>;
    s.timezone = evil;
    s.local_time = evil;
    s.battery.charging = evil;
    s.power.load_w = evil;
    s.system.load = [evil, 0.5];
    s.forecast = [{ date: '2026-11-24', sky: evil }, { date: evil, sky: 'sunny' }];
    setStats(s);
    const before = server.requested.length;
    const v = await visit(urls.power);
    try {
      expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await v.page.locator('main img[src="/pwned"], footer img[src="/pwned"]').count()).toBe(0);
      expect(server.requested.slice(before)).not.toContain('/pwned');
      expect(await v.page.locator('.power-live [data-stat="load"]').innerText()).toBe('0.50');
      expect(await v.page.locator('.forecast li').allInnerTexts()).toEqual(['Tuesday 24 November: unknown ?']);
      expect(v.errors).toEqual([]);
    } finally {
      await v.close();
    }
  });

  it('"view the original image" is a link to the original, with and without JavaScript', async () => {
    setStats(statsJson());
    for (const javaScriptEnabled of [false, true]) {
      const v = await visit(urls.figure, { javaScriptEnabled });
      try {
        const link = v.page.locator('figure a[data-original-toggle]').first();
        const href = await link.getAttribute('href');
        expect(href).toMatch(/^\/media\/.+-original\.\w+$/);
        expect(await link.innerText()).toBe('View the original image');
        const [response] = await Promise.all([v.page.waitForNavigation(), link.click()]);
        expect(response?.status()).toBe(200);
        expect(v.page.url()).toBe(server.origin + href);
        expect(v.errors).toEqual([]);
      } finally {
        await v.close();
      }
    }
  });

  it('the phone menu opens without JavaScript', async () => {
    const v = await visit(urls.article, { viewport: { width: 375, height: 740 }, javaScriptEnabled: false });
    try {
      const nav = v.page.locator('.nav');
      expect(await nav.isVisible()).toBe(false);
      await v.page.locator('a.menu-open').click();
      expect(await nav.isVisible()).toBe(true);
      expect(await nav.locator('a[href="/archive/"]').isVisible()).toBe(true);
      await v.page.screenshot({ path: path.join(SHOTS, 'menu-phone.png') });
      await nav.locator('a.menu-close').click();
      expect(await nav.isVisible()).toBe(false);
    } finally {
      await v.close();
    }
  });

  it('screenshots: desktop, phone and print', async () => {
    setStats(statsJson({ percent: 64, charging: true }));
    const pages: Array<[string, string]> = [
      ['home', '/'],
      ['article', urls.article],
      ['guide', urls.guide],
      ['zine-issue', urls.zineIssue],
      ['zine-part', urls.zinePart],
      ['page', urls.page],
      ['power', urls.power],
      ['category', urls.category],
      ['tag', urls.tag],
      ['archive', '/archive/'],
      ['not-found', '/404.html'],
    ];
    for (const [name, url] of pages) {
      for (const [mode, options] of [
        ['desktop', { viewport: { width: 1280, height: 900 } }],
        ['phone', { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
        ['print', { viewport: { width: 794, height: 1123 } }],
      ] as const) {
        const v = await visit(url, options);
        try {
          if (mode === 'print') await v.page.emulateMedia({ media: 'print' });
          await v.page.screenshot({ path: path.join(SHOTS, `${name}-${mode}.png`), fullPage: true, timeout: 180_000 }); // a long page at 2× on a busy machine
          // Nothing wider than the screen: no sideways scrolling of the whole page.
          const overflow = await v.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${name} ${mode}`).toBeLessThanOrEqual(0);
        } finally {
          await v.close();
        }
      }
    }
  }, 1_200_000); // 33 fresh pages, each screenshotted whole

  it('the print stylesheet hides the chrome and prints link URLs', async () => {
    const v = await visit(urls.article);
    try {
      await v.page.emulateMedia({ media: 'print' });
      for (const sel of ['.nav', '.meter', '.dashboard']) expect(await v.page.locator(sel).isVisible(), sel).toBe(false);
      const printed = await v.page.evaluate(() => {
        const a = document.querySelector<HTMLAnchorElement>('.prose a[href^="http"]');
        return a ? getComputedStyle(a, '::after').content : null;
      });
      expect(printed).toMatch(/^" <" attr\(href\) ">"$|^" <http/);
    } finally {
      await v.close();
    }
  });

  it('footnote back-links (↩) are touch targets of at least 24 × 24 px, desktop and phone', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
      const v = await visit(urls.zinePart, { viewport });
      try {
        const sizes = await v.page.locator('a[data-footnote-backref]').evaluateAll((links) =>
          links.map((a) => {
            const r = a.getBoundingClientRect();
            return { width: r.width, height: r.height };
          }),
        );
        expect(sizes.length).toBeGreaterThan(0);
        for (const size of sizes) {
          expect(size.width, `${viewport.width}px`).toBeGreaterThanOrEqual(24);
          expect(size.height, `${viewport.width}px`).toBeGreaterThanOrEqual(24);
        }
      } finally {
        await v.close();
      }
    }
  });

  it('axe-core (WCAG 2.2 AA and best practices) finds no violations on any kind of page, desktop and phone', async () => {
    setStats(statsJson({ percent: 64, charging: true }));
    const axePath = path.join(PROJECT_ROOT, 'node_modules/axe-core/axe.min.js');
    for (const url of everyType) {
      for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
        const v = await visit(url, { viewport });
        try {
          await v.page.addScriptTag({ path: axePath });
          const violations = await v.page.evaluate(async () => {
            const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
            const { axe } = window as unknown as { axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } };
            const result = await axe.run({ runOnly: { type: 'tag', values: tags } });
            return result.violations.map((x) => `${x.id}: ${JSON.stringify(x.nodes.map((n) => n.target))}`);
          });
          expect(violations, `${url} at ${viewport.width}px`).toEqual([]);
        } finally {
          await v.close();
        }
      }
    }
  }, 600_000); // 22 page views, each audited whole

  it('the Nu Html Checker reports no errors on any built page', () => {
    const files = htmlFiles(out);
    expect(files.length).toBeGreaterThan(10);
    const jar = path.join(PROJECT_ROOT, 'node_modules/vnu-jar/build/dist/vnu.jar');
    // vnu writes its JSON report to stderr, and exits 1 when it found errors.
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8' });
    const { messages } = JSON.parse(run.stderr) as { messages: Array<{ url: string; message: string; lastLine?: number }> };
    expect(messages.map((m) => `${m.url.replace(`file:${out}`, '')}:${m.lastLine}: ${m.message}`)).toEqual([]);
  });
});
