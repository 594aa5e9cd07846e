/** Power stats documents for tests, shaped like the board script's output (see theme/README.md). */
export interface StatsOptions {
  percent?: number | null;
  charging?: boolean | null;
  /** When the stats were written. */
  generated?: Date;
}

export function statsJson(o: StatsOptions = {}): Record<string, unknown> {
  const generated = o.generated ?? new Date();
  return {
    schema: 1,
    generated: generated.toISOString().replace(/\.\d+Z$/, 'Z'),
    local_time: generated.toISOString().replace(/\.\d+Z$/, '+00:00'),
    timezone: 'Europe/Amsterdam',
    battery: { percent: o.percent === undefined ? 64 : o.percent, charging: o.charging === undefined ? true : o.charging, voltage_v: 3.92, current_a: 0.42 },
    power: { solar_w: 2.1, battery_w: -0.3, load_w: 1.8 },
    system: { uptime_s: 123456, load: [0.12, 0.2, 0.3], cpu_temp_c: 41.2 },
    forecast: [
      { date: '2026-11-24', sky: 'sunny' },
      { date: '2026-11-25', sky: 'cloudy' },
      { date: '2026-11-26', sky: 'rain' },
    ],
  };
}

/** battery.css as the board writes it. */
export function batteryCss(percent: number | null, charging: boolean | null): string {
  const symbol = percent === null ? '' : charging ? ' \\2600' : ' \\263E';
  return `/* solarpress power stats */\n:root{--battery-level:${percent ?? 0}%}\n.battery-label::after{content:"${percent === null ? '?' : `${percent}%${symbol}`}"}\n`;
}

/** A stand-in for the board's chart of the last days (/api/power-history.svg): the power page and every footer show it. */
export function powerHistorySvg(): string {
  return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 250"><rect width="640" height="250" fill="#f2b705"/></svg>';
}
