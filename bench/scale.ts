/**
 * Scale benchmark: the rows of issue 12's target table, as users run them: the whole command
 * (`node bin/solarpress.js build`, start to exit), the solar theme, precompression on unless a row
 * says otherwise, a tenth of the articles carrying a photo. Peak memory is GNU time's maximum
 * resident set size of the command. Everything is measured in one run, alternating what is
 * compared, so that ratios hold on a shared machine:
 *   - each solarpress checkout given (`--before DIR` adds an older one beside this one), each on its
 *     own copies of the sites (the site's theme/ is a copy of that checkout's solar theme, so a CSS
 *     edit is a user's edit; its src/ and plugins/ are linked);
 *   - Hugo (/usr/bin/hugo, minimal layouts, the same articles and photos) for the cold rows; its
 *     layouts copy a photo as it is, and with `--hugo-images` a second Hugo column in the cold row
 *     has Hugo process each photo itself (fit within 800×800, a greyscale PNG and a JPEG of the
 *     original: the nearest Hugo 0.111 comes to the theme's dither; about a minute per build here).
 *
 * Rows: the club's own site (a copy of content/ and site.config.ts) cold and with one line added; N
 * articles cold without precompression (beside Hugo, and as second rows the minimal theme, and the same
 * articles without their photos beside Hugo without them: the text side alone), the cold
 * precompression of the whole output apart, no change, one line added, one title changed, one line of
 * the theme's CSS; save → the edit shown in the preview (Chromium), for this checkout.
 *
 *   node --import tsx bench/scale.ts [--runs 3] [--slow-runs 1] [--articles 1000,5000]
 *     [--before /path/to/older/checkout] [--rows club,cold,minimal,text,precompress,edits,css,preview] [--eleventy PATH] [--hugo-images]
 *     [--reuse DIR]
 *
 * `--slow-runs` applies to the rows that cost minutes (the cold builds, the cold precompression, the
 * CSS edit, and anything at more than 1,000 articles); `--before-rows` limits the older checkout to
 * some rows. `--reuse DIR` keeps this checkout's N-article sites in DIR (its content, theme copy,
 * cache and dist/) and uses them as they are on the next run with the same DIR: making and building
 * the 5,000-article site takes many minutes, and the preview row needs nothing fresher. The edit rows
 * leave their edits in such a site.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makePhotos, solarpressConfig, writeEleventySite, writeHugoSite, writeSolarpressSite } from './scale-site.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'slow-runs': { type: 'string', default: '1' },
    articles: { type: 'string', default: '1000,5000' },
    before: { type: 'string' },
    'before-rows': { type: 'string', default: 'club,cold,precompress,edits,css' },
    rows: { type: 'string', default: 'club,cold,minimal,text,precompress,edits,css,preview' },
    eleventy: { type: 'string' },
    'hugo-images': { type: 'boolean' },
    reuse: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const SLOW_RUNS = Number(values['slow-runs']);
const SIZES = values.articles!.split(',').map(Number);
const ROWS = new Set(values.rows!.split(','));
/** Rows the older checkout takes part in (its incremental rows recompress the feeds at maximum effort: minutes each). */
const BEFORE_ROWS = new Set(values['before-rows']!.split(','));
const HUGO = '/usr/bin/hugo';
/** The column of Hugo processing the photos itself (--hugo-images). */
const HUGO_IMAGES = 'hugo, images processed';
/** Sites live in their checkout's test-output/, where the theme copy finds the checkout's node_modules. */
const workIn = (root: string) => path.join(root, 'test-output', `scale-${process.pid}`);
const work = workIn(ROOT);

interface Checkout {
  name: string;
  root: string;
  cli: string;
}
/** Where this checkout's N-article sites are kept between runs (--reuse), else undefined. */
const REUSE = values.reuse ? path.resolve(values.reuse) : undefined;
const checkouts: Checkout[] = [{ name: 'after', root: ROOT, cli: path.join(ROOT, 'bin/solarpress.js') }];
if (values.before) checkouts.unshift({ name: 'before', root: path.resolve(values.before), cli: path.join(path.resolve(values.before), 'bin/solarpress.js') });

