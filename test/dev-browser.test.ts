/**
 * The preview in a real browser: a save shows in the open page without a reload, the page's own
 * scripts enhance the new content again, a changed stylesheet reloads the whole page, and a build
 * error shows over the last good page until it is mended.
 */
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { startDevServer, type DevServer } from '../src/dev/server.ts';
import { PROJECT_ROOT, removeSite, tempSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('/usr/bin/chromium');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

describe.skipIf(!ok)('the preview in Chromium', () => {
  let root: string;
  let server: DevServer;
  let browser: Browser;
  let page: Page;
  const article = () => path.join(root, 'content/articles/hello.md');
  /** What the page's Content-Security-Policy (the board's nginx one) blocked. */
  const violations: string[] = [];

  beforeAll(async () => {
    // The fixture's content through a copy of the solar theme (its script fills in the power
    // figures), so that the test can edit its stylesheet; the theme imports the feed plugin.
    root = tempSite({ 'content/pages/power.md': '---\ntitle: Power\nlayout: power\n---\n\nFrom the sun.\n' });
    rmSync(path.join(root, 'theme'), { recursive: true });
    cpSync(path.join(PROJECT_ROOT, 'theme'), path.join(root, 'theme'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
    symlinkSync(path.join(PROJECT_ROOT, 'plugins'), path.join(root, 'plugins'));
    server = await startDevServer({ root, port: 0, log: createLogger({ quiet: true }) });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(new URL('/hello/', server.url).href);
    await page.waitForFunction(() => (window as { EventSource?: unknown }).EventSource && document.querySelector('[data-stat="status"]')?.textContent?.includes('Live figures'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    removeSite(root);
  });

  /** Resolves when the page's text contains `text` (checked in the page, every few milliseconds). */
  const shows = (text: string) => page.waitForFunction((t) => document.body.textContent!.includes(t), text, { polling: 5, timeout: 20_000 });

  it('shows a saved edit in place, and the page script runs over the new content', async () => {
    // A mark on the window survives an in-place update, not a reload.
    await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    writeFileSync(article(), `${readFileSync(article(), 'utf8')}\nA sentence saved just now.\n`);
    await shows('A sentence saved just now.');
    expect(await page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBe(true);
    expect(loads).toEqual([]);
    // solar.js ran again: the new footer's power figures are filled in, not left at their no-JS text.
    await page.waitForFunction(() => document.querySelector('[data-stat="status"]')?.textContent?.includes('Live figures'), undefined, { timeout: 10_000 });
  });

  it('the power page keeps one stats poll however often it is updated in place', async () => {
    await page.goto(new URL('/power/', server.url).href);
    await page.waitForFunction(() => document.querySelector('[data-stat="status"]')?.textContent?.includes('Live figures'));
    // Count the timers the page's scripts keep running from here on.
    await page.evaluate(() => {
      const w = window as unknown as { live: Set<unknown>; setInterval: typeof setInterval; clearInterval: typeof clearInterval };
      const set = w.setInterval.bind(window);
      const clear = w.clearInterval.bind(window);
      w.live = new Set([(window as unknown as { solarPoll: unknown }).solarPoll]);
      w.setInterval = ((fn: () => void, ms: number) => {
        const id = set(fn, ms);
        w.live.add(id);
        return id;
      }) as typeof setInterval;
      w.clearInterval = ((id: unknown) => {
        w.live.delete(id);
        clear(id as never);
      }) as typeof clearInterval;
    });
    const power = path.join(root, 'content/pages/power.md');
    for (const n of [1, 2]) {
      writeFileSync(power, `${readFileSync(power, 'utf8')}\nUpdate ${n}.\n`);
      await shows(`Update ${n}.`);
      await page.waitForFunction(() => document.querySelector('[data-stat="status"]')?.textContent?.includes('Live figures'));
    }
    expect(await page.evaluate(() => (window as unknown as { live: Set<unknown> }).live.size)).toBe(1);
    await page.goto(new URL('/hello/', server.url).href);
    await page.waitForFunction(() => document.querySelector('[data-stat="status"]')?.textContent?.includes('Live figures'));
    await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
  });

  it('reloads the whole page when the stylesheet changed', async () => {
    const reloaded = page.waitForEvent('load', { timeout: 20_000 });
    const css = path.join(root, 'theme/assets/solar.css');
    writeFileSync(css, `${readFileSync(css, 'utf8')}\n.preview-test { color: inherit; }\n`);
    await reloaded;
    expect(await page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBeUndefined();
  });

  it('shows a build error over the last good page, and the mended page after', async () => {
    const good = readFileSync(article(), 'utf8');
    writeFileSync(article(), `${good}\nSee [nowhere](nowhere.md).\n`);
    await page.waitForSelector('#solarpress-build-error', { timeout: 20_000 });
    expect(await page.textContent('#solarpress-build-error')).toMatch(/content\/articles\/hello\.md:\d+:\d+: broken link: nowhere\.md/);
    // Styled through the CSSOM, which the Content-Security-Policy allows (a style attribute would be blocked).
    expect(await page.$eval('#solarpress-build-error', (box) => getComputedStyle(box).position)).toBe('fixed');
    expect(await page.textContent('body')).toContain('A sentence saved just now.');
    writeFileSync(article(), `${good}\nMended.\n`);
    await shows('Mended.');
    expect(await page.$('#solarpress-build-error')).toBeNull();
  });

  it('works under the Content-Security-Policy the board sends, and nothing is blocked', async () => {
    const response = await page.goto(new URL('/hello/', server.url).href);
    expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(violations).toEqual([]);
  });
});
