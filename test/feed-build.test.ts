/**
 * The real site, built: /feed.xml must hold every article, guide and zine part of content/, each with
 * its whole text (every paragraph of its Markdown) and its images as absolute URLs of the dithered
 * files that the build published. Expectations come from the Markdown sources, not from the feed code.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import matter from 'gray-matter';
import type { Image, Paragraph, Root as MdastRoot } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { remarkDefinitionList } from 'remark-definition-list';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWellFormed } from '../plugins/feed/fixtures/xml.ts';
import { jsonFeed11Problems } from '../plugins/feed/fixtures/json-feed.ts';
import { serve, subscribe } from '../plugins/feed/fixtures/newsboat.ts';
import { copyRealSite } from './support/real-site.ts';
import { PROJECT_ROOT, removeSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const run = promisify(execFile);
/** A cold build of the real site: seconds on an idle machine, minutes on a loaded 2-core one. */
const COLD_BUILD_MS = 300_000;
const hasBuild = existsSync(path.join(PROJECT_ROOT, 'src/build.ts'));
const xmllint = requireTools('xmllint');
const newsboat = requireTools('newsboat', 'sqlite3');

interface Source {
  file: string;
  url: string;
  title: string;
  paragraphs: string[];
  images: number;
}

/** Letters only, lower case: compares text across Markdown, smart quotes and footnote numbers. */
function letters(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}]+/gu, '');
}

/** The text of an HTML fragment: tags out, then character references decoded (so '&lt;' stays text). */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&(amp|lt|gt|quot|apos);/g, ' ');
}

/** Each RSS item's link and raw content:encoded, read from the XML text (our content never holds ']]>'). */
function rawItems(xml: string): Map<string, string> {
  const items = new Map<string, string>();
  for (const [, item] of xml.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
    const link = /<link>([^<]*)<\/link>/.exec(item!)?.[1] ?? '';
    const content = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/.exec(item!)?.[1] ?? '';
    items.set(link.replace(/&amp;/g, '&'), content);
  }
  return items;
}

function slugOf(file: string, data: Record<string, unknown>): string {
  return typeof data.slug === 'string' ? data.slug : path.basename(file, '.md').replace(/^\d+-/, '');
}

/** Articles, guides and zine parts as the sources say: permalink, title, paragraphs, image count. */
function sources(contentDir: string): Source[] {
  // The Markdown dialect of the core (src/markdown/processor.ts): GFM and definition lists.
  const parser = unified().use(remarkParse).use(remarkGfm).use(remarkDefinitionList);
  const found: Source[] = [];
  const add = (file: string, url: (slug: string) => string) => {
    const { data, content } = matter(readFileSync(file, 'utf8'));
    if (data.draft === true) return;
    const tree = parser.parse(content) as MdastRoot;
    const paragraphs: string[] = [];
    visit(tree, 'paragraph', (node: Paragraph) => {
      const text = letters(toString(node, { includeImageAlt: false, includeHtml: false }));
      if (text.length > 0) paragraphs.push(text);
    });
    let images = 0;
    visit(tree, 'image', (_node: Image) => void images++);
    found.push({ file, url: url(slugOf(file, data)), title: String(data.title), paragraphs, images });
  };
  for (const folder of ['articles', 'guides']) {
    for (const name of readdirSync(path.join(contentDir, folder)).filter((n) => n.endsWith('.md'))) {
      add(path.join(contentDir, folder, name), (slug) => `/${slug}/`);
    }
  }
  for (const issue of readdirSync(path.join(contentDir, 'zine'))) {
    const dir = path.join(contentDir, 'zine', issue);
    // The issue's cover page is an item too (site.config.ts lists 'zine-issue' in feed.kinds): it carries the EPUB.
    add(path.join(dir, 'index.md'), () => `/zine/${issue}/`);
    for (const name of readdirSync(dir).filter((n) => /^\d+-.*\.md$/.test(n))) {
      add(path.join(dir, name), (slug) => `/zine/${issue}/${slug}/`);
    }
  }
  return found;
}

