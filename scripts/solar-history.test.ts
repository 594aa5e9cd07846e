/**
 * The power history, chart, outlook and power mode of scripts/solar-stats.sh, driven by a fake
 * clock (SOLAR_NOW) through a week of synthetic readings in a fake sysfs: sunny days, a cloudy
 * stretch that drains the battery, an outage, and garbage from the sensors and in the history file.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../test/support/tools.ts';
import { parseStats } from './stats-schema.ts';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'solar-stats.sh');
const SHOTS = join(here, '..', 'test-output', 'board');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const ok = requireTools('dash', 'awk', 'xmllint');
const browserOk = requireTools('/usr/bin/chromium', 'java');

/** The driven week runs every 30 minutes (336 runs); the chart is checked at the default 10. */
const STEP = 1800;
const MINUTES = { SOLAR_HISTORY_MINUTES: '30' };
/** Monday 2026-11-16 00:00 in Amsterdam (UTC+1). */
const START = Date.UTC(2026, 10, 15, 23, 0, 0) / 1000;
const LAT = 51.92;
const LON = 4.48;
const WH = 24;

/** Sun elevation in degrees (the same low-precision formulas any almanac gives). */
function elevation(t: number): number {
  const r = Math.PI / 180;
  const d = t / 86400 - 10957.5;
  const g = (357.529 + 0.98560028 * d) * r;
  const L = (280.459 + 0.98564736 * d + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * r;
  const e = (23.439 - 0.00000036 * d) * r;
  const ra = Math.atan2(Math.cos(e) * Math.sin(L), Math.cos(L));
  const dec = Math.asin(Math.sin(e) * Math.sin(L));
  const lha = (18.697374558 + 24.06570982441908 * d) * 15 * r + LON * r - ra;
  return Math.asin(Math.sin(LAT * r) * Math.sin(dec) + Math.cos(LAT * r) * Math.cos(dec) * Math.cos(lha)) / r;
}

interface Step {
  t: number;
  /** What the sysfs capacity file holds (usually the percentage, sometimes garbage). */
  capacity: string;
  percent: number | null;
  solarW: number;
  loadW: number;
}

/** The week: a 20 W panel, days 3 and 4 (Wed, Thu) under heavy cloud, the board off on Saturday 02:00-09:00. */
function week(step = STEP): { steps: Step[]; off: Set<number> } {
  const steps: Step[] = [];
  const off = new Set<number>();
  let wh = 0.62 * WH;
  for (let t = START; t < START + 7 * 86400; t += step) {
    const day = Math.floor((t - START) / 86400);
    const hour = ((t - START) % 86400) / 3600;
    const cloud = day === 2 || day === 3 ? 0.1 : 1;
    const solarW = Math.max(0, Math.sin((Math.max(0, elevation(t)) * Math.PI) / 180)) * 20 * cloud;
    const loadW = 1.1 + 0.2 * Math.sin(t / 5000);
    wh = Math.min(WH, Math.max(0, wh + ((solarW - loadW) * step) / 3600));
    if (day === 5 && hour >= 2 && hour < 9) {
      off.add(t);
      continue;
    }
    const percent = Math.round((100 * wh) / WH);
    steps.push({ t, capacity: String(percent), percent, solarW, loadW });
  }
  // Garbage from the sensor now and then: never a broken file, the slot counts as up with no charge.
  for (const [i, junk] of [[30, '9'.repeat(400)], [31, 'abc'], [32, '-5'], [33, '127']] as const) {
    steps[i] = { ...steps[i], capacity: junk, percent: null };
  }
  return { steps, off };
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function board(): { root: string; out: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'solar-history-'));
  temps.push(root);
  const axp = join(root, 'sys/power/axp_pmu');
  for (const d of ['battery', 'ac', 'charger']) mkdirSync(join(axp, d), { recursive: true });
  mkdirSync(join(root, 'proc'));
  mkdirSync(join(root, 'out'));
  writeFileSync(join(axp, 'battery/connected'), '1\n');
  writeFileSync(join(axp, 'battery/voltage'), '3800000\n');
  writeFileSync(join(axp, 'ac/connected'), '1\n');
  writeFileSync(join(axp, 'ac/voltage'), '5000000\n');
  const env = {
    PATH: process.env.PATH!,
    SOLAR_SYSFS_ROOT: join(root, 'sys'),
    SOLAR_PROC_ROOT: join(root, 'proc'),
    SOLAR_STATS_DIR: join(root, 'out'),
    SOLAR_TIMEZONE: 'Europe/Amsterdam',
    SOLAR_LATITUDE: String(LAT),
    SOLAR_LONGITUDE: String(LON),
  };
  return { root, out: join(root, 'out'), env };
}

