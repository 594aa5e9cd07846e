/**
 * Dates as readers see them. Content dates are calendar dates: format them in UTC so a page is the
 * same whatever time zone the build machine runs in.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string): Intl.DateTimeFormat {
  // Plain 'en' would give US order; the club writes day month year.
  if (language === 'en') language = 'en-GB';
  let f = formats.get(language);
  if (!f) {
    f = new Intl.DateTimeFormat(language, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
    formats.set(language, f);
  }
  return f;
}

/** '23 November 2026' (in the site's language). */
export function formatDate(date: Date, language: string): string {
  return formatter(language).format(date);
}

/** '2026-11-23', for `<time datetime>`. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function yearOf(date: Date): number {
  return date.getUTCFullYear();
}
