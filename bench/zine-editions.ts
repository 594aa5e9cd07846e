/**
 * The zine's editions of ILU #9: how long the EPUB and the print edition (A5 PDF + booklet) take to
 * make, and to publish from the cache, on the real site (its own copy, output and cache).
 *
 *   node --import tsx bench/zine-editions.ts [--runs 5]
 *
 * Prints Markdown rows: median and range of `--runs` runs of each, and the load average.
 */
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../src/build.ts';
import { CacheStore } from '../src/cache/store.js';
import { createLogger } from '../src/log.ts';
import { makeEditions, type Wanted } from '../plugins/zine-editions/make.ts';
import { realSite } from '../plugins/zine-editions/test-site.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);

const site = realSite({ epub: false });
const log = createLogger({ quiet: true });
const result = await build({ root: site.root, log, write: false });
const read = (p: string) => (result.output.has(p) ? result.output.read(p) : undefined);

async function time(wanted: Partial<Wanted>, cacheRoot: string): Promise<number> {
  const started = performance.now();
  await makeEditions(
    { config: result.config, drafts: false, log, read, cache: (name, version) => new CacheStore({ root: cacheRoot, name, version }) },
    result.site,
    { epub: false, pdf: false, booklet: false, guides: false, printerMargin: 0, chromium: '/usr/bin/chromium', issue: 'ilu-9', ...wanted },
  );
  return performance.now() - started;
}

async function row(label: string, wanted: Partial<Wanted>): Promise<string> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cacheRoot = path.join(site.root, `bench-cache-${i}`);
    cold.push(await time(wanted, cacheRoot));
    warm.push(await time(wanted, cacheRoot));
    rmSync(cacheRoot, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (xs: number[]) => `${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
  return `| ${label} | ${fmt(cold)} | ${fmt(warm)} |`;
}

console.log(`ILU #9, ${runs} runs each; ${cpus().length} × ${cpus()[0]?.model}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| edition | made (median, range) | from the cache |');
console.log('|---|---|---|');
console.log(await row('EPUB', { epub: true }));
console.log(await row('A5 PDF + booklet (Chromium, two prints; pdf-lib)', { pdf: true, booklet: true }));
rmSync(site.root, { recursive: true, force: true });
