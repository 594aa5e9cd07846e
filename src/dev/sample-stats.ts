/**
 * Sample power statistics for the preview server, in the schema the board's scripts/solar-stats.sh
 * writes (documented in theme/README.md), so the theme's power display works offline.
 */
export interface SampleStats {
  stats: string;
  css: string;
}

export function sampleStats(now = new Date(), timezone = 'Europe/Amsterdam'): SampleStats {
  const percent = 64;
  const generated = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const stats = {
    schema: 1,
    generated,
    local_time: localIso(now, timezone),
    timezone,
    battery: { percent, charging: true, voltage_v: 3.92, current_a: 0.42 },
    power: { solar_w: 2.1, battery_w: -0.3, load_w: 1.8 },
    system: { uptime_s: 1_234_567, load: [0.12, 0.2, 0.3], cpu_temp_c: 41.2 },
    forecast: [
      { date: day(1), sky: 'sunny' },
      { date: day(2), sky: 'partly-cloudy' },
      { date: day(3), sky: 'rain' },
    ],
  };
  const css = `/* solarpress power stats (preview sample), written ${generated} */\n:root{--battery-level:${percent}%}\n.battery-label::after{content:"${percent}% \\2600"}\n`;
  return { stats: JSON.stringify(stats, null, 2) + '\n', css };
}

/** ISO 8601 local time with offset, in the board's time zone. */
function localIso(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
