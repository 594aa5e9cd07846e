import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { FileCache } from '../../src/cache/file-cache.js';
import type { BuildContext } from '../../src/types.ts';
import feed, { feedLinkElements, feedLinks } from './index.ts';
import { makeConfig, makeSite, SITE_URL } from './fixtures/site.ts';
import { feedSchema } from './options.ts';
import { AHEAD_LIMIT, FEED_VERSION, serializeAhead } from './write.ts';
import { WRITERS } from './formats.ts';
import { entryHash, fragmentKey } from './fragments.ts';
import { entryWith, feedEntries } from './items.ts';
import { FEED_FORMATS, siteFeed } from './links.ts';
import type { Site } from '../../src/types.ts';
import { h } from 'hastscript';

function issuePaths(error: { issues: { path: PropertyKey[]; message: string; code: string }[] }) {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
}

describe('feed options schema', () => {
  it('fills in the defaults', () => {
    expect(feedSchema.parse({})).toEqual({
      kinds: ['article', 'guide', 'zine-part'],
      perCategory: false,
      categoryBase: '/category/',
      perIssue: true,
      paths: { rss: '/feed.xml', atom: '/atom.xml', json: '/feed.json' },
    });
  });

  it('rejects unknown keys, naming them', () => {
    const result = feedSchema.safeParse({ limt: 5, paths: { rdf: '/feed.rdf' } });
    expect(result.success).toBe(false);
    expect(issuePaths(result.error!).sort()).toEqual([': unrecognized_keys', 'paths: unrecognized_keys']);
    expect(result.error!.issues.flatMap((i) => ('keys' in i ? i.keys : [])).sort()).toEqual(['limt', 'rdf']);
  });

  it('rejects bad values, naming the key', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kinds: ['post'] }, 'kinds.0'],
      [{ kinds: [] }, 'kinds'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 2.5 }, 'limit'],
      [{ paths: { rss: 'feed.xml' } }, 'paths.rss'],
      [{ paths: { atom: '/feeds/' } }, 'paths.atom'],
      [{ paths: { json: '/feed.json?x=1' } }, 'paths.json'],
      [{ categoryBase: '/category' }, 'categoryBase'],
      [{ perIssue: 'yes' }, 'perIssue'],
      [{ title: '' }, 'title'],
    ];
    for (const [input, path] of cases) {
      const result = feedSchema.safeParse(input);
      expect(result.success, JSON.stringify(input)).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.')), JSON.stringify(input)).toContain(path);
    }
  });

  it('refuses two formats on one file, or one file name twice', () => {
    const same = feedSchema.safeParse({ paths: { rss: '/feed.xml', atom: '/feed.xml' } });
    expect(same.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([
      'paths',
      'rss, atom and json must be three different files',
    ]);
    const sameName = feedSchema.safeParse({ paths: { rss: '/rss/feed.xml', atom: '/atom/feed.xml' } });
    expect(sameName.success).toBe(false);
  });
});

