/**
 * `solarpress build --watch` through the real command: a save rebuilds dist/; a content error is
 * printed and dist/ keeps the last good build; the fix builds again.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, snapshotDir, writeFiles } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();

/** A running `build --watch` whose output can be waited on. */
function startWatch(root: string) {
  const child = spawn(process.execPath, [CLI, 'build', '--watch'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let waiter: (() => void) | undefined;
  const seen = () => waiter?.();
  child.stdout.on('data', (c) => ((stdout += c), seen()));
  child.stderr.on('data', (c) => ((stderr += c), seen()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    get output() {
      return stdout + stderr;
    },
    get stderr() {
      return stderr;
    },
    /** Wait until `count` occurrences of text have been printed (the run's own timeout bounds it). */
    async until(text: string, count = 1) {
      while ((stdout + stderr).split(text).length - 1 < count) {
        await new Promise<void>((resolve) => {
          waiter = resolve;
          child.once('exit', () => resolve());
        });
        if (child.exitCode !== null) throw new Error(`build --watch exited ${child.exitCode}:\n${stdout}${stderr}`);
      }
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('build --watch', () => {
  it('rebuilds on a save, keeps the last good dist/ through a content error, and builds the fix', async () => {
    const root = newSite();
    const watch = startWatch(root);
    try {
      await watch.until('watching for changes');
      expect(watch.output).toMatch(/built \d+ pages/);
      const page = path.join(root, 'dist/second/index.html');
      expect(readFileSync(page, 'utf8')).not.toContain('Saved while watching');

      writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\ndate: 2021-03-04\n---\n\nSaved while watching.\n' });
      await watch.until('built ', 2);
      expect(readFileSync(page, 'utf8')).toContain('Saved while watching.');
      const good = snapshotDir(path.join(root, 'dist'));

      writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\ndate: 2021-13-45\n---\n\nBroken date.\n' });
      await watch.until('keeps the last good build');
      expect(watch.stderr).toMatch(/error content\/articles\/second\.md:3: .*date/);
      expect(watch.stderr).not.toContain('internal error');
      expect(snapshotDir(path.join(root, 'dist'))).toEqual(good);

      writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\ndate: 2021-03-04\n---\n\nFixed.\n' });
      await watch.until('built ', 3);
      expect(readFileSync(page, 'utf8')).toContain('Fixed.');
      // A static file is watched too.
      writeFiles(root, { 'static/notes.txt': 'new static file\n' });
      await watch.until('built ', 4);
      expect(readFileSync(path.join(root, 'dist/notes.txt'), 'utf8')).toBe('new static file\n');
    } finally {
      expect(await watch.stop()).toBe(0);
    }
  }, 120_000);
});
