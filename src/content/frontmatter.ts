/**
 * Front matter: the keys solarpress knows, validated with messages that name the key, what it must
 * be and what it is (the reader reports the key's line). Keys it does not know are kept in page.data
 * for the theme; keys a plugin owns are validated by the plugin's schema (SolarpressPlugin.frontMatter).
 */
import * as z from 'zod';

/** What a value is, in an author's words: `the text "false"`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'empty';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) {
    const odd = value.find((item) => typeof item !== 'string');
    return odd === undefined ? 'a list' : `a list holding ${describeValue(odd)}`;
  }
  return 'a mapping (key: value lines)';
}

/** The message of a key whose value has the wrong type: "draft must be true or false, not the text "false"". */
const mustBe = (key: string, what: string) => ({
  error: (issue: { input?: unknown }) => {
    const quoted = typeof issue.input === 'string' && what === 'true or false' && /^(true|false)$/i.test(issue.input);
    return `${key} must be ${what}, not ${describeValue(issue.input)}${quoted ? ' (write it without quotes)' : ''}`;
  },
});

const date = (key: string) =>
  z.union([z.date(), z.string()], mustBe(key, 'a date (YYYY-MM-DD)')).transform((value, ctx) => {
    const parsed = value instanceof Date ? value : parseDate(value);
    if (!parsed || Number.isNaN(parsed.getTime())) {
      ctx.addIssue({ code: 'custom', message: `invalid date ${JSON.stringify(String(value))}: write it as YYYY-MM-DD (or an ISO 8601 date-time)` });
      return z.NEVER;
    }
    return parsed;
  });

/** Dates without a time are midnight UTC, so output never depends on the build machine's time zone. */
export function parseDate(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T00:00:00Z`);
    // Refuse dates that roll over (2021-02-30 is not 2021-03-02).
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return new Date(text.replace(' ', 'T'));
  return undefined;
}

const text = (key: string) => z.string(mustBe(key, 'text'));

export const frontMatterSchema = z.looseObject({
  title: z
    .string({ error: (issue) => (issue.input === undefined ? 'missing title: every page needs `title: …` in its front matter' : mustBe('title', 'text').error(issue)) })
    .trim()
    .min(1, 'title is empty'),
  date: date('date').optional(),
  updated: date('updated').optional(),
  author: text('author').optional(),
  authors: z.array(text('each author'), mustBe('authors', 'a list of names')).optional(),
  summary: text('summary').optional(),
  category: text('category').optional(),
  tags: z
    .union([z.string(), z.array(z.string())], mustBe('tags', 'a word or a list of words'))
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  slug: text('slug')
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be lowercase letters, digits and single hyphens')
    .optional(),
  draft: z.boolean(mustBe('draft', 'true or false')).optional(),
  order: z.number(mustBe('order', 'a whole number')).int('order must be a whole number').optional(),
  image: text('image').optional(),
  layout: text('layout').optional(),
  issue: text('issue').optional(),
  /** Old addresses of the page (src/content/aliases.ts): each redirects here. */
  aliases: z
    .union([z.string(), z.array(z.string())], mustBe('aliases', 'a list of old addresses (aliases: [/old/path/])'))
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;
