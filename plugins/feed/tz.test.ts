/**
 * Feed dates must not depend on the build machine's time zone: the same site is rendered in child
 * processes under several TZ values (a process reads TZ once, so it cannot be switched in-process).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/render-feeds.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url)); // where tsx is installed

function renderIn(tz: string): { offsetMinutes: number; files: Record<string, string> } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

// UTC, a European zone with DST, a negative one, a +14 one and a non-whole-hour one.
const ZONES = ['UTC', 'Europe/Amsterdam', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Kathmandu'];

describe('feeds under different time zones', () => {
  const results = ZONES.map((tz) => ({ tz, ...renderIn(tz) }));

  it('really ran under each zone', () => {
    expect(results.map((r) => r.offsetMinutes)).toEqual([0, -60, 480, -840, -345]);
  });

  it('writes the same bytes in every zone', () => {
    const [utc, ...others] = results;
    for (const other of others) expect(other.files, other.tz).toEqual(utc!.files);
  });

  it('writes UTC dates: midnight UTC stays on its day', () => {
    for (const { tz, files } of results) {
      const rss = files['/feed.xml']!;
      const atom = files['/atom.xml']!;
      const json = JSON.parse(files['/feed.json']!);
      expect(rss, tz).toContain('<pubDate>Sun, 01 Mar 2026 00:00:00 GMT</pubDate>');
      expect(rss, tz).toContain('<pubDate>Sun, 01 May 2016 00:00:00 GMT</pubDate>');
      expect(atom, tz).toContain('<published>2026-03-01T00:00:00.000Z</published>');
      expect(atom, tz).toContain('<updated>2019-01-02T12:34:56.000Z</updated>');
      expect(json.items[0].date_published, tz).toBe('2026-03-01T00:00:00.000Z');
    }
  });
});