/**
 * Runs the script once per step in one dash loop (fast: no Node per run), writing the step's
 * values into the fake sysfs first, and logs which flags exist after each run.
 * The AXP209 reports µA: the panel's current at 5 V, and the battery current from the balance.
 */
async function drive(b: ReturnType<typeof board>, steps: Step[], extraEnv: Record<string, string> = {}): Promise<string[]> {
  const plan = join(b.root, 'plan.txt');
  writeFileSync(
    plan,
    steps
      .map((s) => {
        const batW = s.loadW - s.solarW; // > 0: the battery is drained
        const amps = Math.round((Math.abs(batW) / 3.8) * 1e6);
        return [s.t, s.capacity, batW < 0 ? 1 : 0, Math.round((s.solarW / 5) * 1e6), amps].join(' ');
      })
      .join('\n') + '\n',
  );
  const axp = join(b.root, 'sys/power/axp_pmu');
  const loop = `
    while read t cap chg ac amp; do
      echo "$cap" > ${axp}/battery/capacity; echo "$chg" > ${axp}/battery/charging
      echo "$ac" > ${axp}/ac/amperage; echo "$amp" > ${axp}/battery/amperage; echo "$amp" > ${axp}/charger/amperage
      if [ -f "${b.root}/inject.$t" ]; then cat "${b.root}/inject.$t" >> "${b.out}/power-history.csv"; fi
      SOLAR_NOW=$t dash "$0" 2>>"${b.root}/stderr" || { echo "run at $t failed" >&2; exit 1; }
      m=normal; [ -e "${b.out}/low-power.flag" ] && m=low; [ -e "${b.out}/text-only.flag" ] && m=text
      echo "$t $cap $m"
    done < ${plan}`;
  // Asynchronous, so the test runner's worker stays responsive during the few hundred runs.
  const { stdout } = await execFileAsync('dash', ['-c', loop, script], { encoding: 'utf8', env: { ...b.env, ...extraEnv }, maxBuffer: 1 << 24 });
  return stdout.trim().split('\n');
}

interface Row {
  t: number;
  percent: number | null;
  solar: number | null;
  load: number | null;
}

function readHistory(out: string): { header: string; rows: Row[] } {
  const [header, ...lines] = readFileSync(join(out, 'power-history.csv'), 'utf8').trimEnd().split('\n');
  const num = (s: string) => (s === '' ? null : Number(s));
  return {
    header,
    rows: lines.map((l) => {
      const f = l.split(',');
      expect(f, l).toHaveLength(4);
      return { t: Number(f[0]), percent: num(f[1]), solar: num(f[2]), load: num(f[3]) };
    }),
  };
}