describe('feedLinks (for the theme)', () => {
  const { site } = makeSite();
  const config = site.config;

  it('advertises the site feeds, RSS first, with site-absolute and absolute URLs', () => {
    expect(feedLinks({ config })).toEqual([
      { rel: 'alternate', type: 'application/rss+xml', title: 'Homebrew Server Club (RSS)', href: '/feed.xml', url: `${SITE_URL}/feed.xml`, format: 'rss' },
      { rel: 'alternate', type: 'application/atom+xml', title: 'Homebrew Server Club (Atom)', href: '/atom.xml', url: `${SITE_URL}/atom.xml`, format: 'atom' },
      { rel: 'alternate', type: 'application/feed+json', title: 'Homebrew Server Club (JSON Feed)', href: '/feed.json', url: `${SITE_URL}/feed.json`, format: 'json' },
    ]);
  });

  it('adds the issue feed on a zine part and on the issue page', () => {
    for (const url of ['/zine/ilu-9/alternative/', '/zine/ilu-9/']) {
      const page = site.byUrl.get(url)!;
      const hrefs = feedLinks({ config, site, page }).map((l) => l.href);
      expect(hrefs).toEqual(['/feed.xml', '/atom.xml', '/feed.json', '/zine/ilu-9/feed.xml', '/zine/ilu-9/atom.xml', '/zine/ilu-9/feed.json']);
    }
    const guide = site.byUrl.get('/yes-were-config/')!;
    expect(feedLinks({ config, site, page: guide })).toHaveLength(3);
  });

  it('adds the category feed when per-category feeds are on', () => {
    const perCategory = makeConfig(feedSchema.parse({ perCategory: true }));
    const guide = site.byUrl.get('/yes-were-config/')!;
    const links = feedLinks({ config: perCategory, site, page: guide });
    expect(links.map((l) => l.href)).toContain('/category/guides/feed.xml');
    expect(links.find((l) => l.href === '/category/guides/feed.xml')?.title).toBe('Homebrew Server Club: guides (RSS)');
  });

  it('links nothing when the plugin is off', () => {
    const off = { ...config, pluginOptions: {} };
    expect(feedLinks({ config: off })).toEqual([]);
  });

  it('gives <link> elements for the head', () => {
    expect(toHtml(feedLinkElements({ config }))).toBe(
      '<link rel="alternate" type="application/rss+xml" title="Homebrew Server Club (RSS)" href="/feed.xml">' +
        '<link rel="alternate" type="application/atom+xml" title="Homebrew Server Club (Atom)" href="/atom.xml">' +
        '<link rel="alternate" type="application/feed+json" title="Homebrew Server Club (JSON Feed)" href="/feed.json">',
    );
  });
});

