/**
 * Scale benchmark: 1,000 synthetic articles. Measures, in one run so the ratios are fair on a
 * shared machine:
 *   - a cold `solarpress build` (no cache, no dist; precompression off) vs Hugo, and Eleventy when
 *     given, on the same articles;
 *   - precompression of that output on its own;
 *   - a no-change rebuild (the whole command, start to exit);
 *   - save → the edit showing in the page open in the preview server, in Chromium.
 *
 * Run: node --import tsx bench/scale.ts [--runs 5] [--articles 1000] [--eleventy PATH/TO/eleventy]
 * Needs Debian's hugo and chromium for their parts (skipped with a note when missing). Eleventy is
 * no dependency of solarpress: install it apart (npm install --prefix DIR @11ty/eleventy@3) and
 * pass DIR/node_modules/.bin/eleventy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startDevServer } from '../src/dev/server.ts';
import { createLogger } from '../src/log.ts';
import { writeEleventySite, writeHugoSite, writeSolarpressSite } from './scale-site.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin/solarpress.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, articles: { type: 'string', default: '1000' }, eleventy: { type: 'string' } } });
const RUNS = Number(values.runs);
const ARTICLES = Number(values.articles);
const work = path.join(os.tmpdir(), 'solarpress-scale');
const site = path.join(work, 'solarpress');
const hugoSite = path.join(work, 'hugo');
const eleventySite = path.join(work, 'eleventy');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${Math.round(x)} ms`;

function timed(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return elapsed;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const results: Record<string, number> = {};

writeSolarpressSite(site, ARTICLES, path.join(ROOT, 'bench/minimal-theme'));
writeHugoSite(hugoSite, ARTICLES);
if (values.eleventy) writeEleventySite(eleventySite, ARTICLES);

// The first start after a change of solarpress's code bundles it: not part of any timing.
timed(process.execPath, [CLI, '--help'], site);

// Cold builds, alternating solarpress, Hugo and Eleventy so all see the same machine load.
const cold: number[] = [];
const hugo: number[] = [];
const eleventy: number[] = [];
for (let i = 0; i < RUNS; i++) {
  rmSync(path.join(site, 'dist'), { recursive: true, force: true });
  rmSync(path.join(site, '.solarpress-cache'), { recursive: true, force: true });
  cold.push(timed(process.execPath, [CLI, 'build', '--quiet'], site));
  if (has('hugo')) {
    rmSync(path.join(hugoSite, 'public'), { recursive: true, force: true });
    hugo.push(timed('hugo', ['--quiet', '--minify=false'], hugoSite));
  }
  if (values.eleventy) {
    rmSync(path.join(eleventySite, 'public'), { recursive: true, force: true });
    eleventy.push(timed(values.eleventy, ['--quiet'], eleventySite));
  }
}
results.cold = median(cold);
if (hugo.length) results.hugo = median(hugo);
if (eleventy.length) results.eleventy = median(eleventy);

// No-change rebuilds: the cache is warm and dist/ is current.
const noChange: number[] = [];
for (let i = 0; i < RUNS; i++) noChange.push(timed(process.execPath, [CLI, 'build', '--quiet'], site));
results.noChange = median(noChange);

// Precompression of the same output, on its own (cold compression cache).
const configFile = path.join(site, 'site.config.ts');
const config = readFileSync(configFile, 'utf8');
writeFileSync(configFile, config.replace('precompress: false', 'precompress: {}'));
const precompress: number[] = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  rmSync(path.join(site, '.solarpress-cache/precompress'), { recursive: true, force: true });
  rmSync(path.join(site, '.solarpress-cache/output'), { recursive: true, force: true });
  const withCompression = timed(process.execPath, [CLI, 'build', '--quiet'], site);
  rmSync(path.join(site, '.solarpress-cache/output'), { recursive: true, force: true });
  writeFileSync(configFile, config);
  const without = timed(process.execPath, [CLI, 'build', '--quiet'], site);
  writeFileSync(configFile, config.replace('precompress: false', 'precompress: {}'));
  precompress.push(withCompression - without);
}
writeFileSync(configFile, config);
results.precompress = median(precompress);

// Save → the edit showing in the open page (the preview updates the page in place), seen by a real browser.
if (has('/usr/bin/chromium')) {
  const server = await startDevServer({ root: site, port: 0, log: createLogger({ quiet: true }) });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage();
  await page.goto(new URL('/article-500/', server.url).href);
  await page.waitForTimeout(300); // let the event stream connect
  const file = path.join(site, 'content/articles/article-500.md');
  const original = readFileSync(file, 'utf8');
  const reloads: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) {
    const marker = `Edit number ${i} at ${Date.now()}.`;
    // Seen by the page itself (a mutation observer: no polling to compete with the server for the CPU).
    const shown = page.evaluate(`new Promise((resolve) => new MutationObserver((_, observer) => {
      if (document.body.textContent.includes(${JSON.stringify(marker)})) { observer.disconnect(); resolve(); }
    }).observe(document.documentElement, { childList: true, subtree: true, characterData: true }))`);
    const started = performance.now();
    writeFileSync(file, `${original}\n${marker}\n`);
    await shown;
    reloads.push(performance.now() - started);
    await page.waitForTimeout(200); // past chokidar's 50 ms per-file window
  }
  writeFileSync(file, original);
  await browser.close();
  await server.close();
  results.reload = median(reloads);
}

const machine = `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const hugoVersion = has('hugo') ? execFileSync('hugo', ['version'], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ') : 'not installed';
console.log(`scale benchmark: ${ARTICLES} articles, median of ${RUNS} runs — ${machine}; ${hugoVersion}`);
console.log(`cold build (no precompression)   ${ms(results.cold)}`);
if (results.hugo) console.log(`hugo, same articles              ${ms(results.hugo)}   ratio solarpress/hugo ${(results.cold / results.hugo).toFixed(2)}`);
if (results.eleventy) console.log(`eleventy, same articles          ${ms(results.eleventy)}   ratio solarpress/eleventy ${(results.cold / results.eleventy).toFixed(2)}`);
console.log(`precompression, on its own       ${ms(results.precompress)}`);
console.log(`no-change rebuild (whole command) ${ms(results.noChange)}`);
if (results.reload) console.log(`save → edit shown (preview)      ${ms(results.reload)}`);
rmSync(work, { recursive: true, force: true });
