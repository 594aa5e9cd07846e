/** Dates as readers see them: the club's language without Intl, every other through it. */
import { describe, expect, it } from 'vitest';
import { formatDate } from './dates.ts';

describe('formatDate', () => {
  const intl = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });

  it("gives Intl's en-GB text for every day of a leap year and a few far years, in UTC", () => {
    const days: Date[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 86_400_000) days.push(new Date(t), new Date(t + 86_399_999));
    days.push(new Date(Date.UTC(1970, 0, 1)), new Date(Date.UTC(1999, 11, 31, 23, 59)), new Date(Date.UTC(2100, 1, 28)));
    for (const date of days) {
      expect(formatDate(date, 'en-GB')).toBe(intl.format(date));
      expect(formatDate(date, 'en')).toBe(intl.format(date));
    }
  });

  it('formats other languages through Intl', () => {
    const date = new Date(Date.UTC(2026, 10, 23));
    expect(formatDate(date, 'nl')).toBe(new Intl.DateTimeFormat('nl', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(date));
    expect(formatDate(date, 'nl')).toBe('23 november 2026');
  });
});
