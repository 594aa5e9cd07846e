/**
 * `solarpress build` with nothing changed since the last build ends early (src/build-inputs.ts):
 * only when the output it would write is the one in place, and saying the same as a build would.
 * Every case builds with the real CLI, in its own site and cache.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, removeSite, runCliAsync, snapshotDir, tempSite, writeFiles } from './support/site.ts';

const EARLY = /built \d+ pages, \d+ images, \d+ files, .* in [\d.]+ s \(nothing changed since the last build: no page read, rendered or laid out\).* → \S+ \(unchanged\)/;
const FULL = /built \d+ pages, .* \(\d+ pages rendered, \d+ from the cache; \d+ laid out\)/;
/** What src/cache/stamps.js waits for before a file's stat tells its bytes (SETTLE_NS), and a little. */
const SETTLE_MS = 3500;

const sites = new Map<string, string>();
const FILES: Record<string, Record<string, string>> = {
  plain: {},
  warns: { 'content/articles/hello.md': '---\ntitle: Hello\ndate: 2025-01-02\ncolour: blue\n---\n\nHello.\n' },
  future: { 'content/articles/soon.md': `---\ntitle: Soon\ndate: ${new Date(Date.now() + 120_000).toISOString()}\n---\n\nSoon.\n` },
  env: {
    'site.config.ts':
      "export default { title: process.env.FIXTURE_TITLE ?? 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' } };\n",
  },
  plugin: {
    'site.config.ts': `import { definePlugin } from ${JSON.stringify(path.join(PROJECT_ROOT, 'src/define-plugin.ts'))};
import * as z from 'zod';
const stamp = definePlugin({ name: 'stamp', configKey: 'stamp', schema: z.object({}), setup: () => ({ version: '1', buildEnd: (ctx) => ctx.emit('stamp.txt', 'made by a plugin') }) });
export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, plugins: [stamp()] };
`,
  },
};
for (const name of ['content', 'added', 'static', 'theme', 'flags', 'dist', 'removed', 'record', 'bodies']) FILES[name] = { 'static/robots.txt': 'User-agent: *\n' };
// A feed long enough that brotli 5 (edit effort) and 11 (release) write different bytes.
FILES.release = { 'content/articles/log.md': `---\ntitle: The log\ndate: 2021-05-01\n---\n\n${Array.from({ length: 300 }, (_, i) => `Day ${i}: the panel gave ${(i * 37) % 251} Wh, the battery held ${(i * 13) % 97} %.`).join('\n\n')}\n` };
FILES.flags['content/articles/draft.md'] = '---\ntitle: Draft\ndate: 2025-03-01\ndraft: true\n---\n\nNot yet.\n';

const build = (name: string, args: string[] = [], env: Record<string, string> = {}) => runCliAsync(sites.get(name)!, ['build', ...args], env);
const dist = (name: string) => snapshotDir(path.join(sites.get(name)!, 'dist'));

beforeAll(async () => {
  for (const [name, files] of Object.entries(FILES)) sites.set(name, tempSite(files));
  // A file changed within the last few seconds may not show a second change in its stat: a build records nothing then.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // The build that records its inputs.
  await Promise.all([...sites.keys()].map(async (name) => expect((await build(name)).stderr).toMatch(FULL)));
}, 120_000);
afterAll(() => sites.forEach(removeSite));

