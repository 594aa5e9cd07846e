/**
 * The EPUB of ILU #9 (and the guides' offline edition) as the real site's build publishes them:
 * valid for Debian's epubcheck, laid out as EPUB 3 wants (mimetype first and stored, nav in print
 * order, endnotes with back links, metadata), every part's text the same as on its web page (both
 * read by Chromium), byte-identical across builds, and not made again when nothing changed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult } from '../../src/build.ts';
import { createLogger } from '../../src/log.ts';
import { requireTools } from '../../test/support/tools.ts';
import { realSite, type RealSite } from './test-site.ts';

const EPUBCHECK = '/usr/share/java/epubcheck.jar';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

async function buildSite(site: RealSite): Promise<{ result: BuildResult; info: string[] }> {
  const { build } = await import('../../src/build.ts');
  const info: string[] = [];
  const log = { ...createLogger({ quiet: true }), info: (m: string) => void info.push(m) };
  const result = await build({ root: site.root, log });
  return { result, info };
}

/** epubcheck's report (asynchronously: it takes a while, and the test worker must stay responsive). */
async function epubcheck(file: string): Promise<string> {
  // The Debian jar is run by java directly (its /usr/bin link relies on binfmt_misc).
  try {
    const { stdout, stderr } = await promisify(execFile)('java', ['-jar', EPUBCHECK, file], { encoding: 'utf8' });
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

describe('the EPUB of a zine issue', () => {
  let site: RealSite;
  let result: BuildResult;
  let info: string[];
  let epub: Buffer;
  let files: Record<string, Uint8Array>;
  const text = (name: string) => strFromU8(files[name]!);

  beforeAll(async () => {
    site = realSite({ epub: true, guides: '/guides.epub' });
    ({ result, info } = await buildSite(site));
    epub = readFileSync(path.join(site.out, 'zine/ilu-9/ilu-9.epub'));
    files = unzipSync(epub);
  }, 300_000);

  afterAll(() => rmSync(site.root, { recursive: true, force: true }));

  it.runIf(requireTools('java', EPUBCHECK))('passes epubcheck with no error and no warning (the issue and the guides)', async () => {
    for (const file of ['zine/ilu-9/ilu-9.epub', 'guides.epub']) {
      const report = await epubcheck(path.join(site.out, file));
      expect(report, file).toMatch(/Messages: 0 fatals \/ 0 errors \/ 0 warnings/);
    }
  }, 600_000);

  it('starts with the mimetype, stored, and has the files EPUB readers look for', () => {
    expect(epub.readUInt32LE(0)).toBe(0x04034b50);
    expect(epub.readUInt16LE(8)).toBe(0); // stored
    expect(epub.subarray(30, 38).toString()).toBe('mimetype');
    expect(epub.subarray(38, 58).toString()).toBe('application/epub+zip');
    expect(Object.keys(files).slice(0, 3)).toEqual(['mimetype', 'META-INF/container.xml', 'EPUB/package.opf']);
    expect(text('META-INF/container.xml')).toContain('full-path="EPUB/package.opf"');
  });

  it('lists the parts in print order in its navigation document, one XHTML document each', () => {
    const zine = result.site.zines.find((z) => z.index.url === '/zine/ilu-9/')!;
    expect(zine.parts.length).toBeGreaterThan(3);
    const nav = text('EPUB/nav.xhtml');
    const toc = nav.slice(nav.indexOf('epub:type="toc"'), nav.indexOf('</nav>'));
    const entries = [...toc.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(entries.map((e) => e[1])).toEqual(zine.parts.map((p) => p.title.replaceAll('&', '&#x26;')));
    for (const [href] of entries) expect(files[`EPUB/${href}`], href).toBeDefined();
    const opf = text('EPUB/package.opf');
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    expect(spine).toEqual(['cover', 'title-page', 'nav', ...zine.parts.map((_, i) => `part-${i + 1}`)]);
  });

  it('states title, authors, language, date, licence, and an identifier that does not change', () => {
    const opf = text('EPUB/package.opf');
    expect(opf).toContain('<dc:title>Immaterial Labour Union #9: Special Issue on XMPP</dc:title>');
    expect(opf).toContain('<dc:creator>Homebrew Server Club</dc:creator>');
    expect(opf).toContain('<dc:language>en</dc:language>');
    expect(opf).toContain('<dc:date>2016-12-07</dc:date>');
    expect(opf).toContain('CC BY-SA 2.0 (https://creativecommons.org/licenses/by-sa/2.0/)');
    expect(opf).toMatch(/<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/meta>/);
    // A name-based UUID of the address: the same in every build, on every machine.
    expect(opf).toContain('<dc:identifier id="uid">urn:uuid:00a83169-ac3a-5504-909e-d581bd7876ab</dc:identifier>');
    expect(opf).toMatch(/properties="cover-image"/);
    expect(statSync(path.join(site.out, 'zine/ilu-9/ilu-9.epub')).size).toBeLessThan(200_000);
  });

  it('turns footnotes into endnotes that link back to where they are cited', () => {
    const part = text('EPUB/part-02.xhtml');
    const refs = [...part.matchAll(/<a href="#([^"]+)" id="([^"]+)" epub:type="noteref"/g)];
    expect(refs.length).toBeGreaterThan(3);
    expect(part).toContain('epub:type="endnotes"');
    for (const [, note, ref] of refs) {
      expect(part, note).toMatch(new RegExp(`<li id="${note}" epub:type="endnote"`));
      expect(part, ref).toContain(`href="#${ref}"`);
    }
    expect(part).toContain('role="doc-backlink"');
  });

  it('lands every link inside the book on an element there: glossary terms keep their ids, lost pictures are marked', () => {
    for (const book of [files, unzipSync(readFileSync(path.join(site.out, 'guides.epub')))]) {
      const docs = Object.keys(book).filter((name) => name.endsWith('.xhtml'));
      const ids = new Map(docs.map((name) => [name, new Set([...strFromU8(book[name]!).matchAll(/ id="([^"]+)"/g)].map((m) => m[1]))]));
      for (const name of docs) {
        const xhtml = strFromU8(book[name]!);
        for (const [, href] of xhtml.matchAll(/<a [^>]*href="([^":]*)"/g)) {
          const [file, id] = href!.split('#');
          const target = file ? path.posix.join(path.posix.dirname(name), file) : name;
          expect(ids.has(target), `${name}: ${href}`).toBe(true);
          if (id) expect(ids.get(target)!.has(id), `${name}: ${href}`).toBe(true);
        }
        // A glossary's terms can be linked to, as on the site.
        expect(xhtml.match(/<dt>/g), `${name}: terms without an id`).toBeNull();
      }
      const all = docs.map((name) => strFromU8(book[name]!)).join('\n');
      expect(all).toMatch(/<dt id="omemo">/);
      expect(all).toContain('[Image lost: Friend request]');
    }
  });

  it.runIf(requireTools(CHROMIUM))("holds every part's text exactly as its web page shows it", async () => {
    const zine = result.site.zines.find((z) => z.index.url === '/zine/ilu-9/')!;
    const unpacked = path.join(site.root, 'unpacked');
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
      writeFileSync(path.join(unpacked, name), bytes);
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      // Text as read: whitespace collapsed, without the site's heading anchors and theme controls.
      const read = (selector: string, drop: string) =>
        page.evaluate(
          ([selector, drop]) => {
            const copy = document.querySelector(selector)!.cloneNode(true) as Element;
            copy.querySelectorAll(drop).forEach((e) => e.remove());
            return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
          },
          [selector, drop] as const,
        );
      for (const [i, part] of zine.parts.entries()) {
        await page.goto('file://' + path.join(site.out, part.outputPath));
        const web = await read('main .prose', 'a.anchor, [data-theme-control], .original-toggle');
        await page.goto('file://' + path.join(unpacked, `EPUB/part-${String(i + 1).padStart(2, '0')}.xhtml`));
        const book = await read('section[epub\\:type="chapter"], section', 'h1, p.byline');
        expect(web.length, part.title).toBeGreaterThan(200);
        expect(book, part.title).toBe(web);
      }
      // And it looks like a book page: a screenshot for people (test-output/zine-epub-part-02.png).
      await page.setViewportSize({ width: 600, height: 800 });
      await page.goto('file://' + path.join(unpacked, 'EPUB/part-02.xhtml'));
      await page.screenshot({ path: path.join(site.root, '..', '..', 'zine-epub-part-02.png') });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('is byte-identical when built again from scratch, and not made again from the same cache', async () => {
    const other = realSite({ epub: true, guides: '/guides.epub' });
    try {
      await buildSite(other);
      expect(readFileSync(path.join(other.out, 'zine/ilu-9/ilu-9.epub')).equals(epub)).toBe(true);
      expect(readFileSync(path.join(other.out, 'guides.epub')).equals(readFileSync(path.join(site.out, 'guides.epub')))).toBe(true);
    } finally {
      rmSync(other.root, { recursive: true, force: true });
    }
    expect(info.some((m) => /^zine: 2 editions \(2 made, 0 cached\)/.test(m)), info.join('\n')).toBe(true);
    const again = await buildSite(site);
    expect(again.info.some((m) => /^zine: 2 editions \(0 made, 2 cached\)/.test(m)), again.info.join('\n')).toBe(true);
    expect(readFileSync(path.join(site.out, 'zine/ilu-9/ilu-9.epub')).equals(epub)).toBe(true);
  }, 300_000);
});
