import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../test/support/tools.ts';
import {
  ALTERNATIVE_TEXT,
  FOOTNOTE_TEXT,
  HOSTILE_TITLE_CLEAN,
  makeConfig,
  makeSite,
  SITE_URL,
} from './fixtures/site.ts';
import { jsonFeed11Problems } from './fixtures/json-feed.ts';
import { assertWellFormed, xpathString } from './fixtures/xml.ts';
import type { Page } from '../../src/types.ts';
import { feedSchema } from './options.ts';
import { buildFeeds, type FeedFile } from './write.ts';

const xmllint = requireTools('xmllint');

function render(feed: Record<string, unknown> = {}, url?: string, tweak?: (pages: Page[]) => void) {
  const config = makeConfig(feed, url);
  const fixture = makeSite(config);
  tweak?.(fixture.site.pages);
  const warnings: string[] = [];
  const files = buildFeeds(fixture.site, feedSchema.parse(feed), {
    drafts: false,
    log: { warn: (message, where) => warnings.push(`${where?.file}: ${message}`) },
  });
  const byPath = new Map(files.map((f) => [f.path, f]));
  const get = (path: string): string => {
    const file = byPath.get(path);
    if (!file) throw new Error(`no ${path} among ${[...byPath.keys()].join(', ')}`);
    return file.data.toString('utf8');
  };
  return { ...fixture, files, byPath, get, warnings };
}

const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Every URL in href/src/srcset/poster/cite attributes of an HTML string. */
function urlsIn(html: string): string[] {
  const urls: string[] = [];
  for (const [, name, value] of html.matchAll(/\s(href|src|srcset|poster|cite)="([^"]*)"/g)) {
    if (name === 'srcset') urls.push(...value!.split(/,\s*/).map((c) => c.trim().split(/\s+/)[0]!));
    else urls.push(value!);
  }
  return urls;
}

