/**
 * Dates as readers see them. Content dates are calendar dates: format them in UTC so a page is the
 * same whatever time zone the build machine runs in.
 */
interface Format {
  format: Pick<Intl.DateTimeFormat, 'format'>;
  /** By time value: a list of a thousand posts formats each date once per build, not once per list. */
  done: Map<number, string>;
}
const formats = new Map<string, Format>();

function formatter(language: string): Format {
  // Plain 'en' would give US order; the club writes day month year.
  if (language === 'en') language = 'en-GB';
  let f = formats.get(language);
  if (!f) {
    const format = language === 'en-GB' ? britishDates : new Intl.DateTimeFormat(language, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
    f = { format, done: new Map() };
    formats.set(language, f);
  }
  return f;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * What Intl gives for en-GB, without it: making a first DateTimeFormat loads ICU's data for it, 10-30
 * ms of every build that lays out a page (an edit lays out one), for the club's own language.
 */
const britishDates = {
  format: (date: Date) => `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`,
};

/** '23 November 2026' (in the site's language). */
export function formatDate(date: Date, language: string): string {
  const { format, done } = formatter(language);
  const time = date.getTime();
  let text = done.get(time);
  if (text === undefined) done.set(time, (text = format.format(date)));
  return text;
}

const isoDates = new Map<number, string>();

/** '2026-11-23', for `<time datetime>`. */
export function isoDate(date: Date): string {
  const time = date.getTime();
  let text = isoDates.get(time);
  if (text === undefined) isoDates.set(time, (text = date.toISOString().slice(0, 10)));
  return text;
}

export function yearOf(date: Date): number {
  return date.getUTCFullYear();
}
