/**
 * A save that changes only a page's body is shown at once (src/dev/page-patch.ts) and the rest
 * follows in a rebuild that every other request waits for: after it the preview serves exactly what
 * a cold build of the same files makes. Anything else takes the full rebuild.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { startDevServer, type DevServer } from '../src/dev/server.ts';
import type { Logger } from '../src/types.ts';
import { PROJECT_ROOT, removeSite, tempSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('/usr/bin/chromium');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const CLIENT_TAG = '<script src="/__solarpress/client.js" defer></script>';

/** What the server logged, line by line ('shown in …' for a patched save, 'rebuilt in …' for a rebuild). */
const lines: string[] = [];
const log: Logger = {
  info: (message) => lines.push(message),
  warn: (message) => lines.push(`warn: ${message}`),
  ...(process.env.DEBUG_DEV ? { info: (m: string) => (lines.push(m), console.log(performance.now().toFixed(0), m)), warn: (m: string) => (lines.push(`warn: ${m}`), console.log(performance.now().toFixed(0), 'warn', m)) } : {}),
  progress: () => ({ tick() {}, done() {} }),
};

let root: string;
let server: DevServer;
const file = (name: string) => path.join(root, 'content', name);
const get = (url: string) => fetch(new URL(url, server.url));

beforeAll(async () => {
  // The fixture's content through the solar theme (lists with reading times, feeds with full text, a sitemap).
  root = tempSite({ 'content/articles/third.md': '---\ntitle: Third\ndate: 2021-06-07\ntags: [servers]\n---\n\nA third article.\n' });
  rmSync(path.join(root, 'theme'), { recursive: true });
  cpSync(path.join(PROJECT_ROOT, 'theme'), path.join(root, 'theme'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  symlinkSync(path.join(PROJECT_ROOT, 'plugins'), path.join(root, 'plugins'));
  server = await startDevServer({ root, port: 0, log });
});
afterAll(async () => {
  await server?.close();
  removeSite(root);
});

/** Read server-sent events until one matches. */
async function events() {
  const reader = (await get('/__solarpress/events')).body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (match: (data: { id: number; error: string | null }) => boolean) => {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
        if (match(data)) return data as { id: number; error: string | null };
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('event stream closed');
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const first = await next(() => true);
  return { first, next, close: () => reader.cancel() };
}

/** Appends a paragraph of `words` words to a content file. */
function addWords(name: string, words: number, marker: string): void {
  writeFileSync(file(name), `${readFileSync(file(name), 'utf8')}\n${marker} ${'word '.repeat(words)}\n`);
}

/** Every file a cold preview of the same files serves, and every file a cold `solarpress build` writes that the preview makes too. */
async function expectSameAsCold(): Promise<void> {
  const cold = await startDevServer({ root, port: 0, log: { ...log, info() {}, warn() {} } });
  const outDir = mkdtempSync(path.join(PROJECT_ROOT, 'test-output', 'cold-'));
  try {
    const built = await build({ root, outDir, log: { ...log, info() {}, warn() {} }, textWorkers: 0 });
    const files = [...cold.state().result!.output.files.keys()].sort();
    expect(files).toEqual([...server.state().result!.output.files.keys()].sort());
    let compared = 0;
    for (const outputPath of files) {
      const url = `/${outputPath.replace(/(^|\/)index\.html$/, '$1')}`;
      const served = Buffer.from(await (await get(url)).arrayBuffer());
      const fresh = Buffer.from(await (await fetch(new URL(url, cold.url))).arrayBuffer());
      expect(served.equals(fresh), `${outputPath} as a cold preview serves it`).toBe(true);
      // The preview's feeds are short (the last few items) and its pages carry the reload client; the rest is the build's.
      if (!built.output.has(outputPath) || /^feed|\.(xml|json)$/.test(outputPath) && outputPath !== 'sitemap.xml') continue;
      const written = readFileSync(path.join(outDir, outputPath));
      const page = outputPath.endsWith('.html') ? Buffer.from(served.toString('utf8').replace(CLIENT_TAG, '')) : served;
      if (!/future|draft/.test(page.toString('utf8'))) {
        expect(page.equals(written), `${outputPath} as a cold build writes it`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  } finally {
    await cold.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe('a save that changes only a body', () => {
  it('is shown ahead of the rebuild; a feed asked for meanwhile waits for it; then all is as a cold build makes it', async () => {
    const stream = await events();
    lines.length = 0;
    // Enough words to change the article's reading time, which the lists that show it say.
    addWords('articles/hello.md', 600, 'Saved just now.');
    await stream.next((d) => d.id !== stream.first.id);
    expect(lines.some((l) => /^shown in \d+ ms \(1 page\)/.test(l))).toBe(true);
    expect(lines.some((l) => /^rebuilt in/.test(l))).toBe(false);
    expect(await (await get('/hello/')).text()).toContain('Saved just now.');
    // Not served before the rebuild that puts the new text in it.
    expect(await (await get('/feed.xml')).text()).toContain('Saved just now.');
    expect(lines.some((l) => /^rebuilt in/.test(l))).toBe(true);
    expect(await (await get('/')).text()).toMatch(/Hello, world.*?3 min read/s);
    await stream.close();
    await expectSameAsCold();
  });

  it('with a problem shows the error over the last good build, and the fix brings it back', async () => {
    const stream = await events();
    const good = readFileSync(file('articles/second.md'), 'utf8');
    writeFileSync(file('articles/second.md'), `${good}\nSee [nowhere](nowhere.md).\n`);
    const failed = await stream.next((d) => d.error !== null);
    expect(failed.error).toMatch(/content\/articles\/second\.md:\d+:\d+: broken link: nowhere\.md does not exist/);
    expect(await (await get('/second/')).text()).not.toContain('nowhere');
    // A link to a path the site does not publish is found before the page is shown.
    writeFileSync(file('articles/second.md'), `${good}\nSee [a file](/files/none.pdf).\n`);
    const still = await stream.next((d) => d.error?.includes('none.pdf') ?? false);
    expect(still.error).toMatch(/second\.md:\d+: link to \/files\/none\.pdf, which this site does not publish/);
    expect(await (await get('/second/')).text()).not.toContain('none.pdf');
    writeFileSync(file('articles/second.md'), `${good}\nMended.\n`);
    await stream.next((d) => d.error === null);
    expect(await (await get('/second/')).text()).toContain('Mended.');
    await stream.close();
    await expectSameAsCold();
  });

  it('several times in quick succession, to two pages, ends in the right output', async () => {
    lines.length = 0;
    for (let i = 0; i < 8; i++) {
      addWords(i % 2 ? 'articles/third.md' : 'articles/hello.md', 40 * i, `Quick save ${i}.`);
      await new Promise((resolve) => setTimeout(resolve, [0, 8, 40, 150][i % 4]));
    }
    const shows = async (url: string, text: string) => {
      while (!(await (await get(url)).text()).includes(text)) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await shows('/hello/', 'Quick save 6.');
    await shows('/third/', 'Quick save 7.');
    expect(await (await get('/feed.xml')).text()).toContain('Quick save 7.');
    expect(lines.some((l) => /^shown in/.test(l))).toBe(true);
    await expectSameAsCold();
  });

  it('in a browser, shows in place at once, and the feed opened after has it', async () => {
    if (!ok) return;
    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(new URL('/third/', server.url).href);
      await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
      await page.waitForTimeout(300); // the event stream connects
      lines.length = 0;
      addWords('articles/third.md', 3, 'Seen in Chromium.');
      await page.waitForFunction(() => document.body.textContent!.includes('Seen in Chromium.'), undefined, { polling: 5, timeout: 20_000 });
      expect(lines.some((l) => /^shown in/.test(l))).toBe(true);
      expect(await page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).toBe(true);
      const feed = await browser.newPage();
      await feed.goto(new URL('/feed.xml', server.url).href);
      expect(await feed.content()).toContain('Seen in Chromium.');
    } finally {
      await browser.close();
    }
  });
});

describe('any other save', () => {
  it('takes the full rebuild: a changed title shows on the pages that list it at once', async () => {
    const stream = await events();
    lines.length = 0;
    writeFileSync(file('articles/third.md'), readFileSync(file('articles/third.md'), 'utf8').replace('title: Third', 'title: Third, retitled'));
    await stream.next((d) => d.id !== stream.first.id);
    expect(lines.some((l) => /^rebuilt in/.test(l))).toBe(true);
    expect(lines.some((l) => /^shown in/.test(l))).toBe(false);
    expect(await (await get('/')).text()).toContain('Third, retitled');
    await stream.close();
    await expectSameAsCold();
  });
});
