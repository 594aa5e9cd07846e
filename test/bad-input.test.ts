/**
 * Bad input: every error names the file (and line where known), says what to do, exits 1,
 * and leaves the previous output exactly as it was.
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSite, runCli, snapshotDir, tempSite, writeFiles } from './support/site.ts';

let root: string;
let good: Map<string, Buffer>;
const original = new Map<string, string>();

beforeAll(() => {
  root = tempSite();
  const run = runCli(root, ['build']);
  expect(run.code).toBe(0);
  good = snapshotDir(path.join(root, 'dist'));
});
afterAll(() => removeSite(root));

/** Break the site, build, restore the files, and check the output folder is untouched. */
function buildBroken(files: Record<string, string | Buffer | null>, prepare?: () => void) {
  const saved: Record<string, string | null> = {};
  for (const file of Object.keys(files)) saved[file] = original.get(file) ?? null;
  writeFiles(root, files);
  prepare?.();
  const run = runCli(root, ['build']);
  writeFiles(root, Object.fromEntries(Object.keys(files).map((f) => [f, null])));
  const after = snapshotDir(path.join(root, 'dist'));
  expect([...after.keys()]).toEqual([...good.keys()]);
  for (const [file, bytes] of good) expect(after.get(file)!.equals(bytes), `${file} changed`).toBe(true);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/nothing was written/);
  // The output folder the build had started beside dist/ is gone too.
  expect(readdirSync(root).filter((name) => name.includes('staging'))).toEqual([]);
  return run.stderr;
}

const md = (front: string, body = 'Text.\n') => `---\n${front}\n---\n\n${body}`;

