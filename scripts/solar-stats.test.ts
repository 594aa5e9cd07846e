/**
 * scripts/solar-stats.sh run by dash (a strict POSIX shell) against fake sysfs/procfs trees.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '../test/support/tools.ts';
import { parseStats, statsSchema, type Stats } from './stats-schema.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), 'solar-stats.sh');
const ok = requireTools('dash', 'awk');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp dir holding sys/, proc/ and out/; files are paths under it with their contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'solar-stats-'));
  temps.push(root);
  for (const dir of ['sys', 'proc', 'out']) mkdirSync(join(root, dir));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

interface Run {
  code: number | null;
  stderr: string;
  json: string;
  stats: Stats;
  css: string;
}

function run(root: string, env: Record<string, string> = {}, args: string[] = []): Run {
  // SOLAR_TIMEZONE_SH: a printf format the shell turns into SOLAR_TIMEZONE, for raw bytes.
  const zone = env.SOLAR_TIMEZONE_SH ? 'SOLAR_TIMEZONE=$(printf "$SOLAR_TIMEZONE_SH"); export SOLAR_TIMEZONE; ' : '';
  const r = spawnSync('dash', ['-c', `${zone}exec dash "$0" "$@"`, script, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      SOLAR_SYSFS_ROOT: join(root, 'sys'),
      SOLAR_PROC_ROOT: join(root, 'proc'),
      SOLAR_STATS_DIR: join(root, 'out'),
      SOLAR_TIMEZONE: 'Europe/Amsterdam',
      ...env,
    },
  });
  const jsonPath = join(root, 'out', 'stats.json');
  const json = existsSync(jsonPath) ? strictUtf8(readFileSync(jsonPath)) : '';
  const css = existsSync(join(root, 'out', 'battery.css')) ? readFileSync(join(root, 'out', 'battery.css'), 'utf8') : '';
  return { code: r.status, stderr: r.stderr, json, stats: json ? parseStats(json) : (undefined as never), css };
}

const axp = 'sys/power/axp_pmu';
const system = {
  'sys/class/thermal/thermal_zone0/temp': '41234\n',
  'proc/loadavg': '0.12 0.20 0.35 1/123 4567\n',
  'proc/uptime': '123456.78 200000.00\n',
};
/** An AXP209 charging from the panel: µV, µA, %, as Armbian's axp_pmu driver reports them. */
const axpCharging = {
  ...system,
  [`${axp}/battery/connected`]: '1\n',
  [`${axp}/battery/capacity`]: '64\n',
  [`${axp}/battery/voltage`]: '3920000\n',
  [`${axp}/battery/amperage`]: '0\n',
  [`${axp}/battery/charging`]: '1\n',
  [`${axp}/charger/amperage`]: '420000\n',
  [`${axp}/ac/connected`]: '1\n',
  [`${axp}/ac/voltage`]: '5000000\n',
  [`${axp}/ac/amperage`]: '700000\n',
};

/** What battery.css says: its level and its label. */
function cssState(css: string) {
  const level = /--battery-level:(\d+)%/.exec(css)?.[1];
  const label = /\.battery-label::after\{content:"([^"]*)"\}/.exec(css)?.[1];
  return { level: level === undefined ? undefined : Number(level), label };
}