describe.skipIf(!hasBuild)('feeds of the real site', () => {
  let out = '';
  /** The real site copied for this test: its own output and cache folders. */
  let site = '';
  let siteUrl = '';
  let rssXml = '';
  const expected = sources(path.join(PROJECT_ROOT, 'content'));

  beforeAll(async () => {
    const { build } = (await import('../src/build.ts')) as typeof import('../src/build.ts');
    const { createLogger } = (await import('../src/log.ts')) as typeof import('../src/log.ts');
    site = copyRealSite('feed-');
    out = path.join(site, 'dist');
    const result = await build({ root: site, log: createLogger({ quiet: true }) });
    siteUrl = result.config.url;
    rssXml = readFileSync(path.join(out, 'feed.xml'), 'utf8');
  }, COLD_BUILD_MS);

  afterAll(() => {
    if (site) removeSite(site);
  });

  it('holds every article, guide, zine issue and zine part, and nothing else', () => {
    expect(expected.length).toBeGreaterThan(10);
    const feed = parseFeed(rssXml);
    expect(feed.items.map((i) => i.url).sort()).toEqual(expected.map((s) => siteUrl + s.url).sort());
    for (const source of expected) {
      const item = feed.items.find((i) => i.url === siteUrl + source.url)!;
      expect(letters(item.title ?? ''), source.file).toBe(letters(source.title));
    }
  });

  it('carries every paragraph of every source', () => {
    const items = rawItems(rssXml);
    expect(items.size).toBe(expected.length);
    for (const source of expected) {
      const text = letters(htmlText(items.get(siteUrl + source.url) ?? ''));
      for (const paragraph of source.paragraphs) {
        expect(text.includes(paragraph), `${source.file}: "${paragraph.slice(0, 60)}…" missing from the feed`).toBe(true);
      }
    }
  });

  it('points every image at a published dithered file, with width and height', () => {
    const feed = parseFeed(rssXml);
    for (const source of expected) {
      const item = feed.items.find((i) => i.url === siteUrl + source.url)!;
      const images = [...(item.content ?? '').matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
      expect(images.length, source.file).toBe(source.images);
      for (const img of images) {
        const src = /\ssrc="([^"]+)"/.exec(img)?.[1] ?? '';
        expect(src.startsWith(`${siteUrl}/`), img).toBe(true);
        expect(img).toMatch(/\swidth="\d+"/);
        expect(img).toMatch(/\sheight="\d+"/);
        const file = path.join(out, decodeURIComponent(new URL(src).pathname));
        expect(existsSync(file), `${src} published`).toBe(true);
        // A raster image is published as the dithered, indexed PNG (colour type 3); SVG passes through.
        const bytes = readFileSync(file);
        if (!src.endsWith('.svg')) expect([bytes.subarray(1, 4).toString(), bytes[25]], src).toEqual(['PNG', 3]);
      }
    }
  });

  it('gives enclosures the real byte length and type of the published file', () => {
    const feed = parseFeed(rssXml);
    const withImages = expected.filter((s) => s.images > 0);
    for (const source of withImages) {
      const item = feed.items.find((i) => i.url === siteUrl + source.url)!;
      expect(item.media, source.file).toHaveLength(1);
      const [media] = item.media;
      const file = path.join(out, new URL(media!.url).pathname);
      expect(media!.length).toBe(statSync(file).size);
      expect(media!.mimeType).toBe(file.endsWith('.svg') ? 'image/svg+xml' : 'image/png');
    }
  });

  it("gives each zine issue's item its EPUB as the enclosure, with the real byte length", () => {
    const feed = parseFeed(rssXml);
    const issues = expected.filter((s) => s.file.endsWith(`${path.sep}index.md`));
    expect(issues.length).toBeGreaterThan(0);
    for (const source of issues) {
      const item = feed.items.find((i) => i.url === siteUrl + source.url)!;
      expect(item.media, source.file).toHaveLength(1);
      const [media] = item.media;
      const slug = source.url.split('/').filter(Boolean).pop();
      expect(new URL(media!.url).pathname).toBe(`${source.url}${slug}.epub`);
      expect(media!.mimeType).toBe('application/epub+zip');
      expect(media!.length).toBe(statSync(path.join(out, new URL(media!.url).pathname)).size);
    }
  });

  it('writes Atom and JSON Feed with the same items', () => {
    const atom = readFileSync(path.join(out, 'atom.xml'), 'utf8');
    const json = JSON.parse(readFileSync(path.join(out, 'feed.json'), 'utf8'));
    const rssUrls = parseFeed(rssXml).items.map((i) => i.url);
    expect(parseFeed(atom).items.map((i) => i.url)).toEqual(rssUrls);
    expect(json.items.map((i: { url: string }) => i.url)).toEqual(rssUrls);
    expect(jsonFeed11Problems(json)).toEqual([]);
    if (xmllint) {
      assertWellFormed(rssXml, 'feed.xml');
      assertWellFormed(atom, 'atom.xml');
    }
  });

  it.skipIf(!newsboat)('reads whole in newsboat, subscribed to /feed.xml on 127.0.0.1', async () => {
    const server = await serve((urlPath) => {
      const file = path.join(out, urlPath);
      return file.startsWith(out + path.sep) && existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
    });
    try {
      const { unread, items } = await subscribe(`${server.base}/feed.xml`);
      expect(unread).toBe(`${expected.length} unread articles`);
      for (const source of expected) {
        const item = items.find((i) => i.url === siteUrl + source.url);
        expect(item, source.file).toBeDefined();
        const text = letters(htmlText(item!.content));
        for (const paragraph of source.paragraphs) {
          expect(text.includes(paragraph), `${source.file}: "${paragraph.slice(0, 60)}…" missing in newsboat`).toBe(true);
        }
        if (source.images > 0) expect(item!.content).toMatch(new RegExp(`<img [^>]*src="${siteUrl}/media/[^"]+"`));
      }
    } finally {
      await server.close();
    }
  });

  it('writes the same feeds whatever the build machine’s time zone', async () => {
    const script = path.join(PROJECT_ROOT, 'plugins/feed/fixtures/build-site.ts');
    // +14 h and −11 h: a date read as local time would land on another day in one of them.
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      // A copy with a cold cache of its own: feeds from a shared cache would hide a date that
      // depends on the time zone.
      const other = copyRealSite('feed-tz-');
      try {
        await run(process.execPath, ['--import', 'tsx', script, other, path.join(other, 'dist')], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, TZ: tz },
          timeout: COLD_BUILD_MS,
        });
        for (const file of ['feed.xml', 'atom.xml', 'feed.json']) {
          expect(readFileSync(path.join(other, 'dist', file), 'utf8'), `${file} under TZ=${tz}`).toBe(
            readFileSync(path.join(out, file), 'utf8'),
          );
        }
      } finally {
        removeSite(other);
      }
    }
  }, 3 * COLD_BUILD_MS);
});
