/**
 * The launcher's bundle cache (src/bundle.js, node_modules/.cache/solarpress/): keyed by where the
 * copy of solarpress is, checked at each start, made again when damaged. Each test runs its own copy
 * of solarpress's code (its packages linked from the project's node_modules, its cache its own).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/site.ts';

const base = path.join(PROJECT_ROOT, 'test-output');
mkdirSync(base, { recursive: true });
const scratch = mkdtempSync(path.join(base, 'bundle-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of solarpress's code at dir, with a node_modules of its own whose packages are the project's. */
function copyOfSolarpress(dir: string): string {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  for (const name of ['src', 'plugins', 'bin', 'package.json', 'package-lock.json']) cpSync(path.join(PROJECT_ROOT, name), path.join(dir, name), { recursive: true });
  for (const name of readdirSync(path.join(PROJECT_ROOT, 'node_modules'))) {
    if (name !== '.cache') symlinkSync(path.join(PROJECT_ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return dir;
}

function run(dir: string, args: string[]) {
  const result = spawnSync(process.execPath, [path.join(dir, 'bin/solarpress.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The folder of the bundle a copy of solarpress runs from, as its own launcher finds it. */
function bundleOf(dir: string): string {
  const script = `const { solarpressBundle } = await import(${JSON.stringify(path.join(dir, 'src/bundle.js'))}); console.log(await solarpressBundle());`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

/** Every file of a bundle, as text. */
function bundleText(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

describe('the bundle cache', () => {
  it('a copied project runs its own code, and a moved one runs', () => {
    const original = copyOfSolarpress(path.join(scratch, 'original'));
    expect(run(original, ['--help']).code).toBe(0);

    // A copy, its cache included: it must make a bundle of its own, holding none of the original's paths.
    const copy = path.join(scratch, 'copy');
    cpSync(original, copy, { recursive: true, verbatimSymlinks: true });
    const copied = bundleOf(copy);
    expect(copied.startsWith(copy + path.sep)).toBe(true);
    expect(bundleText(copied).includes(original), "the copy's bundle names the original's files").toBe(false);
    expect(bundleText(copied).includes(copy)).toBe(true);

    // Moved elsewhere (the old place gone), it still starts.
    const moved = path.join(scratch, 'moved');
    renameSync(original, moved);
    const result = run(moved, ['--help']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: solarpress');
  });

  it('a damaged bundle is made again, with a warning', () => {
    const dir = copyOfSolarpress(path.join(scratch, 'damaged'));
    const bundle = bundleOf(dir);
    const chunks = readdirSync(bundle).map((name) => path.join(bundle, name));
    const biggest = chunks.sort((a, b) => statSync(b).size - statSync(a).size)[0];
    truncateSync(biggest, Math.floor(statSync(biggest).size / 2));

    const result = run(dir, ['--help']);
    expect(result.stderr).toContain('damaged cache entry');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: solarpress');
    // And the next start is quiet.
    expect(run(dir, ['--help']).stderr).toBe('');
  });

  it('a start that trusts the bundle by its files\' stats still notices a damaged chunk or an edited source', async () => {
    const dir = copyOfSolarpress(path.join(scratch, 'stamps'));
    const bundle = bundleOf(dir);
    // Stats are recorded only for files changed a few seconds ago or longer (src/bundle.js, SETTLE_NS).
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(run(dir, ['--version']).code).toBe(0);
    const core = path.join(dir, 'node_modules/.cache/solarpress/core');
    const stampsOf = () => readdirSync(core, { recursive: true }).map(String).filter((name) => /core-[0-9a-f]+-stamps\./.test(name));
    expect(stampsOf()).toHaveLength(1);
    expect(bundleOf(dir)).toBe(bundle);

    const biggest = readdirSync(bundle).map((name) => path.join(bundle, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
    truncateSync(biggest, Math.floor(statSync(biggest).size / 2));
    const damaged = run(dir, ['--help']);
    expect(damaged.stderr).toContain('damaged cache entry');
    expect(damaged.stdout).toContain('Usage: solarpress');

    const made = bundleOf(dir);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(run(dir, ['--version']).code).toBe(0);
    spawnSync('sh', ['-c', `echo '// an edit' >> ${JSON.stringify(path.join(dir, 'src/site.ts'))}`]);
    expect(bundleOf(dir)).not.toBe(made);
  });

  it('the launcher, trusting the bundle by its stats alone (src/launch.js), runs an edited source afresh: the CLI and a command with an entry of its own', async () => {
    const dir = copyOfSolarpress(path.join(scratch, 'launch'));
    expect(run(dir, ['--version']).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(run(dir, ['--version']).code).toBe(0);
    const core = path.join(dir, 'node_modules/.cache/solarpress/core');
    expect(readdirSync(core, { recursive: true }).map(String).filter((name) => /core-[0-9a-f]+-stamps\./.test(name))).toHaveLength(1);

    appendFileSync(path.join(dir, 'src/cli.ts'), "process.stdout.write('cli edited\\n');\n");
    const cli = run(dir, ['--version']);
    expect(cli.stdout, cli.stderr).toBe('cli edited\nsolarpress 0.1.0\n');

    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(run(dir, ['--version']).code).toBe(0);
    // `solarpress dither` starts from dither-cli.mjs (bundled alone); here, without a site, it hands over to cli.mjs.
    appendFileSync(path.join(dir, 'plugins/dither/cli-main.ts'), "process.stdout.write('dither edited\\n');\n");
    const dither = run(dir, ['dither', '--help']);
    expect(dither.stdout).toBe('dither edited\ncli edited\n');
    expect(dither.stderr).toContain('unknown command "dither"');
  });

  it('an edit of a test helper keeps the bundle (and every cache key); an edit of the code does not', () => {
    const dir = copyOfSolarpress(path.join(scratch, 'edits'));
    const before = bundleOf(dir);
    const helper = path.join(dir, 'plugins/dither/test-helpers.ts');
    cpSync(helper, `${helper}.orig`);
    spawnSync('sh', ['-c', `echo '// an edit' >> ${JSON.stringify(helper)}`]);
    expect(bundleOf(dir)).toBe(before);
    spawnSync('sh', ['-c', `echo '// an edit' >> ${JSON.stringify(path.join(dir, 'src/site.ts'))}`]);
    expect(bundleOf(dir)).not.toBe(before);
  });
});

describe('a launcher that cannot bundle', () => {
  it('says which file and line do not compile, without a stack trace, and exits 1', () => {
    const dir = copyOfSolarpress(path.join(scratch, 'broken'));
    spawnSync('sh', ['-c', `echo 'export const broken = ;' >> ${JSON.stringify(path.join(dir, 'src/site.ts'))}`]);
    const result = run(dir, ['--version']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: solarpress cannot start: its code does not bundle\nsrc\/site\.ts:\d+:\d+: Unexpected ";"\n {2}→ fix the code here/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