describe('a build with nothing changed since the last one', () => {
  it('ends early, says what the output holds, and leaves it as it was', async () => {
    const root = sites.get('plain')!;
    const before = dist('plain');
    const inode = statSync(path.join(root, 'dist/index.html')).ino;
    const again = await build('plain');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(EARLY);
    expect(dist('plain')).toEqual(before);
    expect(statSync(path.join(root, 'dist/index.html')).ino).toBe(inode);
    // The same figures as the build that wrote the output.
    const figures = (text: string) => /built (\d+ pages, \d+ images, \d+ files, [^ ]+ [A-Za-z]+) in/.exec(text)?.[1];
    rmSync(path.join(root, '.solarpress-cache/inputs'), { recursive: true });
    const counted = await build('plain');
    expect(counted.stderr).toMatch(FULL);
    expect(figures(again.stderr)).toBe(figures(counted.stderr));
    expect((await build('plain', ['--quiet'])).stderr).toBe('');
  });

  it('says what it left out (a page dated later)', async () => {
    const early = await build('future');
    expect(early.stderr).toMatch(EARLY);
    expect(early.stderr).toContain('1 future-dated page left out (--future to include)');
    expect(readdirSync(path.join(sites.get('future')!, 'dist'))).not.toContain('soon');
  });

  it("repeats the last build's warnings", async () => {
    const again = await build('warns');
    expect(again.stderr).toMatch(EARLY);
    expect(again.stderr).toContain('hello.md:4: unknown front-matter key "colour"');
  });

});