interface Sample {
  ms: number;
  /** Peak resident memory, MB. */
  mb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs a command to its exit under GNU time: wall time and peak memory. */
function timed(command: string, args: string[], cwd: string): Sample {
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${child.stderr}`);
  return { ms, mb: Number(child.stderr.trim().split('\n').pop()) / 1024 };
}

/** What one row measured, per checkout (and Hugo), in the order measured. */
const table: { row: string; target: string; samples: Map<string, Sample[]> }[] = [];

function record(row: string, target: string, who: string, sample: Sample): void {
  let line = table.find((r) => r.row === row);
  if (!line) table.push((line = { row, target, samples: new Map() }));
  line.samples.set(who, [...(line.samples.get(who) ?? []), sample]);
  console.log(`  ${row} — ${who}: ${(sample.ms / 1000).toFixed(2)} s, ${sample.mb.toFixed(0)} MB`);
}

const build = (checkout: Checkout, site: string) => timed(process.execPath, [checkout.cli, 'build', '--quiet'], site);
const clean = (site: string) => {
  rmSync(path.join(site, 'dist'), { recursive: true, force: true });
  rmSync(path.join(site, '.solarpress-cache'), { recursive: true, force: true });
};

/** The checkout's solar theme as the site's own theme/ (a copy: the CSS row edits it), its code linked. */
function giveTheme(checkout: Checkout, site: string): void {
  rmSync(path.join(site, 'theme'), { recursive: true, force: true });
  cpSync(path.join(checkout.root, 'theme'), path.join(site, 'theme'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  for (const code of ['src', 'plugins']) {
    if (!existsSync(path.join(site, code))) symlinkSync(path.join(checkout.root, code), path.join(site, code));
  }
}

/** A copy of the checkout's own club site (content and config). */
function clubSite(checkout: Checkout): string {
  const site = path.join(workIn(checkout.root), 'club');
  mkdirSync(site, { recursive: true });
  cpSync(path.join(checkout.root, 'content'), path.join(site, 'content'), { recursive: true });
  copyFileSync(path.join(checkout.root, 'site.config.ts'), path.join(site, 'site.config.ts'));
  if (existsSync(path.join(checkout.root, 'static'))) cpSync(path.join(checkout.root, 'static'), path.join(site, 'static'), { recursive: true });
  giveTheme(checkout, site);
  return site;
}

/** Appends one line to a Markdown file: a new paragraph, different on each call. */
let edits = 0;
function addLine(file: string): void {
  writeFileSync(file, `${readFileSync(file, 'utf8')}\nOne more line, number ${++edits}, added to see what it costs.\n`);
}

/** The checkouts a row is measured for. */
const taking = (...rows: string[]) => checkouts.filter((c) => c.name === 'after' || rows.some((row) => BEFORE_ROWS.has(row)));

const all = (n: number, each: (run: number) => void) => {
  for (let run = 0; run < n; run++) each(run);
};

// The first start after a change of a checkout's code bundles it: not part of any timing.
for (const checkout of checkouts) spawnSync(process.execPath, [checkout.cli, '--help'], { cwd: os.tmpdir() });
for (const checkout of checkouts) mkdirSync(workIn(checkout.root), { recursive: true });
const started = new Date();
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(', ');
console.log(`scale benchmark, ${started.toISOString()}, load average ${load()}`);

try {
  if (ROWS.has('club')) {
    console.log('the club\'s site');
    const sites = new Map(taking('club').map((c) => [c.name, clubSite(c)]));
    all(SLOW_RUNS, () => {
      for (const c of taking('club')) {
        clean(sites.get(c.name)!);
        record('the club\'s site, cold (no cache, no dist/), precompression included', '< 5 s', c.name, build(c, sites.get(c.name)!));
      }
    });
    all(RUNS, () => {
      for (const c of taking('club')) {
        const site = sites.get(c.name)!;
        addLine(path.join(site, 'content/articles/running-your-own-xmpp-server.md'));
        record('the club\'s site, one line added to one article', '< 1 s', c.name, build(c, site));
      }
    });
  }

  for (const total of SIZES) {
    const n = total.toLocaleString('en');
    const runs = total > 1000 ? SLOW_RUNS : RUNS;
    console.log(`${n} articles`);
    const photos = await makePhotos(total);
    const sites = new Map<string, string>();
    const reused = (c: Checkout) => REUSE !== undefined && c.name === 'after';
    for (const c of taking('cold', 'precompress', 'edits', 'css')) {
      const site = reused(c) ? path.join(REUSE!, `solar-${total}`) : path.join(workIn(c.root), `solar-${total}`);
      if (!reused(c) || !existsSync(path.join(site, 'site.config.ts'))) {
        writeSolarpressSite(site, total, photos);
        giveTheme(c, site);
      }
      sites.set(c.name, site);
    }
    const config = (site: string, precompress: boolean) => writeFileSync(path.join(site, 'site.config.ts'), solarpressConfig({ precompress }));
    // Hugo and Eleventy take part in the cold rows only.
    const hugoSite = path.join(work, `hugo-${total}`);
    if (ROWS.has('cold')) writeHugoSite(hugoSite, total, photos);
    const hugoImagesSite = path.join(work, `hugo-images-${total}`);
    if (values['hugo-images'] && ROWS.has('cold')) writeHugoSite(hugoImagesSite, total, photos, { processImages: true });
    const eleventySite = path.join(work, `eleventy-${total}`);
    if (values.eleventy && ROWS.has('cold')) writeEleventySite(eleventySite, total);

    if (ROWS.has('cold')) {
      const row = `${n} articles, solar theme, cold, precompression off`;
      all(SLOW_RUNS, () => {
        for (const c of taking('cold')) {
          const site = sites.get(c.name)!;
          config(site, false);
          clean(site);
          record(row, total === 1000 ? '≤ 3× Hugo' : '≤ 5.5× the 1,000-article figure; < 1.5 GB', c.name, build(c, site));
        }
        rmSync(path.join(hugoSite, 'public'), { recursive: true, force: true });
        record(row, '', 'hugo', timed(HUGO, ['--quiet', '--minify=false'], hugoSite));
        if (values['hugo-images']) {
          // Hugo keeps processed images in resources/_gen: gone too, for a cold build.
          for (const made of ['public', 'resources']) rmSync(path.join(hugoImagesSite, made), { recursive: true, force: true });
          record(row, '', HUGO_IMAGES, timed(HUGO, ['--quiet', '--minify=false'], hugoImagesSite));
        }
        if (values.eleventy) {
          rmSync(path.join(eleventySite, 'public'), { recursive: true, force: true });
          record(row, '', 'eleventy', timed(values.eleventy, ['--quiet'], eleventySite));
        }
      });
      if (total === 1000 && ROWS.has('minimal')) {
        // The second row: the minimal theme (bench/minimal-theme), on a copy of the same articles.
        const minimal = path.join(work, `minimal-${total}`);
        writeSolarpressSite(minimal, total, photos, path.join(ROOT, 'bench/minimal-theme'));
        writeFileSync(path.join(minimal, 'site.config.ts'), solarpressConfig({ theme: path.join(ROOT, 'bench/minimal-theme'), precompress: false }));
        all(SLOW_RUNS, () => {
          clean(minimal);
          record(`${n} articles, minimal theme (second row), cold, precompression off`, '', 'after', build(checkouts.at(-1)!, minimal));
        });
        rmSync(minimal, { recursive: true, force: true });
      }
    }
    if (total === 1000 && ROWS.has('text')) {
      // A second row: the same articles without their photos, beside Hugo without them (Hugo's bare
      // layouts only copy a photo; the solar theme dithers it, ~0.2 s of CPU each).
      const row = `${n} articles without photos (second row), solar theme, cold, precompression off`;
      const text = new Map(taking('text').map((c) => [c.name, path.join(workIn(c.root), `text-${total}`)]));
      for (const c of taking('text')) {
        writeSolarpressSite(text.get(c.name)!, total);
        giveTheme(c, text.get(c.name)!);
        writeFileSync(path.join(text.get(c.name)!, 'site.config.ts'), solarpressConfig({ precompress: false }));
      }
      const hugoText = path.join(work, `hugo-text-${total}`);
      writeHugoSite(hugoText, total);
      all(SLOW_RUNS, () => {
        for (const c of taking('text')) {
          clean(text.get(c.name)!);
          record(row, '', c.name, build(c, text.get(c.name)!));
        }
        rmSync(path.join(hugoText, 'public'), { recursive: true, force: true });
        record(row, '', 'hugo', timed(HUGO, ['--quiet', '--minify=false'], hugoText));
      });
      for (const site of [...text.values(), hugoText]) rmSync(site, { recursive: true, force: true });
    }

    // The incremental rows start from a complete build with precompression on (the cold
    // precompression row makes it; else one untimed build does).
    for (const c of taking('precompress', 'edits', 'css')) {
      const site = sites.get(c.name)!;
      config(site, true);
      if (!existsSync(path.join(site, 'dist'))) build(c, site);
    }
    if (ROWS.has('precompress')) {
      // The whole output compressed from an empty precompression store: that build less a build
      // that only publishes (everything else cached).
      all(SLOW_RUNS, () => {
        for (const c of taking('precompress')) {
          const site = sites.get(c.name)!;
          rmSync(path.join(site, '.solarpress-cache/precompress'), { recursive: true, force: true });
          rmSync(path.join(site, 'dist'), { recursive: true, force: true });
          const compressing = build(c, site);
          rmSync(path.join(site, 'dist'), { recursive: true, force: true });
          const publishing = build(c, site);
          record(`${n} articles, cold precompression of the whole output (apart)`, '< 60 s', c.name, { ms: compressing.ms - publishing.ms, mb: compressing.mb });
        }
      });
    }
    if (ROWS.has('edits')) {
      for (const c of taking('edits')) build(c, sites.get(c.name)!); // settled: the next build has nothing to do
      all(runs, () => {
        for (const c of taking('edits')) record(`${n} articles, no change`, '< 0.5 s', c.name, build(c, sites.get(c.name)!));
      });
      all(runs, () => {
        for (const c of taking('edits')) {
          const site = sites.get(c.name)!;
          addLine(path.join(site, `content/articles/article-${total / 2}.md`));
          record(`${n} articles, one line added to one article, precompression on`, '< 1.5 s', c.name, build(c, site));
        }
      });
      all(runs, (run) => {
        for (const c of taking('edits')) {
          const file = path.join(sites.get(c.name)!, `content/articles/article-${(total * 7) / 10}.md`);
          writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, `title: "Article ${(total * 7) / 10}, retitled ${run}"`));
          record(`${n} articles, one title changed, precompression on`, '< 3 s', c.name, build(c, sites.get(c.name)!));
        }
      });
    }
    if (ROWS.has('css')) {
      all(SLOW_RUNS, (run) => {
        for (const c of taking('css')) {
          const css = path.join(sites.get(c.name)!, 'theme/assets/solar.css');
          writeFileSync(css, `${readFileSync(css, 'utf8')}\n.bench-${run} { color: #123456; }\n`);
          record(`${n} articles, one line of the theme's CSS changed, precompression on`, '< 30 s', c.name, build(c, sites.get(c.name)!));
        }
      });
    }
    if (ROWS.has('preview') && total === Math.max(...SIZES)) await preview(checkouts.at(-1)!, sites.get(checkouts.at(-1)!.name)!, total, `${n} articles, save → edit shown in the preview`);
    const kept = checkouts.filter(reused).map((c) => sites.get(c.name));
    for (const site of [...sites.values(), hugoSite, hugoImagesSite, eleventySite]) if (!kept.includes(site)) rmSync(site, { recursive: true, force: true });
  }
} finally {
  for (const checkout of checkouts) rmSync(workIn(checkout.root), { recursive: true, force: true });
  report();
}

