/** `solarpress zine <issue>`: make an issue's EPUB, A5 PDF and booklet on demand, into a folder. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { CacheStore } from '../../src/cache/store.js';
import { parseFlags } from '../../src/cli/flags.ts';
import { ContentError, UsageError } from '../../src/errors.ts';
import type { CommandEnv, CommandSpec } from '../../src/types.ts';
import { makeEditions } from './make.ts';
import { zineEditionsOptionsOf } from './options.ts';

export const USAGE = `Usage: solarpress zine <issue> [--epub] [--pdf] [--booklet] [--out DIR] [options]

Make editions of a zine issue (its folder name under content/zine/, e.g. ilu-9) from the site's
Markdown, whatever site.config.ts publishes. Without --epub, --pdf or --booklet, makes all three.
The PDFs are printed by Chromium (zine.chromium in site.config.ts, default /usr/bin/chromium).
Everything is cached: an unchanged issue is copied from .solarpress-cache/zine-editions/.

  --epub                 the EPUB 3 (<issue>.epub)
  --pdf                  the A5 PDF (<issue>-a5.pdf)
  --booklet              the A4 booklet for saddle stitching (<issue>-booklet.pdf)
  --out DIR              where to write them (default: the current folder)
  --printer-margin MM    the booklet's margin the printer cannot print (default: zine.printerMargin)
  --drafts               include draft parts
  --force                replace files of the same name that differ
  --help                 show this help

Examples:
  solarpress zine ilu-9 --out print/
  solarpress zine ilu-9 --booklet --printer-margin 5 --out print/
`;

const FLAGS = {
  epub: { type: 'boolean' },
  pdf: { type: 'boolean' },
  booklet: { type: 'boolean' },
  out: { type: 'string' },
  'printer-margin': { type: 'string' },
  drafts: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function sameBytes(a: string, b: string): boolean {
  return statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b));
}

export const zineCommand: CommandSpec = {
  name: 'zine',
  summary: "make a zine issue's EPUB, A5 PDF and booklet",
  usage: USAGE,
  async run(args: string[], env: CommandEnv): Promise<number> {
    const { values: flags, positionals } = parseFlags(args, FLAGS, true);
    if (flags.help) {
      env.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('name one issue: solarpress zine <issue> (its folder under content/zine/)');
    const margin = flags['printer-margin'] === undefined ? undefined : Number(flags['printer-margin']);
    if (margin !== undefined && !(Number.isFinite(margin) && margin >= 0 && margin <= 30)) {
      throw new UsageError('--printer-margin: expected millimetres from 0 to 30');
    }
    const all = !flags.epub && !flags.pdf && !flags.booklet;
    const outDir = path.resolve(process.cwd(), flags.out ?? '.');
    if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out ${flags.out}: not a folder`);

    const config = await env.loadConfig();
    const options = zineEditionsOptionsOf(config);
    // The site's pages and published images, built in memory (and cached like any build).
    const { SiteBuilder } = await import('../../src/build.ts');
    const result = await new SiteBuilder({ root: env.root, write: false, drafts: flags.drafts ?? false, log: env.log }).build();
    const made = await makeEditions(
      {
        config,
        drafts: flags.drafts ?? false,
        cache: (name, version) => new CacheStore({ root: path.resolve(env.root, config.cacheDir), name, version }),
        read: (p) => (result.output.has(p) ? result.output.read(p) : undefined),
        log: env.log,
      },
      result.site,
      {
        epub: all || !!flags.epub,
        pdf: all || !!flags.pdf,
        booklet: all || !!flags.booklet,
        guides: false,
        printerMargin: margin ?? options?.printerMargin ?? 0,
        chromium: options?.chromium ?? '/usr/bin/chromium',
        issue: positionals[0],
      },
    );
    mkdirSync(outDir, { recursive: true });
    for (const book of made) {
      const target = path.join(outDir, path.posix.basename(book.outputPath));
      if (existsSync(target) && !flags.force && !sameBytes(target, book.file)) {
        throw new ContentError(`${target} exists and holds something else`, { file: target }, 'remove it, choose another --out, or pass --force');
      }
      // Copied beside and renamed in: the folder never holds half a book.
      const temp = `${target}.${process.pid}.tmp`;
      copyFileSync(book.file, temp);
      renameSync(temp, target);
      env.stdout.write(`${path.relative(process.cwd(), target) || target}  ${statSync(target).size} bytes${book.fresh ? '' : ' (cached)'}\n`);
    }
    return 0;
  },
};
