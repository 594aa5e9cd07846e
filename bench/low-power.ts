/**
 * Bytes per page view in normal, low-power and text-only mode: the real site (a copy with its own
 * cache, built with the defaults), served by real nginx with the generated config, the board's
 * /api/ folder written by scripts/solar-stats.sh, and each page opened by Chromium as a first-time
 * visitor (empty cache, scrolled to the end so lazy images load), summing what came over the wire
 * (headers + bodies as sent: brotli where the browser asks for it). Also the HTML alone by curl
 * with Accept-Encoding: br. The heaviest article is the article page heaviest in normal mode.
 * The club's articles carry at most one small image, so a photo article (four photo-like images, made
 * for the bench, dithered as any article's) is added to the copy as a second case; and each page is
 * also viewed by a returning reader (the same browser, second view: the theme's files cached).
 *
 *   npx tsx bench/low-power.ts            (needs nginx, openssl, curl, chromium, dash)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { photo } from '../plugins/dither/test-helpers.ts';
import { freePorts, renderThroughCommand, selfSignedCertificate, startNginx } from '../plugins/nginx/harness.ts';
import { copyRealSite } from '../test/support/real-site.ts';
import { PROJECT_ROOT, removeSite, runCli } from '../test/support/site.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'solar-stats.sh');

const site = copyRealSite('bench-lowpower-');
chmodSync(site, 0o755);
const dir = mkdtempSync(path.join(tmpdir(), 'bench-lowpower-'));
chmodSync(dir, 0o755);
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
let stop = async () => {};
const PHOTO_ARTICLE = '/a-day-of-photos/';
mkdirSync(path.join(site, 'content/articles/images/bench'), { recursive: true });
const figures: string[] = [];
for (let i = 1; i <= 4; i++) {
  writeFileSync(path.join(site, `content/articles/images/bench/photo-${i}.jpg`), await photo(1200, 800, i).jpeg({ quality: 85 }).toBuffer());
  figures.push(`![Photo ${i} of the board on the roof](images/bench/photo-${i}.jpg)\n\nThe board on a sunny day, view ${i}.`);
}
writeFileSync(
  path.join(site, 'content/articles/a-day-of-photos.md'),
  `---\ntitle: A day of photos\ndate: 2020-06-01\nslug: a-day-of-photos\n---\n\nFour photos of the roof, for the bench.\n\n${figures.join('\n\n')}\n`,
);
try {
  const built = runCli(site, ['build']);
  if (built.code !== 0) throw new Error(built.stderr);
  const dist = path.join(site, 'dist');

  const api = path.join(dir, 'api');
  const sys = path.join(dir, 'sys');
  mkdirSync(api);
  mkdirSync(path.join(dir, 'proc'));
  for (const d of ['battery', 'ac']) mkdirSync(path.join(sys, 'power/axp_pmu', d), { recursive: true });
  writeFileSync(path.join(sys, 'power/axp_pmu/battery/connected'), '1\n');
  writeFileSync(path.join(sys, 'power/axp_pmu/ac/connected'), '0\n');
  const board = (percent: number) => {
    writeFileSync(path.join(sys, 'power/axp_pmu/battery/capacity'), `${percent}\n`);
    const r = spawnSync('dash', [SCRIPT, '--out', api, '--sysfs-root', sys, '--proc-root', path.join(dir, 'proc')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SOLAR_TIMEZONE: 'Europe/Amsterdam', SOLAR_LATITUDE: '51.92', SOLAR_LONGITUDE: '4.48' },
    });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  board(80);

  const { cert, key } = await selfSignedCertificate(dir);
  const [http, https] = await freePorts(2);
  const conf = path.join(dir, 'nginx.conf');
  await renderThroughCommand({}, [
    '--server-name', 'localhost', '--listen', '127.0.0.1', '--root', dist, '--api-dir', api, '--cert', cert, '--key', key,
    '--http-port', String(http), '--https-port', String(https), '--standalone', '--prefix', dir, '--out', conf,
  ]);
  const nginx = await startNginx(dir, conf, https);
  stop = () => nginx.stop();
  const origin = `https://127.0.0.1:${https}`;

  /** Bytes a first-time visitor's browser receives for one page view, and the requests. */
  async function view(url: string, returning = false): Promise<{ bytes: number; requests: string[] }> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    if (returning) {
      await page.goto(origin + url, { waitUntil: 'networkidle' });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForLoadState('networkidle');
    }
    const done: Promise<void>[] = [];
    let bytes = 0;
    const requests: string[] = [];
    page.on('requestfinished', (r) => {
      done.push(
        r.sizes().then((s) => {
          bytes += s.responseHeadersSize + s.responseBodySize;
        }),
      );
      done.push(r.response().then((res) => void requests.push(`${res?.status()} ${new URL(r.url()).pathname}`)));
    });
    // A returning reader follows a link to the page (a reload would revalidate every file).
    if (returning) {
      await page.evaluate((href) => void (window.location.href = href), origin + url + '?again').catch(() => {});
      await page.waitForURL(/\?again$/);
    } else await page.goto(origin + url, { waitUntil: 'networkidle' });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    await Promise.all(done);
    await context.close();
    return { bytes, requests: requests.sort() };
  }
  const curlBr = (url: string) =>
    Number(execFileSync('curl', ['-sk', '-H', 'Accept-Encoding: br', '-o', '/dev/null', '-w', '%{size_download}', origin + url], { encoding: 'utf8' }));

  // Article pages: those whose Open Graph type is article.
  const pages = (readdirSync(dist, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('index.html') && statSync(path.join(dist, f)).isFile())
    .filter((f) => readFileSync(path.join(dist, f), 'utf8').includes('property="og:type" content="article"'))
    .map((f) => `/${f.replace(/index\.html$/, '')}`);
  const normal = new Map<string, number>();
  for (const url of pages) normal.set(url, (await view(url)).bytes);
  normal.delete(PHOTO_ARTICLE);
  const heaviest = [...normal].sort((a, b) => b[1] - a[1])[0][0];

  const rows: string[] = [];
  const detail: string[] = [];
  const results: Record<string, Record<string, number>> = {};
  for (const [mode, percent] of [['normal', 80], ['low power (24 %)', 24], ['text only (12 %)', 12]] as const) {
    board(percent);
    for (const url of ['/', heaviest, PHOTO_ARTICLE]) {
      for (const returning of [false, true]) {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await view(url, returning));
        const median = runs.map((r) => r.bytes).sort((a, b) => a - b)[1];
        const who = returning ? 'returning' : 'first';
        (results[`${url} (${who})`] ??= {})[mode] = median;
        detail.push(`${mode} ${url} ${who}: ${runs[0].requests.join(', ')}`);
        const name = url === '/' ? 'home' : url === PHOTO_ARTICLE ? `photo article ${url}` : `heaviest article ${url}`;
        rows.push(`| ${name} | ${who} view | ${mode} | ${median} | ${curlBr(url)} |`);
      }
    }
    board(80);
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${new Date().toISOString()}`);
  console.log('| page | reader | mode | bytes per view (Chromium, median of 3) | HTML alone (curl, br) |\n|---|---|---|---|---|');
  console.log(rows.join('\n'));
  for (const [url, r] of Object.entries(results)) {
    const n = r['normal'];
    console.log(`${url}: low power ${((100 * r['low power (24 %)']) / n).toFixed(0)} % of normal, text only ${((100 * r['text only (12 %)']) / n).toFixed(0)} %`);
  }
  console.log('\nrequests:\n' + detail.join('\n'));
} finally {
  await browser.close();
  await stop();
  rmSync(dir, { recursive: true, force: true });
  removeSite(site);
}