describe.skipIf(!ok)('solar-stats.sh', () => {
  it('reads a full AXP209 tree while charging', () => {
    const r = run(tree(axpCharging));
    expect(r.code, r.stderr).toBe(0);
    const s = r.stats;
    expect(s.battery).toEqual({ percent: 64, charging: true, voltage_v: 3.92, current_a: 0.42 });
    expect(s.power.solar_w).toBeCloseTo(5 * 0.7, 2);
    expect(s.power.battery_w).toBeCloseTo(-(3.92 * 0.42), 2);
    // What the panel brings minus what goes into the battery is what the board uses.
    expect(s.power.load_w).toBeCloseTo(5 * 0.7 - 3.92 * 0.42, 2);
    expect(s.system).toEqual({ uptime_s: 123456, load: [0.12, 0.2, 0.35], cpu_temp_c: 41.2 });
    expect(s.forecast).toBeNull();
    expect(s.timezone).toBe('Europe/Amsterdam');
    expect(cssState(r.css)).toEqual({ level: 64, label: '64% \\2600' });
    expect(r.css.split('\n')[0]).toBe(`/* solarpress power stats, written ${s.generated} */`);
  });

  it('reads an AXP209 draining the battery at night', () => {
    const r = run(
      tree({
        ...axpCharging,
        [`${axp}/battery/capacity`]: '31\n',
        [`${axp}/battery/voltage`]: '3700000\n',
        [`${axp}/battery/amperage`]: '300000\n',
        [`${axp}/battery/charging`]: '0\n',
        [`${axp}/ac/connected`]: '0\n',
        [`${axp}/ac/voltage`]: '0\n',
        [`${axp}/ac/amperage`]: '0\n',
      }),
    );
    expect(r.stats.battery).toEqual({ percent: 31, charging: false, voltage_v: 3.7, current_a: 0.3 });
    expect(r.stats.power.solar_w).toBe(0);
    expect(r.stats.power.battery_w).toBeCloseTo(3.7 * 0.3, 2);
    expect(r.stats.power.load_w).toBeCloseTo(3.7 * 0.3, 2);
    expect(cssState(r.css)).toEqual({ level: 31, label: '31% \\263E' });
  });

  it('ignores the junk an AXP209 reports without a battery', () => {
    const r = run(
      tree({
        ...axpCharging,
        [`${axp}/battery/connected`]: '0\n',
        [`${axp}/battery/capacity`]: '127\n',
        [`${axp}/battery/voltage`]: '0\n',
        [`${axp}/battery/charging`]: '0\n',
      }),
    );
    expect(r.stats.battery).toEqual({ percent: null, charging: null, voltage_v: null, current_a: null });
    expect(r.stats.power.battery_w).toBe(0);
    expect(r.stats.power.load_w).toBeCloseTo(3.5, 2);
    expect(cssState(r.css)).toEqual({ level: 0, label: '?' });
  });

  it('reads an INA219 on the battery lead through hwmon', () => {
    const ina = {
      ...system,
      'sys/class/hwmon/hwmon0/name': 'cpu_thermal\n',
      'sys/class/hwmon/hwmon0/in1_input': '999\n',
      'sys/class/hwmon/hwmon1/name': 'ina219\n',
      'sys/class/hwmon/hwmon1/in1_input': '3800\n',
      'sys/class/hwmon/hwmon1/curr1_input': '250\n',
      'sys/class/hwmon/hwmon1/power1_input': '950000\n',
    };
    const drain = run(tree(ina));
    expect(drain.stats.battery).toEqual({ percent: null, charging: false, voltage_v: 3.8, current_a: 0.25 });
    expect(drain.stats.power.battery_w).toBeCloseTo(3.8 * 0.25, 2);
    expect(drain.stats.power.solar_w).toBeNull();
    // No percentage from a shunt: the meter says so rather than guessing from the voltage.
    expect(cssState(drain.css)).toEqual({ level: 0, label: '?' });

    const charge = run(tree({ ...ina, 'sys/class/hwmon/hwmon1/curr1_input': '-400\n' }));
    expect(charge.stats.battery.charging).toBe(true);
    expect(charge.stats.power.battery_w).toBeCloseTo(-3.8 * 0.4, 2);

    const inverted = run(tree(ina), { SOLAR_INA219_INVERT: '1' });
    expect(inverted.stats.battery.charging).toBe(true);
    expect(inverted.stats.power.battery_w).toBeCloseTo(-3.8 * 0.25, 2);
  });

  it('reads an INA219 on the load or the panel, next to the AXP209', () => {
    const files = {
      ...axpCharging,
      'sys/class/hwmon/hwmon3/name': 'ina219\n',
      'sys/class/hwmon/hwmon3/in1_input': '5100\n',
      'sys/class/hwmon/hwmon3/curr1_input': '400\n',
      'sys/class/hwmon/hwmon3/power1_input': '2040000\n',
    };
    const load = run(tree(files), { SOLAR_INA219_ROLE: 'load' });
    expect(load.stats.power.load_w).toBeCloseTo(2.04, 2);
    expect(load.stats.battery.percent).toBe(64);
    const solar = run(tree(files), { SOLAR_INA219_ROLE: 'solar' });
    expect(solar.stats.power.solar_w).toBeCloseTo(2.04, 2);
    expect(solar.stats.power.load_w).toBeCloseTo(2.04 - 3.92 * 0.42, 2);
    const bad = run(tree(files), { SOLAR_INA219_ROLE: 'moon' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/SOLAR_INA219_ROLE must be battery, solar or load/);
  });

  it('writes all nulls, still valid, from an empty tree', () => {
    const r = run(tree({}));
    expect(r.code, r.stderr).toBe(0);
    const s = r.stats;
    expect(s.battery).toEqual({ percent: null, charging: null, voltage_v: null, current_a: null });
    expect(s.power).toEqual({ solar_w: null, battery_w: null, load_w: null });
    expect(s.system).toEqual({ uptime_s: null, load: null, cpu_temp_c: null });
    expect(s.forecast).toBeNull();
    expect(cssState(r.css)).toEqual({ level: 0, label: '?' });
  });

  it('turns odd values into null instead of crashing or writing bad JSON', () => {
    const r = run(
      tree({
        [`${axp}/battery/connected`]: '1\n',
        [`${axp}/battery/capacity`]: 'abc\n',
        [`${axp}/battery/voltage`]: '3.9V\n',
        [`${axp}/battery/amperage`]: '--5\n',
        [`${axp}/battery/charging`]: '2\n',
        [`${axp}/ac/connected`]: 'yes\n',
        [`${axp}/ac/voltage`]: '5000000\n',
        [`${axp}/ac/amperage`]: '1e6\n',
        'sys/class/thermal/thermal_zone0/temp': '\n',
        'proc/loadavg': 'foo bar baz\n',
        'proc/uptime': '"; rm -rf /\n',
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stats.battery).toEqual({ percent: null, charging: null, voltage_v: null, current_a: null });
    expect(r.stats.power).toEqual({ solar_w: null, battery_w: null, load_w: null });
    expect(r.stats.system).toEqual({ uptime_s: null, load: null, cpu_temp_c: null });
    expect(cssState(r.css)).toEqual({ level: 0, label: '?' });
  });

  it('writes valid JSON whatever the sensors say: huge numbers, non-UTF-8 zone names', () => {
    const huge = '9'.repeat(400);
    const r = run(
      tree({
        [`${axp}/battery/connected`]: '1\n',
        [`${axp}/battery/capacity`]: `${huge}\n`,
        [`${axp}/battery/voltage`]: `${huge}\n`,
        [`${axp}/battery/amperage`]: `-${huge}\n`,
        [`${axp}/battery/charging`]: '0\n',
        [`${axp}/ac/connected`]: '1\n',
        [`${axp}/ac/voltage`]: `${huge}\n`,
        [`${axp}/ac/amperage`]: '1000000\n',
        'sys/class/thermal/thermal_zone0/temp': `${huge}\n`,
        'proc/loadavg': `${huge}.5 1.${huge} 0.1 1/1 1\n`,
        'proc/uptime': `${huge}.00 1.00\n`,
      }),
      // Latin-1 bytes and a lone continuation byte, not UTF-8 (Node would encode an env value as UTF-8).
      { SOLAR_TIMEZONE_SH: 'Eur\\366pe/\\200\\377' },
      [],
    );
    expect(r.code, r.stderr).toBe(0);
    // run() decoded the file with a fatal UTF-8 decoder and parsed it with the strict schema.
    expect(r.json).not.toMatch(/inf|nan/i);
    expect(r.stats.battery).toEqual({ percent: null, charging: false, voltage_v: null, current_a: null });
    expect(r.stats.power.solar_w).toBeNull();
    expect(r.stats.system).toEqual({ uptime_s: null, load: null, cpu_temp_c: null });
    expect(r.stats.timezone).toBe('Eur\ufffdpe/\ufffd\ufffd');
  });

  it('labels a known level without a direction by the level alone', () => {
    const r = run(tree({ ...axpCharging, [`${axp}/battery/charging`]: 'x\n' }));
    expect(r.stats.battery.percent).toBe(64);
    expect(r.stats.battery.charging).toBeNull();
    expect(cssState(r.css)).toEqual({ level: 64, label: '64%' });
  });

  describe('forecast command', () => {
    it('takes up to three validated days from the command (env or flag)', () => {
      const cmd = `printf '2026-11-24 sunny\\r\\n\\n2026-11-25  partly-cloudy\\n2026-11-26 foggy\\n2026-11-27 snow\\n'`;
      const viaEnv = run(tree({}), { SOLAR_FORECAST_CMD: cmd });
      expect(viaEnv.stats.forecast).toEqual([
        { date: '2026-11-24', sky: 'sunny' },
        { date: '2026-11-25', sky: 'partly-cloudy' },
        { date: '2026-11-26', sky: 'unknown' },
      ]);
      const viaFlag = run(tree({}), {}, ['--forecast-cmd', 'echo 2026-12-01 rain']);
      expect(viaFlag.stats.forecast).toEqual([{ date: '2026-12-01', sky: 'rain' }]);
      const leap = run(tree({}), { SOLAR_FORECAST_CMD: 'echo 2024-02-29 snow' });
      expect(leap.stats.forecast).toEqual([{ date: '2024-02-29', sky: 'snow' }]);
    });

    it('drops a forecast with a malformed line and says why', () => {
      for (const line of ['2024-02-30 sunny', '2023-02-29 sunny', '2026-04-31 rain', '2026-13-01 sunny', 'tomorrow sunny', '2026-11-24 sunny extra', '2026-11-24 "<b>"']) {
        const r = run(tree({}), { SOLAR_FORECAST_CMD: `echo 2026-11-24 cloudy; echo '${line}'` });
        expect(r.code).toBe(0);
        expect(r.stats.forecast, line).toBeNull();
        expect(r.stderr).toMatch(/forecast ignored: expected "YYYY-MM-DD sky"/);
      }
    });

    it('drops the forecast when the command fails, is missing or prints nothing', () => {
      for (const cmd of ['echo 2026-11-24 sunny; exit 3', 'solar-no-such-forecaster', 'true', 'yes 2026-11-24 sunny | head -n 200000']) {
        const r = run(tree({}), { SOLAR_FORECAST_CMD: cmd });
        expect(r.code, cmd).toBe(0);
        expect(r.stats.forecast, cmd).toBeNull();
        expect(r.stderr, cmd).toMatch(/forecast ignored: (command failed|command printed nothing|more than 4096 bytes)/);
      }
    });
  });

  it('escapes quotes, backslashes, control characters and markup in strings', () => {
    const zone = 'Europe/"Amsterdam"\\</script><b>&amp;\ttab';
    const r = run(tree({}), { SOLAR_TIMEZONE: zone });
    expect(r.json).not.toMatch(/[<>&]/);
    expect(r.stats.timezone).toBe(zone);
  });

  it('writes generated and local_time as the same instant in the board zone', () => {
    const r = run(tree({}));
    const { generated, local_time } = r.stats;
    expect(generated).toMatch(/Z$/);
    expect(local_time).toMatch(/\+0[12]:00$/); // Amsterdam: CET or CEST
    expect(Date.parse(local_time!)).toBe(Date.parse(generated!));
  });

  it('keeps the schema for every output above (sanity: the validator rejects a wrong one)', () => {
    const good = run(tree(axpCharging)).stats;
    expect(statsSchema.safeParse({ ...good, battery: { ...good.battery, percent: 127 } }).success).toBe(false);
    expect(statsSchema.safeParse({ ...good, forecast: [{ date: '2026-11-24', sky: 'foggy' }] }).success).toBe(false);
    expect(statsSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });

  it('answers --help, and refuses unknown arguments and a missing output dir', () => {
    const root = tree({});
    const help = spawnSync('dash', [script, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--forecast-cmd/);
    expect(run(root, {}, ['--frobnicate']).code).toBe(2);
    expect(run(root, {}, ['--out']).code).toBe(2);
    const missing = run(root, { SOLAR_STATS_DIR: join(root, 'nope') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(root, 'nope'));
  });

  it('replaces the files atomically: a reader never sees a partial file', async () => {
    const root = tree(axpCharging);
    const out = join(root, 'out');
    run(root); // a first complete pair
    const rounds = 60;
    const loop = `i=0; while [ $i -lt ${rounds} ]; do dash "$0" || exit 1; i=$((i+1)); done`;
    const writer = spawn('dash', ['-c', loop, script], {
      env: {
        PATH: process.env.PATH,
        SOLAR_SYSFS_ROOT: join(root, 'sys'),
        SOLAR_PROC_ROOT: join(root, 'proc'),
        SOLAR_STATS_DIR: out,
        SOLAR_TIMEZONE: 'Europe/Amsterdam',
        SOLAR_FORECAST_CMD: `printf '2026-11-24 sunny\\n2026-11-25 rain\\n'`,
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    let reads = 0;
    const bad: string[] = [];
    while (!done && reads < 100_000) {
      const json = readFileSync(join(out, 'stats.json'), 'utf8');
      if (!statsSchema.safeParse(safeJson(json)).success) bad.push(json);
      const css = readFileSync(join(out, 'battery.css'), 'utf8');
      if (cssState(css).label !== '64% \\2600') bad.push(css);
      reads++;
      if (reads % 20 === 0) await tick();
    }
    expect(await exited).toBe(0);
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(rounds);
    // No temporary file is left behind.
    expect(readdirSync(out).sort()).toEqual(['battery.css', 'power-history.csv', 'power-history.svg', 'stats.json']);
  });
});

/** The file's text, refusing any byte sequence that is not UTF-8 (as a strict JSON reader must). */
function strictUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