describe('site feeds', () => {
  const { get, expectedOrder, site, warnings } = render();
  const rss = parseFeed(get('/feed.xml'));
  const atom = parseFeed(get('/atom.xml'));
  const json = JSON.parse(get('/feed.json'));
  const absolute = expectedOrder.map((url) => SITE_URL + url);

  it('lists every article, guide and zine part, newest first, zine parts in print order', () => {
    expect(absolute.length).toBeGreaterThan(10);
    expect(rss.items.map((i) => i.url)).toEqual(absolute);
    expect(atom.items.map((i) => i.url)).toEqual(absolute);
    expect(json.items.map((i: { url: string }) => i.url)).toEqual(absolute);
    expect(rss.items.map((i) => i.id)).toEqual(absolute);
    expect(atom.items.map((i) => i.id)).toEqual(absolute);
    expect(get('/feed.xml')).not.toContain('isPermaLink="false"');
    for (const left of ['/about/', '/draft/', '/zine/ilu-9/', '/']) expect(absolute).not.toContain(SITE_URL + left);
    expect(warnings).toEqual([]);
  });

  it('carries each item’s full text with absolute URLs only', () => {
    for (const feed of [rss, atom]) {
      for (const item of feed.items) {
        const page = site.byUrl.get(item.url!.slice(SITE_URL.length))!;
        expect(item.content, page.url).toBeTruthy();
        if (page.url === '/hostile/') continue; // its title is checked under 'hostile input'
        expect(item.title).toBe(page.title);
      }
      const alternative = feed.items.find((i) => i.url === `${SITE_URL}/zine/ilu-9/alternative/`)!;
      expect(alternative.content).toContain(ALTERNATIVE_TEXT);
      expect(alternative.content).toContain(FOOTNOTE_TEXT);
      expect(alternative.content).toContain('The club’s rack.');
    }
    const alternativeHtml: string = json.items.find((i: { url: string }) => i.url.endsWith('/alternative/')).content_html;
    expect(alternativeHtml).toContain(
      `<img src="${SITE_URL}/media/servers.4f2a.png" width="640" height="480" alt="A rack of servers">`,
    );
    expect(alternativeHtml).toContain(`href="${SITE_URL}/zine/ilu-9/alternative/#user-content-fn-1"`);
    expect(alternativeHtml).toContain(`href="${SITE_URL}/zine/ilu-9/yes-were-config/"`);
    for (const banned of ['<script', '<iframe', '<style', 'style=', 'onclick', 'javascript:', 'original-toggle', 'Theme-only', 'view original', '.webp', 'class="anchor"']) {
      expect(alternativeHtml).not.toContain(banned);
    }
    for (const item of json.items) {
      for (const url of urlsIn(item.content_html)) expect(url).toMatch(/^(https:\/\/|mailto:|xmpp:)/);
    }
  });

  it('dates items in RFC 822 (RSS) and RFC 3339 (Atom, JSON), zine parts by their issue', () => {
    const rssXml = get('/feed.xml');
    const pubDates = [...rssXml.matchAll(/<pubDate>([^<]*)<\/pubDate>/g)].map((m) => m[1]!);
    expect(pubDates).toHaveLength(absolute.length);
    for (const d of pubDates) expect(d).toMatch(RFC822);
    expect(rssXml).toMatch(/<lastBuildDate>Sun, 01 Mar 2026 00:00:00 GMT<\/lastBuildDate>/);
    const guide = (f: typeof rss) => f.items.find((i) => i.url === `${SITE_URL}/yes-were-config/`)!;
    expect(guide(rss).published?.toISOString()).toBe('2018-06-10T00:00:00.000Z');
    expect(guide(atom).published?.toISOString()).toBe('2018-06-10T00:00:00.000Z');
    expect(guide(atom).updated?.toISOString()).toBe('2019-01-02T12:34:56.000Z');
    expect(rssXml).toContain('<pubDate>Sun, 10 Jun 2018 00:00:00 GMT</pubDate>');
    const atomXml = get('/atom.xml');
    for (const [, d] of atomXml.matchAll(/<(?:published|updated)>([^<]*)</g)) expect(d).toMatch(RFC3339);
    expect(atomXml).toContain('<updated>2019-01-02T12:34:56.000Z</updated>');
    const parts = atom.items.filter((i) => i.url!.includes('/zine/'));
    expect(parts.map((p) => p.published?.toISOString())).toEqual(Array(3).fill('2016-05-01T00:00:00.000Z'));
    const jsonGuide = json.items.find((i: { url: string }) => i.url.endsWith('/yes-were-config/'));
    expect(jsonGuide.date_published).toBe('2018-06-10T00:00:00.000Z');
    expect(jsonGuide.date_modified).toBe('2019-01-02T12:34:56.000Z');
  });

  it('attaches the lead image as an enclosure with its real length and type', () => {
    for (const feed of [rss, atom]) {
      const item = feed.items.find((i) => i.url === `${SITE_URL}/zine/ilu-9/alternative/`)!;
      expect(item.media).toEqual([
        expect.objectContaining({ url: `${SITE_URL}/media/servers.4f2a.png`, length: 23456, mimeType: 'image/png' }),
      ]);
      // `feed` guesses 'image/svg' from the extension: the real type must win.
      const hostile = feed.items.find((i) => i.url === `${SITE_URL}/hostile/`)!;
      expect(hostile.media).toEqual([
        expect.objectContaining({ url: `${SITE_URL}/media/diagram.svg`, length: 789, mimeType: 'image/svg+xml' }),
      ]);
      const guide = feed.items.find((i) => i.url === `${SITE_URL}/yes-were-config/`)!;
      expect(guide.media).toEqual([]);
    }
    const alternative = json.items.find((i: { url: string }) => i.url.endsWith('/alternative/'));
    expect(alternative.image).toBe(`${SITE_URL}/media/servers.4f2a.png`);
    expect(alternative.attachments).toEqual([
      { url: `${SITE_URL}/media/servers.4f2a.png`, mime_type: 'image/png', size_in_bytes: 23456 },
    ]);
  });

  it('names authors, categories and tags', () => {
    for (const feed of [rss, atom]) {
      const item = feed.items.find((i) => i.url === `${SITE_URL}/zine/ilu-9/alternative/`)!;
      expect(item.authors.map((a) => a.name)).toEqual(['Ada', 'Homebrew Server Club']);
      expect(item.categories.map((c) => c.term)).toEqual(['xmpp', 'zine']);
      const guide = feed.items.find((i) => i.url === `${SITE_URL}/yes-were-config/`)!;
      expect(guide.categories.map((c) => c.term)).toEqual(['guides', 'server', 'debian']);
      expect(guide.description).toBe('How the club set up its server in 2018.');
    }
    const alternative = json.items.find((i: { url: string }) => i.url.endsWith('/alternative/'));
    expect(alternative.authors).toEqual([{ name: 'Ada' }, { name: 'Homebrew Server Club', url: `${SITE_URL}/about/` }]);
    expect(alternative.tags).toEqual(['xmpp', 'zine']);
    // No summary in the front matter: the first paragraph, without its footnote number.
    expect(alternative.summary).toBe(
      `${ALTERNATIVE_TEXT} Read the server guide, the about page, or write to the club or join our room.`,
    );
  });

  it('describes the feeds themselves', () => {
    for (const [feed, self] of [[rss, '/feed.xml'], [atom, '/atom.xml']] as const) {
      expect(feed.title).toBe('Homebrew Server Club');
      expect(feed.url).toBe(`${SITE_URL}/`);
      expect(feed.self).toBe(SITE_URL + self);
      expect(feed.description).toBe('Run your own server, in Rotterdam & elsewhere');
    }
    expect(rss.language).toBe('en');
    expect(json.language).toBe('en');
    expect(json.feed_url).toBe(`${SITE_URL}/feed.json`);
  });

  it('writes JSON Feed 1.1', () => {
    expect(jsonFeed11Problems(json)).toEqual([]);
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
  });

  it.skipIf(!xmllint)('writes well-formed XML (strict parser)', () => {
    assertWellFormed(get('/feed.xml'), '/feed.xml');
    assertWellFormed(get('/atom.xml'), '/atom.xml');
  });

  it('gives the same bytes for the same site', () => {
    const again = render();
    expect(again.files.map((f) => f.data)).toEqual(render().files.map((f) => f.data));
  });
});

