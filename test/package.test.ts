/**
 * solarpress as a package (issue 13): `npm pack`, installed into an empty folder without the
 * network, `solarpress init`, `npm run build`, the dev server, `theme eject`, and the clear errors
 * of a site without content. Everything runs from the installed package, as another collective's
 * site would: the bundle cache, the theme and the workers live in that site's node_modules.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFreePort } from '../src/port.ts';
import { PROJECT_ROOT } from './support/site.ts';

const exec = promisify(execFile);
const ENV = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let tmp: string;
let site: string;

/** Run a command in the site; resolves with its exit code and output instead of throwing. */
async function run(command: string, args: string[], cwd = site): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env: ENV, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const solarpress = (args: string[], cwd = site) => run(process.execPath, [path.join(site, 'node_modules/solarpress/bin/solarpress.js'), ...args], cwd);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'solarpress-package-'));
  site = path.join(tmp, 'site');
  mkdirSync(site);
  const packed = await run('npm', ['pack', '--pack-destination', tmp, '--ignore-scripts', '--silent'], PROJECT_ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = path.join(tmp, packed.stdout.trim().split('\n').pop()!);
  // Offline: the dependencies come from this project's node_modules, copied (not hard-linked: a new
  // link changes the ctime of every package file, and the builds of other tests running meanwhile
  // would rightly take that for a change of solarpress's inputs), and npm installs the tarball over
  // them without asking a registry.
  expect((await run('cp', ['-a', path.join(PROJECT_ROOT, 'node_modules'), path.join(site, 'node_modules')])).code).toBe(0);
  rmSync(path.join(site, 'node_modules/.cache'), { recursive: true, force: true });
  rmSync(path.join(site, 'node_modules/.package-lock.json'), { force: true });
  const installed = await run('npm', ['install', tarball, '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  expect(installed.code, installed.stderr).toBe(0);
}, 600_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the generator, plugins, theme and board scripts, not the club\'s content or the tests', () => {
    const pkg = path.join(site, 'node_modules/solarpress');
    for (const file of ['bin/solarpress.js', 'src/cli.ts', 'plugins/dither/index.ts', 'theme/index.ts', 'scripts/solar-stats.sh']) {
      expect(existsSync(path.join(pkg, file)), file).toBe(true);
    }
    expect(existsSync(path.join(pkg, 'content'))).toBe(false);
    expect(existsSync(path.join(pkg, 'site.config.ts'))).toBe(false);
    expect(existsSync(path.join(pkg, 'test'))).toBe(false);
    expect(readdirSync(path.join(pkg, 'src')).filter((name) => name.includes('.test.'))).toEqual([]);
  });

  it('an empty folder gets a hint to run init', async () => {
    const result = await solarpress(['build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no site.config.ts here');
    expect(result.stderr).toContain('npx solarpress init');
    expect(result.stderr).not.toContain('internal error');
  });

  it('init writes a site that npm run build builds with the package\'s solar theme', async () => {
    const init = await run('npx', ['--offline', 'solarpress', 'init', '--title', 'Sunny Collective']);
    expect(init.code, init.stderr).toBe(0);
    const config = readFileSync(path.join(site, 'site.config.ts'), 'utf8');
    expect(config).toContain("from 'solarpress'");
    expect(config).toContain("title: \"Sunny Collective\"");
    for (const key of ['url:', 'author:', 'license:', 'board:']) expect(config).toContain(key);
    expect(readFileSync(path.join(site, '.gitignore'), 'utf8')).toContain('dist/');
    const pkg = JSON.parse(readFileSync(path.join(site, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.scripts).sort()).toEqual(['build', 'check', 'deploy', 'dev']);
    expect(pkg.dependencies.solarpress).toMatch(/solarpress-.*\.tgz$/); // kept as npm wrote it

    const build = await run('npm', ['run', 'build']);
    expect(build.code, build.stderr).toBe(0);
    const home = readFileSync(path.join(site, 'dist/index.html'), 'utf8');
    expect(home).toContain('Sunny Collective');
    expect(home).toContain('href="/hello-sun/"');
    expect(readFileSync(path.join(site, 'dist/hello-sun/index.html'), 'utf8')).toContain('Hello, sun');
    expect(readFileSync(path.join(site, 'dist/about/index.html'), 'utf8')).toContain('<h1');
    expect(readdirSync(path.join(site, 'dist/assets')).some((name) => name.endsWith('.css'))).toBe(true);
    expect(existsSync(path.join(site, 'dist/feed.xml'))).toBe(true);
    // The CLI's bundle is cached inside the installed package, not in this repository.
    expect(readdirSync(path.join(site, 'node_modules/solarpress/node_modules/.cache/solarpress')).length).toBeGreaterThan(0);

    const check = await run('npm', ['run', 'check']);
    expect(check.code, check.stderr).toBe(0);
  }, 300_000);

  it('init refuses to overwrite, and writes nothing then', async () => {
    writeFileSync(path.join(site, 'content/pages/about.md'), 'mine');
    const again = await solarpress(['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exist already');
    expect(readFileSync(path.join(site, 'content/pages/about.md'), 'utf8')).toBe('mine');
    writeFileSync(path.join(site, 'content/pages/about.md'), '---\ntitle: About\ndate: 2026-01-01\ncategory: pages\nslug: about\n---\n\nUs.\n');
  });

  it('init FOLDER starts a new site there, depending on solarpress', async () => {
    const result = await solarpress(['init', 'second-site'], tmp);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('cd second-site && npm install');
    const pkg = JSON.parse(readFileSync(path.join(tmp, 'second-site/package.json'), 'utf8'));
    expect(pkg.dependencies.solarpress).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(existsSync(path.join(tmp, 'second-site/content/articles/hello-sun.md'))).toBe(true);
  });

  it('a site without content/ fails with a clear message; an empty one and one with only pages build', async () => {
    const content = path.join(site, 'content');
    renameSync(content, path.join(tmp, 'content-kept'));
    try {
      const missing = await solarpress(['build']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('no content folder content/');
      expect(missing.stderr).not.toContain('internal error');

      mkdirSync(content);
      const empty = await solarpress(['build', '--out', 'empty-dist']);
      expect(empty.code, empty.stderr).toBe(0);
      expect(existsSync(path.join(site, 'empty-dist/index.html'))).toBe(true);

      mkdirSync(path.join(content, 'pages'));
      writeFileSync(path.join(content, 'pages/about.md'), readFileSync(path.join(tmp, 'content-kept/pages/about.md')));
      const pagesOnly = await solarpress(['build', '--out', 'pages-dist']);
      expect(pagesOnly.code, pagesOnly.stderr).toBe(0);
      expect(existsSync(path.join(site, 'pages-dist/about/index.html'))).toBe(true);
    } finally {
      rmSync(content, { recursive: true, force: true });
      renameSync(path.join(tmp, 'content-kept'), content);
    }
  }, 300_000);

  it('the dev server previews the site from the installed package', async () => {
    const port = await nextFreePort('127.0.0.1', 4300 + Math.floor(Math.random() * 1000));
    // Its own process group, so stopping it also stops the preview process it forks.
    const child = spawn(process.execPath, [path.join(site, 'node_modules/solarpress/bin/solarpress.js'), 'dev', '--port', String(port)], { cwd: site, env: ENV, detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      await new Promise<void>((resolve, reject) => {
        const seen = () => output.includes('previewing on') && resolve();
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        child.on('exit', (code) => reject(new Error(`dev exited ${code}: ${output}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/hello-sun/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Hello, sun');
    } finally {
      const exited = new Promise((resolve) => child.once('close', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 300_000);

  it('theme eject copies the solar theme into the site and the build uses it', async () => {
    const eject = await solarpress(['theme', 'eject']);
    expect(eject.code, eject.stderr).toBe(0);
    expect(readFileSync(path.join(site, 'site.config.ts'), 'utf8')).toMatch(/^\s*theme: 'theme',/m);
    expect(existsSync(path.join(site, 'theme/index.ts'))).toBe(true);
    expect(existsSync(path.join(site, 'theme/test'))).toBe(false);
    // Imports of solarpress's own code go through the package, not up out of the site.
    const feeds = readFileSync(path.join(site, 'theme/lib/feeds.ts'), 'utf8');
    expect(feeds).toContain("from 'solarpress/plugins/feed/links.ts'");

    const css = readdirSync(path.join(site, 'theme/assets')).find((name) => name.endsWith('.css'))!;
    writeFileSync(path.join(site, 'theme/assets', css), readFileSync(path.join(site, 'theme/assets', css), 'utf8') + '\n.ejected-mark { color: black }\n');
    const build = await solarpress(['build']);
    expect(build.code, build.stderr).toBe(0);
    const built = readdirSync(path.join(site, 'dist/assets')).filter((name) => name.endsWith('.css'));
    expect(built.some((name) => readFileSync(path.join(site, 'dist/assets', name), 'utf8').includes('.ejected-mark'))).toBe(true);

    const twice = await solarpress(['theme', 'eject']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('theme/ exists already');
  }, 300_000);

  it("a plugin of the site's own, in its own folder, works through the installed package's 'solarpress/plugin'", async () => {
    // The fixture plugin imports only 'solarpress/plugin': here that resolves to the installed tarball.
    cpSync(path.join(PROJECT_ROOT, 'test/fixtures/plugin-site/plugins'), path.join(site, 'plugins'), { recursive: true });
    const configFile = path.join(site, 'site.config.ts');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(
      configFile,
      "import { readingTime } from './plugins/reading-time/index.ts';\n" +
        config.replace('export default defineConfig({', 'export default defineConfig({\n  plugins: [readingTime({ wordsPerMinute: 100 })],'),
    );
    const build = await solarpress(['build']);
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(path.join(site, 'dist/reading-times.txt'), 'utf8')).toContain('/hello-sun/ ');
    expect(readFileSync(path.join(site, 'dist/hello-sun/index.html'), 'utf8')).toMatch(/<em>\d+ min read<\/em>/);
    const command = await solarpress(['reading-time', '--per-hour']);
    expect(command.code, command.stderr).toBe(0);
    expect(command.stdout).toContain('Sunny Collective: 6000 words an hour');
    expect((await solarpress(['--help'])).stdout).toContain('reading-time');
  }, 300_000);
});