/** Save → the edit showing in the open page (the preview updates it in place), seen by Chromium. */
async function preview(checkout: Checkout, site: string, total: number, row: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { startDevServer } = (await import(pathToFileURL(path.join(checkout.root, 'src/dev/server.ts')).href)) as typeof import('../src/dev/server.ts');
  const { createLogger } = (await import(pathToFileURL(path.join(checkout.root, 'src/log.ts')).href)) as typeof import('../src/log.ts');
  const server = await startDevServer({ root: site, port: 0, log: createLogger({ quiet: true }) });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(new URL(`/article-${total / 2}/`, server.url).href);
    await page.waitForTimeout(300); // let the event stream connect
    const file = path.join(site, `content/articles/article-${total / 2}.md`);
    const original = readFileSync(file, 'utf8');
    for (let i = 0; i < RUNS * 2; i++) {
      const marker = `Edit number ${i} at ${Date.now()}.`;
      // Seen by the page itself (a mutation observer: no polling to compete with the server for the CPU).
      const shown = page.evaluate(`new Promise((resolve) => new MutationObserver((_, observer) => {
        if (document.body.textContent.includes(${JSON.stringify(marker)})) { observer.disconnect(); resolve(); }
      }).observe(document.documentElement, { childList: true, subtree: true, characterData: true }))`);
      const begun = performance.now();
      writeFileSync(file, `${original}\n${marker}\n`);
      await shown;
      record(row, '< 150 ms', checkout.name, { ms: performance.now() - begun, mb: process.memoryUsage().rss / 2 ** 20 });
      await page.waitForTimeout(200); // past chokidar's 50 ms per-file window
    }
    writeFileSync(file, original);
  } finally {
    await browser.close();
    await server.close();
  }
}

