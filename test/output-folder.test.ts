/**
 * The output folder is replaced whole by every build: it may only be a folder solarpress wrote
 * (or a missing or empty one). Every refusal goes through the real CLI: exit 1, a message naming
 * the folder, and nothing deleted. Each test builds in its own temp site, with its own cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, removeSite, runCliAsync, snapshotDir, tempSite, writeFiles } from './support/site.ts';
import { SITE_GITIGNORE } from '../src/init.ts';

const FIXTURE_CONFIG = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/site.config.ts'), 'utf8');
/** The fixture's config plus extra keys; precompression off unless a test wants it (it is slow). */
const config = (extra = '') => FIXTURE_CONFIG.replace(/\};\s*$/, `  precompress: false,\n${extra}};\n`);

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) removeSite(dir);
});

/** A temp site holding what a real project holds: .git/, node_modules/, notes beside the config. */
function project(files: Record<string, string | null> = {}): string {
  const root = tempSite({
    'site.config.ts': config(),
    '.git/HEAD': 'ref: refs/heads/main\n',
    'node_modules/left-pad/index.js': 'module.exports = 1;\n',
    'notes.txt': 'my notes\n',
    'static/robots.txt': 'User-agent: *\n',
    ...files,
  });
  cleanup.push(root);
  return root;
}

function outsideFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'solarpress-out-'));
  cleanup.push(dir);
  return dir;
}

/** Every file of the tree with its bytes (dist/ and the cache left out: a refused build must not touch the rest). */
function tree(root: string): Map<string, Buffer> {
  const all = snapshotDir(root);
  for (const file of all.keys()) if (/^(dist|\.solarpress-cache)\//.test(file)) all.delete(file);
  return all;
}

function expectSameTree(before: Map<string, Buffer>, after: Map<string, Buffer>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes), `${file} changed`).toBe(true);
}

/** Build with these arguments, expect a refusal naming `named`, and that no file of the project changed. */
async function expectRefused(root: string, args: string[], named: string, reason: RegExp): Promise<string> {
  const before = tree(root);
  const run = await runCliAsync(root, ['build', ...args]);
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toContain(`the output folder "${named}"`);
  expect(run.stderr).toMatch(reason);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  expectSameTree(before, tree(root));
  expect(readdirSync(root).filter((name) => /\.(staging|previous)-/.test(name))).toEqual([]);
  return run.stderr;
}

