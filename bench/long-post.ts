/**
 * How build time and memory grow with the length of one post: the real site plus one long post of
 * ordinary Markdown (test/support/long-post.ts), built by the real command, sizes alternating run by
 * run, each from an empty cache and no dist/. Linear growth means the 5 MB run costs about 4x the
 * 1.25 MB run (minus the site's fixed part).
 *
 *   node --import tsx bench/long-post.ts [--runs 3] [--sizes 1.25,5] [--command build|check]
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { longPost } from '../test/support/long-post.ts';
import { copyRealSite } from '../test/support/real-site.ts';
import { CLI } from '../test/support/site.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sizes: { type: 'string', default: '1.25,5' }, command: { type: 'string', default: 'build' } } });
const sizes = values.sizes!.split(',').map(Number);
const root = copyRealSite('long-post-');
const post = path.join(root, 'content/articles/long-post.md');
const results = new Map<number, { ms: number; cpu: number; mb: number }[]>(sizes.map((s) => [s, []]));
try {
  for (let run = 0; run < Number(values.runs); run++) {
    for (const size of sizes) {
      writeFileSync(post, `---\ntitle: A long post\ndate: 2024-01-01\n---\n\n${longPost(size * 1e6, '../guides/yes-were-config.md')}`);
      rmSync(path.join(root, '.solarpress-cache'), { recursive: true, force: true });
      rmSync(path.join(root, 'dist'), { recursive: true, force: true });
      const started = performance.now();
      // GNU time's user and system CPU seconds and maximum resident set size (KB), on the last line of
      // stderr: CPU time says more than wall time on a shared, loaded machine.
      const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, CLI, values.command!, ...(values.command === 'build' ? ['--quiet'] : [])], { cwd: root, encoding: 'utf8' });
      const ms = performance.now() - started;
      if (child.status !== 0) throw new Error(`build failed:\n${child.stderr}`);
      const [user, system, kb] = child.stderr.trim().split('\n').pop()!.split(' ').map(Number);
      const mb = kb / 1024;
      results.get(size)!.push({ ms, cpu: user + system, mb });
      console.log(`run ${run + 1}, ${size} MB post: ${(ms / 1000).toFixed(1)} s, CPU ${(user + system).toFixed(1)} s, ${mb.toFixed(0)} MB peak`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [size, runs] of results) console.log(`${values.command} with a ${size} MB post: median ${(median(runs.map((r) => r.ms)) / 1000).toFixed(1)} s, CPU ${median(runs.map((r) => r.cpu)).toFixed(1)} s, ${median(runs.map((r) => r.mb)).toFixed(0)} MB peak (${runs.length} runs)`);
