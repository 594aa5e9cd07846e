/**
 * Front matter: the keys solarpress knows, validated with messages that name the key and its line.
 * Keys it does not know are kept in page.data for the theme.
 */
import { z } from 'zod';

const date = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const parsed = value instanceof Date ? value : parseDate(value);
  if (!parsed || Number.isNaN(parsed.getTime())) {
    ctx.addIssue({ code: 'custom', message: `invalid date ${JSON.stringify(String(value))}: write it as YYYY-MM-DD (or an ISO 8601 date-time)` });
    return z.NEVER;
  }
  return parsed;
});

/** Dates without a time are midnight UTC, so output never depends on the build machine's time zone. */
function parseDate(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = new Date(`${text}T00:00:00Z`);
    // Refuse dates that roll over (2021-02-30 is not 2021-03-02).
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return new Date(text.replace(' ', 'T'));
  return undefined;
}

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

export const frontMatterSchema = z.looseObject({
  title: z.string({ error: (issue) => (issue.input === undefined ? 'missing title: every page needs `title: …` in its front matter' : 'title must be text') }).trim().min(1, 'title is empty'),
  date: date.optional(),
  updated: date.optional(),
  author: z.string().optional(),
  authors: z.array(z.string()).optional(),
  summary: z.string().optional(),
  category: z.string().optional(),
  tags: stringList.optional(),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be lowercase letters, digits and single hyphens')
    .optional(),
  draft: z.boolean().optional(),
  order: z.number().int().optional(),
  image: z.string().optional(),
  layout: z.string().optional(),
  issue: z.string().optional(),
});

export type FrontMatter = z.output<typeof frontMatterSchema>;
