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
import { FEED_VERSION } from './write.ts';

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
});
