/**
 * Lighthouse 12 scores of the solar theme: performance, accessibility, best practices and SEO for one
 * page of every type the theme makes (theme/test/page-types.ts: home, article, guide, page, power, zine
 * issue, zine part with footnotes, category, tag, archive, 404), in Lighthouse's default (mobile,
 * simulated slow 4G) and desktop settings. Builds the real site into a temp folder and serves it on
 * 127.0.0.1 like nginx on the board would (precompressed gzip, long-lived assets, the board's fresh
 * /api/ files), then drives Debian's Chromium. Failing audits go to stderr (VERBOSE=1: with the elements).
 *
 *   npx tsx bench/lighthouse.ts            # prints a Markdown table
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { serveStatic } from '../theme/test/static-server.ts';
import { pageOfEveryType } from '../theme/test/page-types.ts';
import { batteryCss, powerHistorySvg, statsJson } from '../theme/test/stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

const out = mkdtempSync(path.join(tmpdir(), 'solarpress-lighthouse-'));
const result = await build({ root, outDir: out, log: createLogger({ quiet: true }) });
const heaviest = result.laidOut
  .filter((l) => ['article', 'guide', 'zine-part'].includes(l.page.kind))
  .sort((a, b) => b.weight - a.weight)[0];
const weightOf = new Map(result.laidOut.map((l) => [l.page.url, l.weight]));
const pages: Array<[label: string, url: string]> = Object.entries(pageOfEveryType(result)).map(([type, url]) => [`${type} \`${url}\``, url]);
pages.push([`heaviest article \`${heaviest.page.url}\``, heaviest.page.url]);
const server = await serveStatic(out, { likeNginx: true });
server.overrides.set('/api/stats.json', { body: JSON.stringify(statsJson({ percent: 64, charging: true })), type: 'application/json' });
server.overrides.set('/api/battery.css', { body: batteryCss(64, true), type: 'text/css' });
server.overrides.set('/api/power-history.svg', { body: powerHistorySvg(), type: 'image/svg+xml' });

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const rows: string[] = [];
try {
  for (const [label, url] of pages) {
    for (const [mode, config] of [['mobile', undefined], ['desktop', desktopConfig]] as const) {
      const run = await lighthouse(server.origin + url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...categories] }, config);
      const lhr = run!.lhr;
      const scores = categories.map((c) => Math.round((lhr.categories[c].score ?? 0) * 100));
      const kb = weightOf.has(url) ? Math.round(weightOf.get(url)! / 1024) : NaN;
      rows.push(`| ${label} | ${Number.isNaN(kb) ? '' : `${kb} KB`} | ${mode} | ${scores.join(' | ')} |`);
      const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable' && a.scoreDisplayMode !== 'manual');
      for (const a of failing) {
        console.error(`  ${url} ${mode}: ${a.id} ${a.score} ${a.displayValue ?? ''}`);
        const items = (a.details as { items?: Array<{ node?: { snippet?: string; selector?: string } }> } | undefined)?.items ?? [];
        if (process.env.VERBOSE) for (const i of items.slice(0, 8)) console.error(`      ${i.node?.selector ?? ''} ${i.node?.snippet ?? ''}`);
      }
    }
  }
} finally {
  chrome.kill();
  await server.close();
  rmSync(out, { recursive: true, force: true });
}
const lighthouseVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/lighthouse/package.json'), 'utf8')).version;
console.log(`Lighthouse ${lighthouseVersion}, ${execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()}`);
console.log('| page | weight | settings | performance | accessibility | best practices | SEO |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