describe.skipIf(!ok)('power history, chart and power mode (solar-stats.sh, a fake week)', () => {
  const { steps, off } = week();
  let b: ReturnType<typeof board>;
  let modes: string[];
  let chart: ReturnType<typeof board>;
  let chartWeek: ReturnType<typeof week>;
  const injected = 'garbage line\n1e999,,,\n99999999999999999999,50,1,1\n\xff\xfe,1,2,3\n';

  beforeAll(async () => {
    b = board();
    // Garbage appended to the history file in the middle of the week.
    writeFileSync(join(b.root, `inject.${steps[200].t}`), injected, 'latin1');
    modes = await drive(b, steps, MINUTES);
    // The chart at the default 10-minute slots: the same week as a history file, one run at its end.
    chart = board();
    const fine = week(600);
    const last = fine.steps[fine.steps.length - 1];
    writeFileSync(
      join(chart.out, 'power-history.csv'),
      ['time,battery_percent,solar_w,load_w', ...fine.steps.slice(0, -1).map((s) => `${s.t},${s.percent ?? ''},${s.solarW.toFixed(2)},${s.loadW.toFixed(2)}`)].join('\n') + '\n',
    );
    writeFileSync(join(chart.root, 'sys/power/axp_pmu/battery/capacity'), `${last.percent}\n`);
    const r = spawnSync('dash', [script], { encoding: 'utf8', env: { ...chart.env, SOLAR_NOW: String(last.t) } });
    if (r.status !== 0) throw new Error(r.stderr);
    chartWeek = fine;
  }, 240_000);

  it('keeps one line per slot the board was up over the last 7 days, and none for the outage', () => {
    const { header, rows } = readHistory(b.out);
    expect(header).toBe('time,battery_percent,solar_w,load_w');
    expect(rows).toHaveLength(steps.length);
    expect(rows.map((r) => r.t)).toEqual(steps.map((s) => s.t));
    for (const t of off) expect(rows.find((r) => r.t === t)).toBeUndefined();
    expect(off.size).toBe(14); // 7 hours
    // Values as the sensors gave them; garbage charge readings recorded as unknown, never as junk.
    steps.forEach((s, i) => {
      expect(rows[i].percent, `slot ${s.t}`).toBe(s.percent);
      expect(rows[i].solar!).toBeCloseTo(s.solarW, 1);
      expect(rows[i].load!).toBeCloseTo(s.loadW, 1);
    });
    expect(readFileSync(join(b.out, 'power-history.csv'), 'latin1')).not.toContain('garbage');
  });

  it('forgets what is older than the window, so the file stays bounded', async () => {
    const later = board();
    writeFileSync(join(later.out, 'power-history.csv'), readFileSync(join(b.out, 'power-history.csv')));
    const next = steps.slice(-48).map((s) => ({ ...s, t: s.t + 86400 }));
    await drive(later, next, MINUTES);
    const { rows } = readHistory(later.out);
    const newest = next[next.length - 1].t;
    expect(rows[0].t).toBeGreaterThan(newest - 7 * 86400);
    expect(rows.length).toBeLessThanOrEqual(7 * 48);
    expect(rows[rows.length - 1].t).toBe(newest);
  });

  it('draws a valid SVG under 6 KB compressed, with gaps, nights and a day label per midnight', () => {
    const svg = readFileSync(join(chart.out, 'power-history.svg'), 'utf8');
    const lint = spawnSync('xmllint', ['--noout', join(chart.out, 'power-history.svg')], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(0);
    // nginx compresses /api/ on the fly at gzip level 4.
    expect(gzipSync(svg, { level: 4 }).length).toBeLessThan(6 * 1024);
    const last = chartWeek.steps[chartWeek.steps.length - 1];
    const lowest = Math.min(...chartWeek.steps.map((s) => s.percent ?? 101));
    expect(svg).toMatch(/<svg [^>]*role="img" aria-labelledby="t d"/);
    expect(svg).toMatch(/<title id="t">Battery charge and solar power, the last 7 days<\/title>/);
    const desc = /<desc id="d">([^<]*)<\/desc>/.exec(svg)![1];
    // The newest slot is 23:50 local on Sunday (the run at its end recorded it).
    expect(desc).toContain(`Battery ${last.percent} % at 23:50, lowest ${lowest} % (`);
    // The battery line breaks at the outage (and at the unknown readings): several sub-paths.
    const battery = /stroke="#1b1b1b" stroke-width="[\d.]+" stroke-linejoin="round" d="([^"]*)"/.exec(svg)![1];
    expect(battery.match(/M/g)!.length).toBe(3);
    // The outage as one red band of 42 slots.
    expect(svg).toMatch(/<path fill="#b3261e" d="M\d+ -\d+h42v-\d+h-42z"\/>/); // 7 hours of 10 minutes
    // Seven nights shaded (plus the start of the eighth at the right edge, or not).
    const nights = /<path fill="#dcd6c4" d="([^"]*)"/.exec(svg)![1].match(/M/g)!.length;
    expect(nights).toBeGreaterThanOrEqual(7);
    expect(nights).toBeLessThanOrEqual(8);
    const labels = [...svg.matchAll(/<text x="[\d.]+" y="216">([^<]*)<\/text>/g)].map((m) => m[1]).sort();
    expect(labels).toEqual(['Fri 20 Nov', 'Mon 16 Nov', 'Sat 21 Nov', 'Sun 22 Nov', 'Thu 19 Nov', 'Tue 17 Nov', 'Wed 18 Nov'].sort());
  });

  it('states the uptime and the outlook for the night in battery.css, and valid stats.json', () => {
    const css = readFileSync(join(b.out, 'battery.css'), 'utf8');
    const total = steps.length + off.size;
    const share = ((100 * steps.length) / total).toFixed(1).replace(/\.0$/, '');
    expect(css).toContain(`.power-uptime::after{content:"Up ${share} % of the time over the last 7 days (${steps.length} of ${total} 30-minute slots)."}`);
    expect(css).toMatch(/\.power-night::after\{content:"The battery (should|may not) last the night: about \d+ hours of power at 1\.\d W.*sun.*\."\}/);
    expect(() => parseStats(readFileSync(join(b.out, 'stats.json'), 'utf8'))).not.toThrow();
  });

  it('switches to low power below 30 %, to text only below 15 %, and back only 5 points above', () => {
    const seen = modes.map((l) => l.split(' ')).filter(([, cap]) => /^\d{1,3}$/.test(cap));
    let prev = 'normal';
    const transitions: string[] = [];
    for (const [, cap, mode] of seen) {
      const p = Number(cap);
      if (p < 15) expect(mode).toBe('text');
      else if (p < 30) expect(mode).not.toBe('normal');
      else if (p >= 35) expect(mode).toBe('normal');
      if (mode !== prev) transitions.push(`${prev}->${mode}@${p}`);
      prev = mode;
    }
    // The cloudy days drain the battery through both thresholds; the sun brings it back.
    expect(transitions.some((t) => t.startsWith('normal->low'))).toBe(true);
    expect(transitions.some((t) => t.startsWith('low->text'))).toBe(true);
    expect(transitions.some((t) => t.startsWith('text->'))).toBe(true);
    // No flapping around a threshold: a mode is entered below its threshold and left 5 points above it.
    for (const t of transitions) {
      const [, from, to, p] = /^(\w+)->(\w+)@(\d+)$/.exec(t)!.map((x, i) => (i === 3 ? Number(x) : x)) as [string, string, string, number];
      if (to === 'normal') expect(p, t).toBeGreaterThanOrEqual(35);
      if (to === 'text') expect(p, t).toBeLessThan(15);
      if (to === 'low' && from === 'normal') expect(p, t).toBeLessThan(30);
      if (to === 'low' && from === 'text') expect(p, t).toBeGreaterThanOrEqual(20);
    }
  });

  it('writes the outlook from the forecast, and says when the battery may run out', () => {
    const x = board();
    const evening = START + 17.5 * 3600; // Monday 17:30
    const history = ['time,battery_percent,solar_w,load_w'];
    for (let t = evening - 86400; t < evening; t += 600) history.push(`${t},20,${elevation(t) > 0 ? 5 : 0},1.2`);
    writeFileSync(join(x.out, 'power-history.csv'), history.join('\n') + '\n');
    const run = (env: Record<string, string>) =>
      spawnSync('dash', [script], { encoding: 'utf8', env: { ...x.env, SOLAR_NOW: String(evening), ...env } });
    const css = () => /\.power-night::after\{content:"([^"]*)"\}/.exec(readFileSync(join(x.out, 'battery.css'), 'utf8'))![1];
    const dir = join(x.root, 'sys/power/axp_pmu/battery');
    writeFileSync(join(dir, 'capacity'), '20\n');
    run({ SOLAR_FORECAST_CMD: 'echo 2026-11-17 rain' });
    // 20 % of 24 Wh at 1.2 W: 4 hours, out at 21:30; sunrise in Rotterdam on 17 Nov is about 08:06.
    expect(css()).toMatch(/^The battery may not last the night: about 4 hours of power at 1\.2 W, so the site may go offline around 21:30 until the sun recharges it \(sunrise around 08:0\d\)\. Forecast for Tue 17 Nov: rain, so the panel may not keep up\.$/);
    writeFileSync(join(dir, 'capacity'), '90\n');
    run({ SOLAR_FORECAST_CMD: 'echo 2026-11-17 sunny' });
    expect(css()).toMatch(/^The battery should last the night: about 18 hours of power at 1\.2 W, and the sun is back around 08:0\d\. Forecast for Tue 17 Nov: sunny\.$/);
    run({});
    expect(css()).toMatch(/No forecast\.$/);
    // Without coordinates the sunrise comes from the panel's history (yesterday's first light).
    spawnSync('dash', [script], { encoding: 'utf8', env: { ...x.env, SOLAR_NOW: String(evening), SOLAR_LATITUDE: '', SOLAR_LONGITUDE: '' } });
    expect(css()).toMatch(/the sun is back around 08:[12]\d\./);
  });

  it('refuses bad settings with exit 2, naming the variable', () => {
    const x = board();
    for (const [name, value] of [['SOLAR_HISTORY_DAYS', '0'], ['SOLAR_HISTORY_MINUTES', 'ten'], ['SOLAR_LOW_POWER_BELOW', '101'], ['SOLAR_LATITUDE', '51,9'], ['SOLAR_NOW', 'yesterday']]) {
      const r = spawnSync('dash', [script], { encoding: 'utf8', env: { ...x.env, [name]: value } });
      expect(r.status, name).toBe(2);
      expect(r.stderr).toContain(name);
    }
    const half = spawnSync('dash', [script], { encoding: 'utf8', env: { ...x.env, SOLAR_LONGITUDE: '' } });
    expect(half.status).toBe(2);
    expect(half.stderr).toMatch(/both SOLAR_LATITUDE and SOLAR_LONGITUDE/);
  });

  it('survives a history file of pure garbage, and a clock that went back', () => {
    const x = board();
    writeFileSync(join(x.root, 'sys/power/axp_pmu/battery/capacity'), '50\n');
    writeFileSync(join(x.out, 'power-history.csv'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    const t = START + 3 * 86400;
    const STEP = 600; // the default slot
    const run = (now: number) => spawnSync('dash', [script], { encoding: 'utf8', env: { ...x.env, SOLAR_NOW: String(now) } });
    expect(run(t).status).toBe(0);
    expect(readFileSync(join(x.out, 'power-history.csv'), 'utf8')).toBe(`time,battery_percent,solar_w,load_w\n${t - (t % STEP)},50,,\n`);
    // A board that booted with its clock behind (no clock battery, NTP not there yet) records
    // nothing until the clock catches up, and loses nothing.
    for (const behind of [t - 3600, 0]) {
      const r = run(behind);
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/the clock \(\d+\) is behind the newest line/);
      expect(readHistory(x.out).rows.map((r) => r.t)).toEqual([t - (t % STEP)]);
    }
    expect(run(t + STEP).status).toBe(0);
    expect(readHistory(x.out).rows.map((r) => r.t)).toEqual([t - (t % STEP), t - (t % STEP) + STEP]);
    const lint = spawnSync('xmllint', ['--noout', join(x.out, 'power-history.svg')], { encoding: 'utf8' });
    expect(lint.status, lint.stderr).toBe(0);
  });

  describe.skipIf(!browserOk)('looked at', () => {
    it('passes the Nu checker as SVG, and Chromium draws it (screenshot)', async () => {
      const file = join(chart.out, 'power-history.svg');
      const jar = join(here, '..', 'node_modules/vnu-jar/build/dist/vnu.jar');
      const vnu = spawnSync('java', ['-jar', jar, '--svg', '--errors-only', '--format', 'json', file], { encoding: 'utf8' });
      expect(JSON.parse(vnu.stderr).messages).toEqual([]);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 680, height: 290 } });
        await page.goto(`file://${file}`);
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, 'power-history.png') });
        const box = await page.locator('svg').boundingBox();
        expect(box?.width).toBe(640);
      } finally {
        await browser.close();
      }
    });
  });
});