describe('hostile input', () => {
  const { get, files } = render();
  const hostileUrl = `${SITE_URL}/hostile/`;

  it.skipIf(!xmllint)('stays well-formed, with the title intact and control characters gone', () => {
    const rssXml = get('/feed.xml');
    const atomXml = get('/atom.xml');
    assertWellFormed(rssXml, '/feed.xml');
    assertWellFormed(atomXml, '/atom.xml');
    // The RSS title is plain text: read it as an XML parser does.
    expect(xpathString(rssXml, '/rss/channel/item[1]/title')).toBe(HOSTILE_TITLE_CLEAN);
    expect(xpathString(rssXml, "/rss/channel/item[1]/*[local-name()='creator']")).toBe('Smith & Jones <the pair>');
    expect(xpathString(rssXml, '/rss/channel/item[1]/category[1]')).toBe('tests & <tricks>');
  });

  it('round-trips through the feed parser and JSON', () => {
    const atom = parseFeed(get('/atom.xml'));
    const item = atom.items.find((i) => i.url === hostileUrl)!;
    // Atom's title is HTML (type="html"): the parser decodes it back to the text.
    expect(item.title).toBe(HOSTILE_TITLE_CLEAN);
    expect(item.content).toContain('CDATA end ]]> in text, twice ]]>.');
    expect(item.content).toContain('x = y[z[0]]>1');
    expect(item.authors.map((a) => a.name)).toEqual(['Smith & Jones <the pair>']);
    const rss = parseFeed(get('/feed.xml'));
    const rssItem = rss.items.find((i) => i.url === hostileUrl)!;
    expect(rssItem.content).toContain('CDATA end ]]> in text, twice ]]>.');
    expect(rssItem.description).toContain('Summary with Fish & <chips> ]]>');
    const json = JSON.parse(get('/feed.json'));
    const jsonItem = json.items.find((i: { url: string }) => i.url === hostileUrl);
    expect(jsonItem.title).toBe(HOSTILE_TITLE_CLEAN);
    expect(jsonItem.tags).toEqual(['tests & <tricks>', 'a&b', '<b>bold</b>']);
  });

  it('leaves no control character in any file', () => {
    for (const file of files) expect(CONTROL.test(file.data.toString('utf8')), file.path).toBe(false);
  });
});

