/**
 * Throwaway copies of a site for tests, under test-output/ inside the project so that the copied
 * theme and config resolve the project's node_modules.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(PROJECT_ROOT, 'bin/solarpress.js');

/** Copy test/fixtures/<name> (default the minimal site) and apply file overrides (null deletes). */
export function tempSite(files: Record<string, string | Buffer | null> = {}, fixture = 'minimal'): string {
  const base = path.join(PROJECT_ROOT, 'test-output', 'sites');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${fixture}-`));
  cpSync(path.join(PROJECT_ROOT, 'test/fixtures', fixture), dir, { recursive: true, filter: (src) => !/(^|\/)(dist|\.solarpress-cache)(\/|$)/.test(path.relative(PROJECT_ROOT, src)) });
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer | null>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    if (content === null) rmSync(file, { force: true, recursive: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
}

export function removeSite(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real CLI in `cwd`, as a user would. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The real CLI in `cwd`, without blocking the test process (a long spawnSync stalls vitest's
 * worker): `child` to signal it, `done` for its outcome.
 */
export function startCli(cwd: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

/** runCli without blocking the test worker (a long synchronous wait starves vitest's own messages). */
export function runCliAsync(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(cwd, args, env).done;
}

/** Every file under dir with its bytes, for comparing whole outputs. */
export function snapshotDir(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const relative = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, relative)).isDirectory()) walk(relative);
      else out.set(relative, readFileSync(path.join(dir, relative)));
    }
  };
  walk('');
  return out;
}