describe('the plugin', () => {
  /** A build's context with its own cache (a fresh one unless given). */
  function fakeContext(cache = new FileCache(mkdtempSync(path.join(os.tmpdir(), 'solarpress-feed-')))) {
    const emitted = new Map<string, string | Uint8Array>();
    const info: string[] = [];
    const warnings: string[] = [];
    const ctx = {
      config: makeConfig(),
      root: '/nonexistent',
      mode: 'build',
      drafts: false,
      log: { info: (m: string) => info.push(m), warn: (m: string) => warnings.push(m), progress: () => ({ tick() {}, done() {} }) },
      cache: (name: string, version: string) => cache.store(name, version),
      // Bytes as text: a feed this build made is emitted as bytes, one from the cache as its entry.
      emit: (path: string, data: string | Uint8Array) => emitted.set(path, typeof data === 'string' ? data : Buffer.from(data).toString('utf8')),
      // Feeds are published from their cache entries, read as the output reads them (verified; one
      // still being written is read from memory): what an entry holds when emitted is what ships.
      emitFile: (path: string, file: string) => emitted.set(path, cache.readVerified(file)!.toString('utf8')),
      emitted: () => emitted.keys(),
      read: (path: string) => {
        const data = emitted.get(path);
        return typeof data === 'string' ? Buffer.from(data) : data;
      },
    } satisfies BuildContext;
    return { ctx, emitted, info, warnings };
  }

  it('is registered under the feed key', () => {
    expect(feed.definition.name).toBe('feed');
    expect(feed.definition.configKey).toBe('feed');
  });

  it('emits every feed at buildEnd and reports their sizes', async () => {
    const { ctx, emitted, info } = fakeContext();
    const { site } = makeSite(ctx.config);
    const plugin = feed.definition.setup(feedSchema.parse({}), ctx.config);
    await plugin.buildEnd!(ctx, site);
    expect([...emitted.keys()]).toEqual([
      'feed.xml', 'atom.xml', 'feed.json', 'zine/ilu-9/feed.xml', 'zine/ilu-9/atom.xml', 'zine/ilu-9/feed.json',
    ]);
    const rssKb = (Buffer.byteLength(emitted.get('feed.xml') as string) / 1024).toFixed(1);
    expect(info[0]).toBe(
      `feed: 17 items in /feed.xml ${rssKb} KB, /atom.xml ${(Buffer.byteLength(emitted.get('atom.xml') as string) / 1024).toFixed(1)} KB, /feed.json ${(Buffer.byteLength(emitted.get('feed.json') as string) / 1024).toFixed(1)} KB`,
    );
    expect(info[1]).toMatch(/^feed: 1 issue\/category feeds, 3 files, \d+\.\d KB$/);
  });

  it('leaves drafts out of a build and in a --drafts preview', async () => {
    for (const drafts of [false, true]) {
      const { ctx, emitted } = fakeContext();
      const { site } = makeSite(ctx.config);
      await feed.definition.setup(feedSchema.parse({}), ctx.config).buildEnd!({ ...ctx, drafts }, site);
      expect((emitted.get('feed.xml') as string).includes('/draft/')).toBe(drafts);
    }
  });

  it('reuses its cached feeds while nothing changed, and renders again when a page did', async () => {
    const cache = new FileCache(mkdtempSync(path.join(os.tmpdir(), 'solarpress-feed-cache-')));
    const run = async (edit?: (site: ReturnType<typeof makeSite>['site']) => void) => {
      const { ctx, emitted, warnings } = fakeContext(cache);
      const { site } = makeSite(ctx.config);
      edit?.(site);
      cache.startBuild();
      await feed.definition.setup(feedSchema.parse({}), ctx.config).buildEnd!(ctx, site);
      await cache.flush();
      return { emitted, warnings };
    };
    const first = await run();
    const again = await run();
    expect(again.emitted).toEqual(first.emitted);
    expect(again.warnings).toEqual(first.warnings); // warnings replayed from the cache
    const retitle = (site: ReturnType<typeof makeSite>['site']) => {
      const post = site.posts[0];
      post.title = 'A new title';
      post.contentHash = 'changed';
    };
    const retitled = await run(retitle);
    expect(retitled.emitted.get('feed.xml') as string).toContain('A new title');
    // Put together from the last build's documents: the bytes of a build with no cache.
    const { ctx, emitted } = fakeContext();
    const { site } = makeSite(ctx.config);
    retitle(site);
    await feed.definition.setup(feedSchema.parse({}), ctx.config).buildEnd!(ctx, site);
    expect(retitled.emitted).toEqual(emitted);
    // Megabytes each at a real archive's size: the store keeps the last state's documents only.
    const documents = readdirSync(path.join(cache.root, `feed/v${FEED_VERSION}`)).filter((name) => name.startsWith('document-'));
    const keys = documents.map((name) => name.split('.')[0]);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    // Back to the first state: its documents are gone, its feeds made again from the retitled ones.
    const undone = await run();
    expect(undone.emitted).toEqual(first.emitted);
  });

  /** The fixture site with `more` articles besides its own, every page with a content hash as the core gives it, one with an attachment. */
  function bigSite(config: ReturnType<typeof makeConfig>, more: number): Site {
    const { site } = makeSite(config);
    const note = site.posts.find((p) => p.kind === 'article')!;
    for (let i = 0; i < more; i++) {
      const page = { ...note, id: `articles/more-${i}.md`, url: `/more-${i}/`, title: `More ${i}`, date: new Date(Date.UTC(2024, 0, i + 1)) };
      site.pages.push(page);
      site.byId.set(page.id, page);
    }
    for (const page of site.pages) page.contentHash = `hash-of-${page.id}`;
    // A summary taken from the body, whose first paragraph holds what the feed's HTML leaves out.
    const control = site.byId.get('articles/more-5.md')!;
    control.summary = undefined;
    control.body = { type: 'root', children: [h('p', ['Before ', h('button', 'the control'), ' after.'])] };
    site.attachments = new Map([['articles/more-3.md', [{ url: '/more-3/more.epub', type: 'application/epub+zip', bytes: 1234, title: 'EPUB' }]]]);
    return site;
  }

  it('serializes many items in a worker from siteReady, the bytes buildEnd would make, and emits the feeds it would', async () => {
    const options = feedSchema.parse({});
    const { ctx } = fakeContext();
    // More than a batch sent to the worker (64), and more than it takes to start one (48).
    const site = bigSite(ctx.config, 70);
    const ahead = await serializeAhead(ctx, site, options);
    expect(ahead).toBeDefined();
    await ahead!.done;
    const entries = feedEntries({ site, options, drafts: false, log: { warn() {} } });
    expect(entries.length).toBeGreaterThan(64);
    const set = siteFeed(site.config, options);
    for (const entry of entries) {
      for (const format of FEED_FORMATS) {
        const made = ahead!.get(fragmentKey(format, entryHash(entry, site.config)!));
        expect(made?.toString('utf8'), `${entry.page.id} ${format}`).toBe(WRITERS[format].fragment({ config: site.config, set, entries: [entry] }, entry));
      }
    }
    const rssOf = (id: string) => ahead!.get(fragmentKey('rss', entryHash(entries.find((e) => e.page.id === id)!, site.config)!))!.toString();
    expect(rssOf('articles/more-3.md')).toContain('more.epub');
    // The worker makes the HTML from its copy of the body in place, after the summary.
    expect(rssOf('articles/more-5.md')).toContain('<description><![CDATA[Before the control after.]]></description>');
    expect(rssOf('articles/more-5.md')).toContain('<p>Before  after.</p>');
    // Whichever field is read first.
    const control = site.byId.get('articles/more-5.md')!;
    const owned = entryWith({ ...control, body: structuredClone(control.body) }, site.config, control.date!, [], true);
    expect(owned.html).toBe('<p>Before  after.</p>');
    expect(owned.summary).toBe('Before the control after.');

    // Through the plugin's hooks, as a build calls them: the feeds of a build without the worker.
    const plugin = feed.definition.setup(options, ctx.config);
    const threaded = fakeContext();
    const threadedSite = bigSite(ctx.config, 70);
    await plugin.siteReady!(threaded.ctx, threadedSite);
    await plugin.buildEnd!(threaded.ctx, threadedSite);
    const inline = fakeContext();
    await feed.definition.setup(options, ctx.config).buildEnd!(inline.ctx, bigSite(ctx.config, 70));
    expect(threaded.emitted.size).toBe(6);
    expect(threaded.emitted).toEqual(inline.emitted);
  });

  it('sends the worker AHEAD_LIMIT items at most, and buildEnd serializes the rest', async () => {
    const options = feedSchema.parse({});
    const { ctx } = fakeContext();
    const site = bigSite(ctx.config, AHEAD_LIMIT + 10);
    const ahead = await serializeAhead(ctx, site, options);
    await ahead!.done;
    const entries = feedEntries({ site, options, drafts: false, log: { warn() {} } });
    const sent = entries.filter((entry) => ahead!.get(fragmentKey('json', entryHash(entry, site.config)!)) !== undefined);
    expect(sent).toHaveLength(AHEAD_LIMIT);
    const plugin = feed.definition.setup(options, ctx.config);
    const threaded = fakeContext();
    const threadedSite = bigSite(ctx.config, AHEAD_LIMIT + 10);
    await plugin.siteReady!(threaded.ctx, threadedSite);
    await plugin.buildEnd!(threaded.ctx, threadedSite);
    const inline = fakeContext();
    await feed.definition.setup(options, ctx.config).buildEnd!(inline.ctx, bigSite(ctx.config, AHEAD_LIMIT + 10));
    expect(threaded.emitted).toEqual(inline.emitted);
  });

  it('starts no worker for a few items, a site state it has cached, or the preview', async () => {
    const options = feedSchema.parse({});
    const { ctx } = fakeContext();
    expect(await serializeAhead(ctx, bigSite(ctx.config, 20), options)).toBeUndefined();
    expect(await serializeAhead({ ...ctx, mode: 'dev' }, bigSite(ctx.config, 70), options)).toBeUndefined();
    const cache = new FileCache(mkdtempSync(path.join(os.tmpdir(), 'solarpress-feed-ahead-')));
    const first = fakeContext(cache);
    cache.startBuild();
    await feed.definition.setup(options, first.ctx.config).buildEnd!(first.ctx, bigSite(first.ctx.config, 70));
    await cache.flush();
    // The same state: its feeds come from the cache. One item changed: it alone is serialized, at buildEnd.
    expect(await serializeAhead(fakeContext(cache).ctx, bigSite(first.ctx.config, 70), options)).toBeUndefined();
    const edited = bigSite(first.ctx.config, 70);
    edited.posts[0]!.contentHash = 'edited';
    expect(await serializeAhead(fakeContext(cache).ctx, edited, options)).toBeUndefined();
  });
});