describe('feed options', () => {
  it('caps the items with limit, keeping the newest', () => {
    const { get, expectedOrder } = render({ limit: 5 });
    const rss = parseFeed(get('/feed.xml'));
    expect(rss.items.map((i) => i.url)).toEqual(expectedOrder.slice(0, 5).map((u) => SITE_URL + u));
    expect(JSON.parse(get('/feed.json')).items).toHaveLength(5);
  });

  it('takes the kinds it is told to', () => {
    const { get } = render({ kinds: ['guide', 'page'] });
    const items = parseFeed(get('/atom.xml')).items.map((i) => i.url);
    expect(items).toEqual([`${SITE_URL}/yes-were-config/`]); // the page has no date: left out, with a warning
    expect(render({ kinds: ['guide', 'page'] }).warnings).toEqual([
      'pages/about.md: feed: "About" has no date, so it is left out of the feeds; give it a date in its front matter',
    ]);
  });

  it('writes a feed per zine issue, in print order, and none when turned off', () => {
    const { get, byPath } = render();
    const issue = parseFeed(get('/zine/ilu-9/feed.xml'));
    expect(issue.title).toBe('Homebrew Server Club: Immaterial Labour Union #9: Special Issue on XMPP');
    expect(issue.url).toBe(`${SITE_URL}/zine/ilu-9/`);
    expect(issue.self).toBe(`${SITE_URL}/zine/ilu-9/feed.xml`);
    expect(issue.items.map((i) => i.url)).toEqual(
      ['editorial', 'alternative', 'configuring'].map((s) => `${SITE_URL}/zine/ilu-9/${s}/`),
    );
    expect(byPath.has('/zine/ilu-9/atom.xml') && byPath.has('/zine/ilu-9/feed.json')).toBe(true);
    expect([...render({ perIssue: false }).byPath.keys()]).toEqual(['/feed.xml', '/atom.xml', '/feed.json']);
  });

  it('writes a feed per category when asked', () => {
    const { byPath, get } = render({ perCategory: true, perIssue: false });
    expect([...byPath.keys()].filter((p) => p.endsWith('feed.xml'))).toEqual([
      '/feed.xml',
      '/category/guides/feed.xml',
      '/category/meetings/feed.xml',
      '/category/notes/feed.xml',
      '/category/tests--tricks/feed.xml', // github-slugger, as for heading ids,
      '/category/xmpp/feed.xml',
    ]);
    const notes = parseFeed(get('/category/notes/atom.xml'));
    expect(notes.items.map((i) => i.title)).toEqual(['Note 11', 'Note 09', 'Note 07', 'Note 05', 'Note 03', 'Note 01']);
  });

  it('uses custom paths and titles', () => {
    const { byPath, get } = render({ paths: { rss: '/rss.xml', atom: '/feeds/atom.xml' }, title: 'HBSC & friends' });
    expect([...byPath.keys()]).toContain('/rss.xml');
    expect([...byPath.keys()]).toContain('/feeds/atom.xml');
    expect([...byPath.keys()]).toContain('/zine/ilu-9/rss.xml');
    expect(parseFeed(get('/rss.xml')).title).toBe('HBSC & friends');
    expect(parseFeed(get('/feeds/atom.xml')).self).toBe(`${SITE_URL}/feeds/atom.xml`);
  });

  it('keeps a base path of the site in every URL', () => {
    const base = 'https://example.org/hbsc';
    const { get } = render({}, base);
    const alternative = JSON.parse(get('/feed.json')).items.find((i: { url: string }) => i.url.endsWith('/alternative/'));
    expect(alternative.url).toBe(`${base}/zine/ilu-9/alternative/`);
    expect(alternative.content_html).toContain(`src="${base}/media/servers.4f2a.png"`);
    expect(alternative.content_html).toContain(`href="${base}/about/"`);
    expect(alternative.attachments[0].url).toBe(`${base}/media/servers.4f2a.png`);
  });

  it('refuses two feeds on one path, naming the setting to change', () => {
    expect(() => render({ perCategory: true, categoryBase: '/zine/' }, undefined, (pages) => {
      for (const p of pages) if (p.category === 'xmpp') p.category = 'ILU 9';
    })).toThrow(
      expect.objectContaining({
        name: 'ContentError',
        message: expect.stringMatching(/would both be written to \/zine\/ilu-9\/feed\.xml$/),
        where: { file: '/nonexistent/site.config.ts' },
        hint: 'change feed.paths or feed.categoryBase so that every feed gets its own file',
      }),
    );
  });
});

describe('items that need a fallback', () => {
  it('gives an item with an empty body its summary as content', () => {
    const { get } = render({}, undefined, (pages) => {
      const guide = pages.find((p) => p.url === '/yes-were-config/')!;
      guide.body = { type: 'root', children: [] };
    });
    const guide = parseFeed(get('/feed.xml')).items.find((i) => i.url === `${SITE_URL}/yes-were-config/`)!;
    expect(guide.content).toBe('<p>How the club set up its server in 2018.</p>');
  });

  it('reports how big each file is through FeedFile', () => {
    const { files } = render();
    const sizes = files.map((f: FeedFile) => [f.path, f.items]);
    expect(sizes.slice(0, 3)).toEqual([['/feed.xml', 17], ['/atom.xml', 17], ['/feed.json', 17]]);
  });
});
