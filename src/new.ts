/**
 * `solarpress new`: scaffold a content file with complete front matter, ready to preview.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags } from './cli/flags.ts';
import { parseDate } from './content/frontmatter.ts';
import { loadContent } from './content/load.ts';
import { UsageError } from './errors.ts';
import type { CommandSpec } from './types.ts';

const FOLDERS = { article: 'articles', guide: 'guides', page: 'pages' } as const;

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const newCommand: CommandSpec = {
  name: 'new',
  summary: 'start a new article, guide or page',
  usage: `Usage: solarpress new <article|guide|page> "Title" [--slug SLUG] [--date YYYY-MM-DD]

Writes content/<articles|guides|pages>/<slug>.md with front matter (draft: true, so it shows in
'npm run dev' but not in the build until you remove it). Prints the file's path.`,
  async run(args, env) {
    const { values, positionals } = parseFlags(args, { slug: { type: 'string' }, date: { type: 'string' } }, true);
    const [kind, ...titleWords] = positionals;
    if (!(kind in FOLDERS)) throw new UsageError(`first say what to make: article, guide or page (got "${kind ?? ''}")`);
    const title = titleWords.join(' ').trim();
    if (!title) throw new UsageError('give the title in quotes: solarpress new article "My title"');
    const slug = values.slug ?? slugify(title);
    if (values.slug === undefined && !slug) throw new UsageError(`the title "${title}" has no Latin letters or digits to make a file name of: give one with --slug (lowercase letters, digits and hyphens)`);
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) throw new UsageError(`--slug must be lowercase letters, digits and hyphens (got "${slug}")`);
    const date = values.date ?? new Date().toISOString().slice(0, 10);
    // The front matter's own rule, so that what new writes builds (2021-02-30 does not).
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parseDate(date)) throw new UsageError(`--date must be a real day, YYYY-MM-DD (got "${date}")`);
    const config = await env.loadConfig();
    const folder = FOLDERS[kind as keyof typeof FOLDERS];
    const file = path.join(env.root, config.contentDir, folder, `${slug}.md`);
    if (existsSync(file)) throw new UsageError(`${path.relative(env.root, file)} exists already: pick another title or --slug`);
    // Articles, guides and pages share the site's root: another kind's file, or a `slug:`, may hold the address.
    const url = `/${slug}/`;
    const contentDir = path.join(env.root, config.contentDir);
    const holder = existsSync(contentDir) ? loadContent({ contentDir, drafts: true, errors: [] }).find((f) => f.page.url === url || f.page.aliases?.includes(url)) : undefined;
    if (holder) throw new UsageError(`${url} is the address of ${path.join(config.contentDir, holder.page.id)} already: pick another title or --slug`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      [
        '---',
        `title: ${JSON.stringify(title)}`,
        `date: ${date}`,
        `author: ${JSON.stringify(config.author.name)}`,
        'summary: ""',
        `category: ${folder}`,
        'tags: []',
        'draft: true',
        '---',
        '',
        'Write here. Preview with `npm run dev`; remove `draft: true` to publish.',
        '',
      ].join('\n'),
      { flag: 'wx' },
    );
    env.stdout.write(`${path.relative(env.root, file)}\n`);
    return 0;
  },
};