describe('a build builds in full', () => {
  it('when a page is edited, even to the same size, or a page is added', async () => {
    const root = sites.get('content')!;
    const file = path.join(root, 'content/articles/hello.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello', 'Howdy'));
    const edited = await build('content');
    expect(edited.stderr).toMatch(FULL);
    expect(readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8')).toContain('Howdy');

    writeFiles(sites.get('added')!, { 'content/articles/third.md': '---\ntitle: Third\ndate: 2025-03-01\n---\n\nThree.\n' });
    expect((await build('added')).stderr).toMatch(FULL);
    expect(readdirSync(path.join(sites.get('added')!, 'dist'))).toContain('third');
  });

  it('when a static file or the theme changes', async () => {
    writeFileSync(path.join(sites.get('static')!, 'static/robots.txt'), 'User-agent: x\n');
    expect((await build('static')).stderr).toMatch(FULL);
    expect(readFileSync(path.join(sites.get('static')!, 'dist/robots.txt'), 'utf8')).toBe('User-agent: x\n');

    appendFileSync(path.join(sites.get('theme')!, 'theme/assets/style.css'), '\nmain { color: #123; }\n');
    expect((await build('theme')).stderr).toMatch(FULL);
    const css = readdirSync(path.join(sites.get('theme')!, 'dist/assets')).find((name) => name.endsWith('.css'))!;
    expect(readFileSync(path.join(sites.get('theme')!, 'dist/assets', css), 'utf8')).toContain('#123');
  });

  it('when asked for something else (--drafts, --future, --out), each way keeping a record of its own', async () => {
    const root = sites.get('flags')!;
    expect((await build('flags', ['--drafts'])).stderr).toMatch(FULL);
    expect((await build('flags', ['--drafts'])).stderr).toMatch(EARLY);
    // The output folder holds the drafts build now: the plain build writes its own again.
    expect((await build('flags')).stderr).toMatch(FULL);
    expect((await build('flags', ['--future'])).stderr).toMatch(FULL);
    const out = await build('flags', ['--out', 'elsewhere']);
    expect(out.stderr).toMatch(FULL);
    expect(out.stderr).toContain('→ elsewhere');
    expect((await build('flags', ['--out', 'elsewhere'])).stderr).toMatch(EARLY);
    expect(snapshotDir(path.join(root, 'elsewhere'))).toEqual(dist('flags'));
  });

  it('when a release (--release) follows a plain build; a plain build then takes the release as its own', async () => {
    const root = sites.get('release')!;
    expect((await build('release')).stderr).toMatch(EARLY);
    const plainFeed = readFileSync(path.join(root, 'dist/feed.xml.br'));
    const release = await build('release', ['--release']);
    expect(release.stderr).toMatch(FULL);
    // The feeds change on every edit: at edit effort in a plain build, at release effort now.
    expect(release.stderr).toMatch(/precompress: .* that change on every edit at release effort \(zopfli, brotli 11\)/);
    expect(readFileSync(path.join(root, 'dist/feed.xml.br')).equals(plainFeed)).toBe(false);
    expect((await build('release', ['--release'])).stderr).toMatch(EARLY);
    const plain = await build('release');
    expect(plain.stderr).toMatch(/\(unchanged\)/);
    expect(plain.stderr).not.toMatch(/at edit effort:/);
    expect(readFileSync(path.join(root, 'dist/feed.xml.br')).equals(plainFeed)).toBe(false);
    const watching = await build('release', ['--release', '--watch']);
    expect(watching.code).toBe(2);
    expect(watching.stderr).toMatch(/--release is for one build, not --watch/);
  });

  it('when the config reads another environment', async () => {
    const root = sites.get('env')!;
    expect((await build('env')).stderr).toMatch(EARLY);
    expect((await build('env', [], { FIXTURE_TITLE: 'Renamed' })).stderr).toMatch(FULL);
    expect(readFileSync(path.join(root, 'dist/feed.xml'), 'utf8')).toContain('<title>Renamed</title>');
    expect((await build('env')).stderr).toMatch(FULL);
    expect(readFileSync(path.join(root, 'dist/feed.xml'), 'utf8')).toContain('<title>Fixture</title>');
  });

  it("when the site has plugins of its own (their hooks may read anything)", async () => {
    const again = await build('plugin');
    expect(again.stderr).toMatch(FULL);
    expect(readFileSync(path.join(sites.get('plugin')!, 'dist/stamp.txt'), 'utf8')).toBe('made by a plugin');
  });

  it('when the output was edited, truncated or removed, and repairs it', async () => {
    const root = sites.get('dist')!;
    const before = dist('dist');
    const page = path.join(root, 'dist/hello/index.html');
    const text = readFileSync(page, 'utf8');
    writeFileSync(page, text.replace('Hello', 'HELLO')); // the same size
    expect((await build('dist')).stderr).toMatch(FULL);
    expect(dist('dist')).toEqual(before);
    truncateSync(page, 10);
    expect((await build('dist')).stderr).toMatch(FULL);
    expect(dist('dist')).toEqual(before);
    writeFileSync(path.join(root, 'dist/stray.txt'), 'not ours');
    expect((await build('dist')).stderr).toMatch(FULL);
    expect(dist('dist')).toEqual(before);

    const removed = sites.get('removed')!;
    const all = dist('removed');
    rmSync(path.join(removed, 'dist'), { recursive: true });
    expect((await build('removed')).stderr).toMatch(FULL);
    expect(dist('removed')).toEqual(all);
  });

  it('when its record is damaged, with a warning', async () => {
    const root = sites.get('record')!;
    const before = dist('record');
    const store = path.join(root, '.solarpress-cache/inputs/v1');
    const [entry] = readdirSync(store);
    truncateSync(path.join(store, entry!), 20);
    const run = await build('record');
    expect(run.stderr).toContain('damaged cache entry');
    expect(run.stderr).toMatch(FULL);
    expect(dist('record')).toEqual(before);
  });
});

it('a damaged body cache does not stop an early end (the output is in place); the next build that reads it makes it again', async () => {
  const root = sites.get('bodies')!;
  const before = dist('bodies');
  const store = path.join(root, '.solarpress-cache/bodies');
  const pack = readdirSync(store, { recursive: true }).map(String).find((name) => /pack\./.test(name))!;
  truncateSync(path.join(store, pack), 100);
  const early = await build('bodies');
  expect(early.stderr).toMatch(EARLY);
  expect(dist('bodies')).toEqual(before);
  writeFileSync(path.join(root, 'static/robots.txt'), 'User-agent: y\n');
  const full = await build('bodies');
  expect(full.stderr).toContain('damaged cache entry');
  expect(full.stderr).toMatch(FULL);
});

// Last: its page falls due a while after the site is made (the early end is checked first, in the first describe).
it('builds in full once a held-back page is due', async () => {
  const root = sites.get('future')!;
  const due = Date.parse(/date: (.*)/.exec(FILES.future['content/articles/soon.md'])![1]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now() + 100)));
  const published = await build('future');
  expect(published.stderr).toMatch(FULL);
  expect(published.stderr).not.toContain('future-dated');
  expect(readdirSync(path.join(root, 'dist'))).toContain('soon');
}, 180_000);