describe('bad content', () => {
  it('invalid YAML: names file and line', () => {
    const err = buildBroken({ 'content/articles/bad.md': md('title: ok\ntags: [a, b\ndate: 2020-01-01') });
    expect(err).toMatch(/content\/articles\/bad\.md:\d+(:\d+)?: invalid YAML in front matter/);
    expect(err).toMatch(/fix the YAML/);
  });

  it('missing title', () => {
    const err = buildBroken({ 'content/articles/untitled.md': md('date: 2020-01-01') });
    expect(err).toMatch(/content\/articles\/untitled\.md:1: missing title/);
  });

  it('invalid date: names the line of the key', () => {
    const err = buildBroken({ 'content/articles/when.md': md('title: When\ndate: 2020-13-45') });
    expect(err).toMatch(/content\/articles\/when\.md:3: invalid date "2020-13-45"/);
    expect(err).toMatch(/YYYY-MM-DD/);
  });

  it('duplicate permalinks name both files', () => {
    const err = buildBroken({ 'content/guides/hello.md': md('title: Another hello') });
    expect(err).toMatch(/content\/guides\/hello\.md: permalink \/hello\/ is also used by articles\/hello\.md/);
    expect(err).toMatch(/slug/);
  });

  it('unknown layout', () => {
    const err = buildBroken({ 'content/articles/odd.md': md('title: Odd\nlayout: gallery') });
    expect(err).toMatch(/content\/articles\/odd\.md:3: unknown layout "gallery"/);
    expect(err).toMatch(/use one of the theme's layouts: article/);
  });

  it('broken internal link: file and line of the link', () => {
    const err = buildBroken({ 'content/articles/links.md': md('title: Links', 'Intro.\n\nSee [gone](gone.md) please.\n') });
    expect(err).toMatch(/content\/articles\/links\.md:7:5: broken link: gone\.md does not exist/);
  });

  it('missing image: file and line of the image', () => {
    const err = buildBroken({ 'content/articles/pics.md': md('title: Pics', '![a panel](images/panel.jpg)\n') });
    expect(err).toMatch(/content\/articles\/pics\.md:5:1: missing image: images\/panel\.jpg/);
    expect(err).toMatch(/put the file at content\/articles\/images\/panel\.jpg/);
  });

  it('non-UTF-8 file: names the line of the first bad byte', () => {
    const latin1 = Buffer.concat([Buffer.from('---\ntitle: Caf'), Buffer.from([0xe9]), Buffer.from('\n---\n\nText.\n')]);
    const err = buildBroken({ 'content/articles/latin.md': latin1 });
    expect(err).toMatch(/content\/articles\/latin\.md:2: is not valid UTF-8/);
    expect(err).toMatch(/save the file as UTF-8/);
  });

  it('empty file', () => {
    const err = buildBroken({ 'content/articles/empty.md': '' });
    expect(err).toMatch(/content\/articles\/empty\.md: is empty/);
  });

  it('a symlink pointing outside content/', () => {
    const outside = path.join(root, 'secret.md');
    writeFileSync(outside, md('title: Secret'));
    const err = buildBroken({ 'content/articles/link.md': null }, () => symlinkSync(outside, path.join(root, 'content/articles/link.md')));
    expect(err).toMatch(/content\/articles\/link\.md: symbolic link points outside content\//);
  });

  it('a symlink back to a folder it lies in (one link, or two across folders)', () => {
    const content = path.join(root, 'content');
    const err = buildBroken({ 'content/articles/loop': null, 'content/x': null, 'content/y': null }, () => {
      symlinkSync('.', path.join(content, 'articles/loop'));
      mkdirSync(path.join(content, 'x'));
      mkdirSync(path.join(content, 'y'));
      symlinkSync('../y', path.join(content, 'x/y'));
      symlinkSync('../x', path.join(content, 'y/x'));
    });
    expect(err).not.toMatch(/internal error/);
    expect(err).toMatch(/content\/articles\/loop: symbolic link points back at a folder it lies in/);
    expect(err).toMatch(/content\/x\/y\/x: symbolic link points back at a folder it lies in/);
  });

  it('a file name that makes an address links cannot reach (?, #, %, a control character)', () => {
    for (const name of ['what?', 'c#', '100%', 'tab\tname']) {
      const err = buildBroken({ [`content/articles/${name}.md`]: md('title: Odd\ndate: 2020-01-01') });
      expect(err).toContain(`content/articles/${name}.md: its address ${JSON.stringify(`/${name}/`)} holds`);
      expect(err).toMatch(/rename the file .*or set `slug:`/);
    }
  });

  it('a page, an alias or a static file under the path the server answers from elsewhere (/api/, the board\'s statistics)', () => {
    const page = buildBroken({ 'content/pages/api.md': md('title: Our API\nslug: api') });
    expect(page).toMatch(/content\/pages\/api\.md: would be published at \/api\/, but the server answers everything under \/api\/ from outside the site/);
    expect(page).toMatch(/give the page another `slug:`/);
    const alias = buildBroken({ 'content/articles/moved.md': md('title: Moved\ndate: 2020-01-01\naliases: [/api/old/]') });
    expect(alias).toMatch(/content\/articles\/moved\.md: would be published at \/api\/old\//);
    expect(alias).toMatch(/remove \/api\/old\/ from its `aliases:`/);
    const file = buildBroken({ 'static/api/stats.json': '{"battery": 100}\n' });
    expect(file).toMatch(/static\/api\/stats\.json: would be published at \/api\/stats\.json/);
    expect(file).toMatch(/move it out of static\/api\//);
    expect(`${page}${alias}${file}`).not.toMatch(/internal error/);
  });

  it("a symlink in the theme's assets to a file outside them: never published", () => {
    const outside = path.join(root, 'secret.txt');
    writeFileSync(outside, 'not for the web\n');
    const err = buildBroken({ 'theme/assets/leak.txt': null }, () => symlinkSync(outside, path.join(root, 'theme/assets/leak.txt')));
    expect(err).toMatch(/theme\/assets\/leak\.txt: is a symbolic link to .*secret\.txt, outside the theme's assets folder: it is not published/);
    expect(err).not.toMatch(/internal error/);
  });

  it('a file in no known folder', () => {
    const err = buildBroken({ 'content/misc/note.md': md('title: Note') });
    expect(err).toMatch(/content\/misc\/note\.md: is not in a content folder/);
    expect(err).toMatch(/content\/articles\//);
  });

  it('reports every broken file in one go', () => {
    const err = buildBroken({ 'content/articles/one.md': md('date: 2020-01-01'), 'content/articles/two.md': '' });
    expect(err).toMatch(/one\.md:1: missing title/);
    expect(err).toMatch(/two\.md: is empty/);
    expect(err).toMatch(/2 problems/);
  });
});

describe('bad configuration', () => {
  const config = (body: string) => ({
    'site.config.ts': `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'T' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, ${body} };\n`,
  });
  const restore = () => writeFiles(root, { 'site.config.ts': `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' } };\n` });

  it('an unknown key is named', () => {
    writeFiles(root, config("titel: 'typo'"));
    const run = runCli(root, ['build']);
    restore();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/site\.config\.ts: unknown key "titel"/);
  });

  it('a nested unknown key and a wrong type are named by their path', () => {
    writeFiles(root, config("dev: { port: 'eighty', colour: true }"));
    const run = runCli(root, ['build']);
    restore();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown key "dev\.colour"/);
    expect(run.stderr).toMatch(/"dev\.port": .*number/i);
  });

  it('a config that exports no object, or throws something other than an Error: named, no internal error', () => {
    for (const [source, message] of [
      ['export const title = 1;\n', /site\.config\.ts: must export default defineConfig/],
      ['export default null;\n', /site\.config\.ts: must export default defineConfig/],
      ['', /site\.config\.ts: must export default defineConfig/],
      ["throw 'SITE_URL is not set';\nexport default {};\n", /site\.config\.ts: cannot load: SITE_URL is not set\n.*fix the error in the config file/],
    ] as const) {
      writeFiles(root, { 'site.config.ts': source });
      const run = runCli(root, ['build']);
      restore();
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(1);
    }
    expect([...snapshotDir(path.join(root, 'dist')).keys()]).toEqual([...good.keys()]);
  });

  it('a config that does not compile: file, line and column, and the output left alone', () => {
    writeFiles(root, { 'site.config.ts': "export default {\n  title: 'F',,\n};\n" });
    const run = runCli(root, ['build']);
    restore();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/site\.config\.ts:2:14: .*\n.*fix the TypeScript here/);
    expect(run.stderr).toMatch(/nothing was written/);
    expect([...snapshotDir(path.join(root, 'dist')).keys()]).toEqual([...good.keys()]);
  });

  it('a theme that does not compile: its file and line', () => {
    const theme = path.join(root, 'broken-theme');
    writeFiles(theme, { 'index.ts': "import { helper } from './helper.ts';\nexport default { layouts: helper };\n", 'helper.ts': 'export const helper = {\n  article: () => (\n};\n' });
    writeFiles(root, config(`theme: ${JSON.stringify(theme)}`));
    const run = runCli(root, ['build']);
    restore();
    writeFiles(root, { 'broken-theme': null });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/broken-theme\/helper\.ts:3:\d+: /);
  });

  it("a theme's script that does not parse (minified ahead while pages render): its file and line, and what to do", () => {
    const theme = path.join(root, 'asset-theme');
    const layouts = readFileSync(new URL('../bench/minimal-theme/index.ts', import.meta.url), 'utf8');
    writeFiles(theme, { 'index.ts': layouts, 'assets/site.js': 'var ok = 1;\nvar = ;\n' });
    writeFiles(root, config(`theme: ${JSON.stringify(theme)}`));
    const run = runCli(root, ['build']);
    restore();
    writeFiles(root, { 'asset-theme': null });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/asset-theme\/assets\/site\.js:2\b.*\n.*fix the theme asset; it is minified for old browsers/);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.stderr).toMatch(/nothing was written/);
    expect([...snapshotDir(path.join(root, 'dist')).keys()]).toEqual([...good.keys()]);
  });

  it("a theme's CSS and JS over budgets.assetsKB: what they weigh, the budget and what to do; the output left alone", () => {
    writeFiles(root, config('budgets: { assetsKB: 0.01 }'));
    const run = runCli(root, ['build']);
    restore();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/theme\/assets\b.*the theme's CSS and JS weigh \d+ B, over the budget of 0\.01 KB/);
    expect(run.stderr).toMatch(/make the theme smaller, or raise budgets\.assetsKB in site\.config\.ts/);
    expect(run.stderr).toMatch(/nothing was written/);
    expect([...snapshotDir(path.join(root, 'dist')).keys()]).toEqual([...good.keys()]);
  });

  it('a bad base URL', () => {
    writeFiles(root, { 'site.config.ts': "export default { title: 'F', url: 'example.org', author: { name: 'T' }, license: { name: 'x', url: 'https://x.org' } };\n" });
    const run = runCli(root, ['build']);
    restore();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"url"/);
  });
});