describe('build --out refuses folders that are not its own', () => {
  it('the content folder: every Markdown file stays', async () => {
    const root = project();
    await expectRefused(root, ['--out', 'content'], 'content', /is the content folder/);
    expect(existsSync(path.join(root, 'content/articles/hello.md'))).toBe(true);
  });

  it('the project folder: .git, node_modules, content, the config stay', async () => {
    const root = project();
    await expectRefused(root, ['--out', '.'], '.', /is the project folder/);
    await expectRefused(root, ['--out', root], '.', /is the project folder/);
  });

  it('an ancestor of the project folder', async () => {
    const root = project();
    const parent = path.dirname(root);
    await expectRefused(root, ['--out', '..'], parent, /holds the project folder/);
    await expectRefused(root, ['--out', '/'], '/', /holds the project folder/);
  });

  it.each([
    ['.git', /is \.git\//],
    ['node_modules', /is node_modules\//],
    ['theme', /is the theme folder/],
    ['static', /is the static folder/],
    ['static/files', /is inside the static folder/],
    ['.solarpress-cache', /is the cache folder/],
    ['content/articles', /is inside the content folder/],
    ['content/new-folder', /is inside the content folder/],
    ['theme/assets', /is inside the theme folder/],
    ['.solarpress-cache/out', /is inside the cache folder/],
  ])('%s', async (out, reason) => {
    const root = project();
    // The cache exists once a build ran: refuse it as it is then.
    mkdirSync(path.join(root, '.solarpress-cache/bodies'), { recursive: true });
    writeFileSync(path.join(root, '.solarpress-cache/bodies/pack.bin'), 'cached');
    await expectRefused(root, ['--out', out], out, reason);
    expect(readFileSync(path.join(root, '.solarpress-cache/bodies/pack.bin'), 'utf8')).toBe('cached');
  });

  it('a symlink to the content folder', async () => {
    const root = project();
    symlinkSync('content', path.join(root, 'published'));
    await expectRefused(root, ['--out', 'published'], 'published', /is the content folder/);
  });

  it('a file: it is not replaced by a folder', async () => {
    const root = project();
    await expectRefused(root, ['--out', 'notes.txt'], 'notes.txt', /is a file, not a folder/);
    expect(statSync(path.join(root, 'notes.txt')).isFile()).toBe(true);
  });

  it('a folder elsewhere holding files solarpress did not write', async () => {
    const root = project();
    const out = outsideFolder();
    writeFiles(out, { 'holiday.jpg': 'photo', 'letters/2024.txt': 'dear' });
    const stderr = await expectRefused(root, ['--out', out], out, /holds files solarpress did not write \(holiday\.jpg, letters\/2024\.txt\)/);
    expect(stderr).toMatch(/choose a new or empty folder/);
    expect(snapshotDir(out).get('letters/2024.txt')?.toString()).toBe('dear');
    expect(readdirSync(path.dirname(out)).filter((name) => name.startsWith(`.${path.basename(out)}.`))).toEqual([]);
  });

  it('outDir in site.config.ts goes through the same guard, and names the config', async () => {
    const root = project({ 'site.config.ts': config("  outDir: 'content',\n") });
    const stderr = await expectRefused(root, [], 'content', /\(outDir in site\.config\.ts\) is the content folder/);
    expect(stderr).toMatch(/^error site\.config\.ts: /);
    // `check` writes nothing, but the configuration is wrong all the same.
    const check = await runCliAsync(root, ['check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('the output folder "content"');

    writeFileSync(path.join(root, 'site.config.ts'), config("  outDir: '..',\n"));
    await expectRefused(root, [], path.dirname(root), /holds the project folder/);
  });
});

describe('the cache folder', () => {
  it('may not be, hold or lie inside the project\'s own folders: its pruning would delete their files', async () => {
    const root = project({ 'site.config.ts': config("  cacheDir: 'content',\n") });
    // A page written long ago: the `pages` store's folder would be content/pages/, pruned of what it did not write in the hour.
    const about = path.join(root, 'content/pages/about.md');
    const hoursAgo = (Date.now() - 3 * 3600_000) / 1000;
    utimesSync(about, hoursAgo, hoursAgo);
    const before = tree(root);
    const run = await runCliAsync(root, ['build']);
    expect(run.stderr).toMatch(/^error site\.config\.ts: the cache folder "content" \(cacheDir\) is the content folder/m);
    expect(run.stderr).toMatch(/cacheDir: '\.solarpress-cache'/);
    expect(run.code).toBe(1);
    expect(existsSync(about)).toBe(true);
    expectSameTree(before, tree(root));

    for (const [cacheDir, reason] of [
      ['theme', /is the theme folder/],
      ['static/cache', /is inside the static folder/],
      ['.', /is the project folder/],
      ['..', /holds the project folder/],
    ] as const) {
      writeFileSync(path.join(root, 'site.config.ts'), config(`  cacheDir: '${cacheDir}',\n  outDir: ${JSON.stringify(outsideFolder())},\n`));
      const refused = await runCliAsync(root, ['build']);
      expect(refused.stderr).toMatch(reason);
      expect(refused.code).toBe(1);
    }
    writeFileSync(path.join(root, 'site.config.ts'), config("  cacheDir: 'content',\n"));
    expectSameTree(before, tree(root));
  });

  it('a file by its name is named, and left alone (it may be the user\'s)', async () => {
    const root = project({ 'site.config.ts': config("  cacheDir: 'notes.txt',\n") });
    const run = await runCliAsync(root, ['build']);
    expect(run.stderr).toMatch(/the cache folder "notes\.txt" \(cacheDir\) is a file, not a folder\n.*delete it if it is a leftover/);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(1);
    expect(readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });
});

describe('build --out replaces what it may', () => {
  it('a missing folder, an empty one, and its own earlier output', async () => {
    const root = project();
    const empty = outsideFolder();
    expect((await runCliAsync(root, ['build', '--out', empty])).code).toBe(0);
    expect(existsSync(path.join(empty, 'hello/index.html'))).toBe(true);
    expect(readFileSync(path.join(empty, '.solarpress-output'), 'utf8')).toMatch(/solarpress build/);

    // Its own output, rebuilt with a change: replaced, the marker kept.
    writeFiles(root, { 'content/articles/hello.md': readFileSync(path.join(root, 'content/articles/hello.md'), 'utf8') + '\nA new line.\n' });
    const again = await runCliAsync(root, ['build', '--out', empty]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(empty, 'hello/index.html'), 'utf8')).toContain('A new line.');
    expect(existsSync(path.join(empty, '.solarpress-output'))).toBe(true);

    // The default dist/, missing at first.
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    expect(existsSync(path.join(root, 'dist/.solarpress-output'))).toBe(true);
  });

  it('a dist/ built before the marker existed, while the cache remembers it', async () => {
    const root = project();
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    const dist = path.join(root, 'dist');
    // What the previous version left: the same folder without the marker.
    rmSync(path.join(dist, '.solarpress-output'));

    // A file the cache's manifest does not list is someone else's: refused.
    writeFileSync(path.join(dist, 'mine.txt'), 'keep me');
    await expectRefused(root, [], 'dist', /holds files solarpress did not write \(mine\.txt\)/);
    expect(readFileSync(path.join(dist, 'mine.txt'), 'utf8')).toBe('keep me');
    rmSync(path.join(dist, 'mine.txt'));

    // Only listed files: it is solarpress's. Even with nothing to rebuild, the marker is added.
    const run = await runCliAsync(root, ['build']);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(dist, '.solarpress-output'))).toBe(true);

    // The release before the cache layer kept its manifest as .solarpress-cache/output/<key>.json:
    // a dist/ it built, with only the files that manifest lists, is replaced on the first build.
    rmSync(path.join(dist, '.solarpress-output'));
    rmSync(path.join(root, '.solarpress-cache'), { recursive: true });
    const key = createHash('sha256').update(dist).digest('hex').slice(0, 16);
    const files = [...snapshotDir(dist)].map(([file, bytes]) => [file, bytes.length, 0]);
    writeFiles(root, { [`.solarpress-cache/output/${key}.json`]: JSON.stringify({ signature: 'old', files }) });
    const upgraded = await runCliAsync(root, ['build']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(existsSync(path.join(dist, '.solarpress-output'))).toBe(true);

    // Without the marker and without the cache's record, there is no proof: refused, with a hint.
    rmSync(path.join(dist, '.solarpress-output'));
    rmSync(path.join(root, '.solarpress-cache'), { recursive: true });
    const stderr = await expectRefused(root, [], 'dist', /holds files solarpress did not write/);
    expect(stderr).toMatch(/older solarpress/);
    expect(existsSync(path.join(dist, 'index.html'))).toBe(true);
  });
});

describe('leftovers of killed builds', () => {
  /** The pid of a process that has ended. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  it('are removed by the next build, unless their build still runs', async () => {
    const root = project();
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    const dead = deadPid();
    const alsoDead = deadPid();
    writeFiles(root, {
      [`.dist.staging-${dead}/index.html`]: 'half written',
      // Killed after the swap's first rename: dist/ is there, so this is just removed.
      [`.dist.previous-${alsoDead}/index.html`]: 'old',
      // A live build's staging folder (this test's process stands in for it) is left alone.
      [`.dist.staging-${process.pid}/index.html`]: 'being written',
    });
    const run = await runCliAsync(root, ['build']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`removed .dist.staging-${dead}/, left by an interrupted build`);
    // The output this build replaced is being removed in the background (.dist.old-<pid>: test/output-swap).
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.') && !name.startsWith('.dist.old-')).sort()).toEqual([`.dist.staging-${process.pid}`]);
  });

  it('put dist/ back when a build was killed between the two renames of the swap', async () => {
    const root = project();
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    const good = snapshotDir(path.join(root, 'dist'));
    const dead = deadPid();
    // Killed after moving dist/ aside, before moving the new output in.
    spawnSync('mv', [path.join(root, 'dist'), path.join(root, `.dist.previous-${dead}`)]);
    writeFiles(root, { [`.dist.staging-${dead}/index.html`]: 'complete but never swapped in' });
    // The next build fails on bad content: dist/ is the old output all the same.
    writeFiles(root, { 'content/articles/broken.md': '---\ntitle: [unclosed\n---\nText.\n' });
    const run = await runCliAsync(root, ['build']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`put back dist/ from .dist.previous-${dead}/`);
    expectSameTree(good, snapshotDir(path.join(root, 'dist')));
    expect(readdirSync(root).filter((name) => name.startsWith('.dist.'))).toEqual([]);
  });

  it.each([
    ["this project's", () => readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8')],
    ["a new site's (solarpress init)", () => SITE_GITIGNORE],
  ])('are ignored by git, with %s .gitignore', async (_, read) => {
    const gitignore = read();
    const root = project();
    writeFileSync(path.join(root, '.gitignore'), gitignore);
    writeFiles(root, { '.dist.staging-123/index.html': 'x', '.dist.previous-123/index.html': 'x', '.dist.old-123/index.html': 'x' });
    rmSync(path.join(root, '.git'), { recursive: true });
    expect(spawnSync('git', ['init', '-q'], { cwd: root }).status).toBe(0);
    const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
    expect(status.stdout).not.toMatch(/\.dist\./);
    expect(status.stdout).toMatch(/notes\.txt/);
  });
});