function report(): void {
  const machine = `${os.cpus().length} × ${os.cpus()[0]!.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const hugo = existsSync(HUGO) ? execFileSync(HUGO, ['version'], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ') : 'no hugo';
  const who = [...checkouts.map((c) => c.name), 'hugo', ...(values['hugo-images'] ? [HUGO_IMAGES] : []), ...(values.eleventy ? ['eleventy'] : [])];
  console.log(`\n${machine}; ${hugo}; ${started.toISOString()} to ${new Date().toISOString()}; load average at the end ${load()}`);
  console.log(`median wall time (peak memory) of the whole command; runs per row in brackets\n`);
  console.log(`| what | target | ${who.join(' | ')} |${values.before ? ' after/before |' : ''}`);
  console.log(`|---|---:|${who.map(() => '---:|').join('')}${values.before ? '---:|' : ''}`);
  const fmt = (samples: Sample[] | undefined) => {
    if (!samples) return '';
    const ms = median(samples.map((s) => s.ms));
    const time = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
    return `${time} (${Math.round(median(samples.map((s) => s.mb)))} MB) [${samples.length}]`;
  };
  for (const { row, target, samples } of table) {
    const ratio = values.before && samples.get('before') && samples.get('after')
      ? ` ${(median(samples.get('after')!.map((s) => s.ms)) / median(samples.get('before')!.map((s) => s.ms))).toFixed(2)} |`
      : values.before ? ' |' : '';
    console.log(`| ${row} | ${target} | ${who.map((w) => fmt(samples.get(w))).join(' | ')} |${ratio}`);
  }
}
