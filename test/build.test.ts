import { readdirSync, readFileSync, existsSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { runCli, snapshotDir, writeFiles } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const quiet = () => createLogger({ quiet: true });
const site = tempSites();

describe('building a site', () => {
  it('renders Markdown with GFM, footnotes, definition lists, typographic quotes and resolved links', async () => {
    const root = site();
    await build({ root, log: quiet() });
    const html = readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8');
    expect(html).toContain('<h1 id="a-quoted-heading--with-dashes">A “quoted” heading — with dashes');
    expect(html).toContain('<a class="anchor" aria-hidden="true" tabindex="-1" href="#a-quoted-heading--with-dashes">#</a>');
    expect(html).toContain('<a href="/second/#part">the other one</a>');
    expect(html).toContain('<a href="/about/">about</a>');
    expect(html).toContain('<table>');
    expect(html).toMatch(/<section data-footnotes class="footnotes">/);
    // Code stays verbatim (only escaped), with its language class and highlighting's token spans; no typographic quotes inside.
    expect(html).toContain('<pre><code class="language-lua"><span class="hljs-comment">-- verbatim "quotes" &#x26; &#x3C;tags></span>\nmodules_enabled = { <span class="hljs-string">"roster"</span> }\n</code></pre>');
    const second = readFileSync(path.join(root, 'dist/second/index.html'), 'utf8');
    expect(second).toContain('<del>struck</del>');
    expect(second).toContain('<a href="https://example.org">https://example.org</a>');
    const part = readFileSync(path.join(root, 'dist/zine/one/intro/index.html'), 'utf8');
    // A definition list's term gets an id, like a heading (a glossary's entries are linked to), but no anchor link.
    expect(part).toMatch(/<dl>\s*<dt id="term">Term<\/dt>\s*<dd>Its definition.\s*<\/dd>\s*<\/dl>/);
  });

  it('writes pretty permalinks and fingerprinted assets', async () => {
    const root = site();
    const result = await build({ root, log: quiet() });
    const files = [...snapshotDir(path.join(root, 'dist')).keys()];
    expect(files).toEqual(
      expect.arrayContaining(['index.html', 'hello/index.html', 'second/index.html', 'about/index.html', 'zine/one/index.html', 'zine/one/intro/index.html']),
    );
    const css = files.find((f) => f.startsWith('assets/'))!;
    expect(css).toMatch(/^assets\/style\.[0-9a-f]{10}\.css$/);
    expect(readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8')).toContain(`href="/${css}"`);
    expect(result.site.zines[0].parts.map((p) => p.url)).toEqual(['/zine/one/intro/']);
  });

  it('is deterministic: a cold build and a cached build are byte-identical to another cold build', async () => {
    const a = site();
    const b = site();
    await build({ root: a, log: quiet() });
    const first = snapshotDir(path.join(a, 'dist'));
    await build({ root: a, log: quiet() }); // from the cache
    const cached = snapshotDir(path.join(a, 'dist'));
    await build({ root: b, log: quiet() }); // another folder, another cache
    const other = snapshotDir(path.join(b, 'dist'));
    expect([...cached.keys()]).toEqual([...first.keys()]);
    for (const [file, bytes] of first) {
      expect(cached.get(file)!.equals(bytes), file).toBe(true);
      expect(other.get(file)!.equals(bytes), file).toBe(true);
    }
  });

  it('rebuilds only what changed, and follows link targets that moved', async () => {
    const root = site();
    const cold = await build({ root, log: quiet() });
    expect(cold.stats.renderedBodies).toBe(5);
    const warm = await build({ root, log: quiet() });
    expect(warm.stats.renderedBodies).toBe(0);
    writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\ndate: 2021-03-04\n---\n\n## Part\n\nEdited.\n' });
    const edited = await build({ root, log: quiet() });
    expect(edited.stats.renderedBodies).toBe(1);
    expect(readFileSync(path.join(root, 'dist/second/index.html'), 'utf8')).toContain('Edited.');
    // A new slug for the target: the page linking to it must be rendered again.
    writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\nslug: moved\ndate: 2021-03-04\n---\n\n## Part\n' });
    const moved = await build({ root, log: quiet() });
    expect(moved.stats.renderedBodies).toBe(2);
    expect(readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8')).toContain('href="/moved/#part"');
    expect(existsSync(path.join(root, 'dist/second'))).toBe(false);
  });

  it('re-renders a page when an image it uses changes, even with the same mtime', async () => {
    const png = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/pixel.png'));
    const root = site({ 'content/articles/pic.md': '---\ntitle: Pic\n---\n\n![a pixel](images/p.png)\n', 'content/articles/images/p.png': png });
    await build({ root, log: quiet() });
    expect((await build({ root, log: quiet() })).stats.renderedBodies).toBe(0);
    const file = path.join(root, 'content/articles/images/p.png');
    const changed = Buffer.concat([png, Buffer.from('trailing bytes')]);
    writeFiles(root, { 'content/articles/images/p.png': changed });
    utimesSync(file, new Date(0), new Date(0));
    expect((await build({ root, log: quiet() })).stats.renderedBodies).toBe(1);
  });

  it('keeps in its caches what the last build used: the body packs, and page files until unused for an hour', async () => {
    const root = site();
    await build({ root, log: quiet() });
    // The store of laid-out pages: one folder, of its current version.
    const [version] = readdirSync(path.join(root, '.solarpress-cache/pages'));
    const pagesDir = path.join(root, '.solarpress-cache/pages', version);
    const before = readdirSync(pagesDir);
    expect(before.length).toBeGreaterThan(0);
    const [bodies] = readdirSync(path.join(root, '.solarpress-cache/bodies'));
    // The bodies' records, and their trees in packs by key (src/render/body-store.ts).
    const packs = readdirSync(path.join(root, '.solarpress-cache/bodies', bodies));
    expect(packs.filter((name) => /^pack\.[0-9a-f]{16}$/.test(name))).toHaveLength(1);
    expect(packs.filter((name) => !/^(pack|trees-\d+)\.[0-9a-f]{16}$/.test(name))).toEqual([]);

    // A new title changes the metadata every page may show: every page is laid out again.
    writeFiles(root, { 'content/articles/second.md': readFileSync(path.join(root, 'content/articles/second.md'), 'utf8').replace(/^title: .*$/m, 'title: Retitled') });
    await build({ root, log: quiet() });
    const second = readdirSync(pagesDir);
    const fresh = second.filter((n) => !before.includes(n));
    expect(fresh.length).toBe(before.length);
    expect(second.length).toBe(2 * before.length); // the first state's files are not an hour old yet: kept

    // An hour later the first state's files go; dist/ keeps its files (copies), and a rebuild is unchanged.
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of before) utimesSync(path.join(pagesDir, name), old, old);
    const dist = snapshotDir(path.join(root, 'dist'));
    const third = await build({ root, log: quiet() });
    expect(third.stats.written).toBe('unchanged');
    expect(readdirSync(pagesDir).sort()).toEqual(fresh.sort());
    expect(snapshotDir(path.join(root, 'dist'))).toEqual(dist);
  });

  it('makes the output folders after the pages are rendered, not meanwhile (their mkdirs held up a module a render imports)', async () => {
    const probe = `import { readdirSync } from 'node:fs';
import { definePlugin, fileApi, z } from 'solarpress/plugin';
const stagingProbe = definePlugin({
  name: 'staging-probe',
  schema: z.object({}),
  setup: () => ({
    version: '1',
    rehypePlugins: [() => (_tree, file) => {
      const seen = readdirSync(fileApi(file).ctx.root).filter((name) => name.startsWith('.dist.staging-'));
      ((globalThis as Record<string, unknown>).stagingSeenWhileRendering as string[][]).push(seen);
    }],
  }),
});
export default {
  title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  precompress: false,
  plugins: [stagingProbe({})],
};
`;
    const root = site({ 'site.config.ts': probe });
    const seen: string[][] = [];
    (globalThis as Record<string, unknown>).stagingSeenWhileRendering = seen;
    const result = await build({ root, log: quiet(), textWorkers: 0 });
    expect(result.stats.renderedBodies).toBeGreaterThan(0);
    expect(seen.length).toBe(result.stats.renderedBodies);
    expect(seen.flat()).toEqual([]);
    expect(readdirSync(path.join(root, 'dist')).length).toBeGreaterThan(0);
  });

  it('leaves drafts out of the build unless asked', async () => {
    const root = site({ 'content/articles/wip.md': '---\ntitle: Work in progress\ndraft: true\n---\n\nSoon.\n' });
    expect((await build({ root, log: quiet() })).stats.draftsLeftOut).toBe(1);
    expect(existsSync(path.join(root, 'dist/wip/index.html'))).toBe(false);
    const cli = runCli(root, ['build']);
    expect(cli.stderr + cli.stdout).toContain('1 draft left out (--drafts to include)');
    expect((await build({ root, drafts: true, log: quiet() })).stats.draftsLeftOut).toBe(0);
    expect(existsSync(path.join(root, 'dist/wip/index.html'))).toBe(true);
  });
});

describe('the CLI', () => {
  it('builds with a summary and exit 0', () => {
    const root = site();
    const run = runCli(root, ['build']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/built \d+ pages, \d+ images, \d+ files, .* in [\d.]+ s/);
    expect(run.stderr).not.toMatch(/\x1b\[/); // no colours off a TTY
  });

  it('answers --help for every command and exits 2 on usage errors', () => {
    const root = site();
    for (const command of ['build', 'dev', 'new', 'check', 'deploy']) {
      const run = runCli(root, [command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toMatch(new RegExp(`Usage: solarpress ${command}`));
    }
    expect(runCli(root, ['--help']).code).toBe(0);
    expect(runCli(root, []).code).toBe(2);
    expect(runCli(root, ['frobnicate']).code).toBe(2);
    const bad = runCli(root, ['build', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--nope/);
  });

  it('scaffolds a new article as a draft that previews and builds once published', () => {
    const root = site();
    const run = runCli(root, ['new', 'article', 'Solar panels in winter', '--date', '2026-11-23']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('content/articles/solar-panels-in-winter.md');
    const text = readFileSync(path.join(root, run.stdout.trim()), 'utf8');
    expect(text).toContain('title: "Solar panels in winter"');
    expect(text).toContain('draft: true');
    expect(runCli(root, ['check', '--drafts']).code).toBe(0);
    expect(runCli(root, ['new', 'article', 'Solar panels in winter']).code).toBe(2); // exists
    expect(runCli(root, ['new', 'poem', 'x']).code).toBe(2);
  });

  it('new writes nothing the build would refuse: an address another kind of page holds, a day that does not exist', () => {
    const root = site({ 'content/pages/moved.md': '---\ntitle: Moved\naliases: [/old-name/]\n---\n\nText.\n' });
    const refused = (args: string[], message: RegExp) => {
      const run = runCli(root, ['new', ...args]);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    };
    refused(['guide', 'Hello'], /\/hello\/ is the address of content\/articles\/hello\.md already/);
    refused(['article', 'Who we are', '--slug', 'about'], /\/about\/ is the address of content\/pages\/about\.md already/);
    refused(['article', 'Old name'], /\/old-name\/ is the address of content\/pages\/moved\.md already/);
    refused(['article', 'Leap', '--date', '2021-02-29'], /--date must be a real day, YYYY-MM-DD \(got "2021-02-29"\)/);
    refused(['article', '日本語'], /the title "日本語" has no Latin letters or digits .*--slug/);
    expect(readdirSync(path.join(root, 'content/articles')).sort()).toEqual(['hello.md', 'second.md']);
    expect(existsSync(path.join(root, 'content/guides'))).toBe(false);
    expect(runCli(root, ['new', 'article', 'Leap', '--date', '2020-02-29']).code).toBe(0);
    expect(runCli(root, ['check']).code).toBe(0);
  });
});

describe('Markdown in worker threads', () => {
  const many = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`content/articles/n${i}.md`, `---\ntitle: "Note ${i}"\ndate: 2020-01-${String((i % 28) + 1).padStart(2, '0')}\n---\n\n"Quoted" -- see [next](n${(i + 1) % n}.md).\n`]),
    );

  /** The two sites' dist/ hold the same files, byte for byte. */
  const expectSameOutput = (expected: string, actual: string) => {
    const a = snapshotDir(path.join(expected, 'dist'));
    const b = snapshotDir(path.join(actual, 'dist'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, bytes] of a) expect(b.get(file)!.equals(bytes), file).toBe(true);
  };

  it('gives the same output as the main thread', async () => {
    const inline = site(many(12));
    const threaded = site(many(12));
    await build({ root: inline, log: quiet(), textWorkers: 0 });
    const result = await build({ root: threaded, log: quiet(), textWorkers: 2 });
    expect(result.stats.renderedBodies).toBe(17);
    expectSameOutput(inline, threaded);
    expect(readFileSync(path.join(threaded, 'dist/n3/index.html'), 'utf8')).toContain('<p>“Quoted” — see <a href="/n4/">next</a>.</p>');
  });

  it('gives the same output when a first build of a big site starts them before reading the content', async () => {
    // 48 Markdown files and nothing cached: the workers start as the build begins, the permalinks follow.
    const inline = site(many(48));
    const early = site(many(48));
    await build({ root: inline, log: quiet(), textWorkers: 0 });
    const result = await build({ root: early, log: quiet(), textWorkers: 1 });
    expect(result.stats.renderedBodies).toBe(53);
    expectSameOutput(inline, early);
    expect(readFileSync(path.join(early, 'dist/n47/index.html'), 'utf8')).toContain('see <a href="/n0/">next</a>');
  });

  it('reports content errors found in a worker with file and line', async () => {
    const root = site({ ...many(4), 'content/articles/n2.md': '---\ntitle: Two\n---\n\nSee [gone](gone.md).\n' });
    await expect(build({ root, log: quiet(), textWorkers: 2 })).rejects.toMatchObject({
      errors: [expect.objectContaining({ message: 'broken link: gone.md does not exist', where: expect.objectContaining({ line: 5, column: 5 }) })],
    });
  });
});

describe('headings', () => {
  it('take their ids and table-of-contents text without footnote references', async () => {
    const root = site({ 'content/articles/notes.md': '---\ntitle: Notes\n---\n\n## The Wrong Signal[^10]\n\nText.\n\n## The Wrong Signal\n\n[^10]: A note.\n' });
    const result = await build({ root, log: quiet() });
    const page = result.site.byUrl.get('/notes/')!;
    expect(page.headings!.map((h) => [h.id, h.text])).toEqual([
      ['the-wrong-signal', 'The Wrong Signal'],
      ['the-wrong-signal-1', 'The Wrong Signal'],
    ]);
  });
});
