/**
 * Low-power mode end to end: a site built with the solar theme, served by real nginx with the
 * generated config, the board's /api/ folder written by scripts/solar-stats.sh from a fake sysfs,
 * looked at in Chromium with JavaScript off: at 24 % the figures show their description and the
 * held-back note and nginx refuses the images; back at 80 % the images return. Screenshots land in
 * test-output/board/.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, renderThroughCommand, selfSignedCertificate, startNginx, type RunningNginx } from '../plugins/nginx/harness.ts';
import { PROJECT_ROOT, runCli, tempSite, removeSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('nginx', 'openssl', '/usr/bin/chromium', 'dash');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'board');
const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'solar-stats.sh');

const article = `---
title: Three photos of the board
date: 2026-11-20
slug: photos
summary: The board, the panel and the battery.
---

The board sits on a shelf by the window.

![A green circuit board the size of a hand, cables in every port](images/board.png)
The Olimex board that serves this site.

![A solar panel on a flat roof under a grey sky](images/panel.png)
The 50 W panel.

Text after the figures.
`;

const power = `---
title: Power
layout: power
---

This site runs on the sun.
`;

describe.skipIf(!ok)('low-power mode in Chromium, through real nginx', () => {
  let site: string;
  let dir: string;
  let api: string;
  let sys: string;
  let server: RunningNginx | undefined;
  let browser: Browser;
  let origin: string;

  /** One run of the board's stats script at this charge (the flags and battery.css follow). */
  function board(percent: number): void {
    writeFileSync(path.join(sys, 'power/axp_pmu/battery/capacity'), `${percent}\n`);
    const r = spawnSync('dash', [SCRIPT, '--out', api, '--sysfs-root', sys, '--proc-root', path.join(dir, 'proc')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SOLAR_TIMEZONE: 'Europe/Amsterdam', SOLAR_LATITUDE: '51.92', SOLAR_LONGITUDE: '4.48' },
    });
    if (r.status !== 0) throw new Error(r.stderr);
  }

  beforeAll(async () => {
    const photo = (seed: number) =>
      sharp({ create: { width: 640, height: 420, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 120 + seed, sigma: 50 } } }).png().toBuffer();
    site = tempSite({
      'site.config.ts': `export default { title: 'Solar test', url: 'https://example.org', author: { name: 'T' },
        license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
        theme: ${JSON.stringify(path.join(PROJECT_ROOT, 'theme'))}, precompress: { zopfliIterations: 1 } };\n`,
      content: null,
      'content/articles/photos.md': article,
      'content/articles/images/board.png': await photo(0),
      'content/articles/images/panel.png': await photo(40),
      'content/pages/power.md': power,
    });
    // nginx started as root reads as nobody (mkdtemp made the folder 0700).
    chmodSync(site, 0o755);
    const built = runCli(site, ['build']);
    if (built.code !== 0) throw new Error(`build failed:\n${built.stderr}`);

    dir = mkdtempSync(path.join(tmpdir(), 'solarpress-lowpower-'));
    chmodSync(dir, 0o755);
    api = path.join(dir, 'api');
    sys = path.join(dir, 'sys');
    mkdirSync(api);
    mkdirSync(path.join(dir, 'proc'));
    const axp = path.join(sys, 'power/axp_pmu');
    for (const d of ['battery', 'ac']) mkdirSync(path.join(axp, d), { recursive: true });
    writeFileSync(path.join(axp, 'battery/connected'), '1\n');
    writeFileSync(path.join(axp, 'battery/charging'), '0\n');
    writeFileSync(path.join(axp, 'ac/connected'), '0\n');
    board(80);

    const { cert, key } = await selfSignedCertificate(dir);
    const [http, https] = await freePorts(2);
    const conf = path.join(dir, 'nginx.conf');
    await renderThroughCommand({}, [
      '--server-name', 'localhost', '--listen', '127.0.0.1', '--root', path.join(site, 'dist'), '--api-dir', api, '--cert', cert, '--key', key,
      '--http-port', String(http), '--https-port', String(https), '--standalone', '--prefix', dir, '--out', conf,
    ]);
    server = await startNginx(dir, conf, https);
    origin = `https://127.0.0.1:${https}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (site) removeSite(site);
  });

  /** Open a page without JavaScript; records each /media/ answer's status. */
  async function open(url: string): Promise<{ page: Page; media: Map<string, number>; close: () => Promise<void> }> {
    const context = await browser.newContext({ javaScriptEnabled: false, ignoreHTTPSErrors: true, viewport: { width: 1000, height: 1400 } });
    const page = await context.newPage();
    const media = new Map<string, number>();
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/media/')) media.set(u.pathname, r.status());
    });
    await page.goto(origin + url, { waitUntil: 'networkidle' });
    return { page, media, close: () => context.close() };
  }

  it('holds the images back at 24 %, shows their descriptions and the charge, and serves them again at 80 %', async () => {
    board(24);
    const low = await open('/photos/');
    try {
      const notes = low.page.locator('.figure .held-back');
      expect(await notes.count()).toBe(2);
      expect(await notes.first().isVisible()).toBe(true);
      // The charge is generated content from battery.css (innerText leaves it out).
      expect(await notes.allInnerTexts()).toEqual([
        'Image held back to save power: battery at . A green circuit board the size of a hand, cables in every port',
        'Image held back to save power: battery at . A solar panel on a flat roof under a grey sky',
      ]);
      const charge = await notes.first().locator('.battery-percent').evaluate((e) => getComputedStyle(e, '::after').content);
      expect(charge).toBe('"24\u00a0%"');
      expect(await low.page.locator('.figure img').first().isVisible()).toBe(false);
      expect(await low.page.locator('figcaption').allInnerTexts()).toEqual(['The Olimex board that serves this site.', 'The 50 W panel.']);
      // The eager image was asked for and refused by nginx.
      expect([...low.media.values()]).toContain(503);
      expect([...low.media.values()]).not.toContain(200);
      mkdirSync(SHOTS, { recursive: true });
      await low.page.screenshot({ path: path.join(SHOTS, 'low-power-article.png'), fullPage: true });
    } finally {
      await low.close();
    }

    board(32); // above 30 but under 30 + 5: still low power (hysteresis)
    const still = await open('/photos/');
    try {
      expect(await still.page.locator('.figure .held-back').first().isVisible()).toBe(true);
    } finally {
      await still.close();
    }

    board(80);
    const normal = await open('/photos/');
    try {
      expect(await normal.page.locator('.figure .held-back').first().isVisible()).toBe(false);
      const img = normal.page.locator('.figure img').first();
      expect(await img.isVisible()).toBe(true);
      expect(await img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      expect([...normal.media.values()]).toContain(200);
      await normal.page.screenshot({ path: path.join(SHOTS, 'normal-article.png'), fullPage: true });
    } finally {
      await normal.close();
    }
  });

  it('shows the chart, the uptime and the night outlook on the power page without JavaScript', async () => {
    board(24);
    const v = await open('/power/');
    try {
      const chart = v.page.locator('.power-chart img');
      expect(await chart.isVisible()).toBe(true);
      expect(await chart.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(640);
      const after = (sel: string) => v.page.locator(sel).evaluate((e) => getComputedStyle(e, '::after').content);
      expect(await after('.power-uptime')).toMatch(/^"Up 100 % of the time over the /);
      expect(await after('.power-night')).toMatch(/^"(The battery|No outlook)/);
      await v.page.screenshot({ path: path.join(SHOTS, 'low-power-power-page.png'), fullPage: true });
    } finally {
      await v.close();
    }
  });
});
