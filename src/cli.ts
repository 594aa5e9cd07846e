/**
 * The `solarpress` command line. Exit codes: 0 ok, 1 content or config error, 2 usage error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BuildResult } from './build.ts';
import type { BuildFigures } from './build-inputs.ts';
import { formatBytes } from './cli/bytes.ts';
import { reportError as report } from './cli/report.ts';
import { parseFlags } from './cli/flags.ts';
import { CONFIG_FILE } from './config-file.ts';
import { ContentErrors, UsageError } from './errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { createLogger } from './log.ts';
import type { CommandEnv, CommandSpec } from './types.ts';
import { VERSION } from './version.ts';

const HELP = `solarpress — a low-tech static site generator for solar-powered websites

Usage: solarpress <command> [options]

Commands:
  init      start a new site: config, first article, about page, npm scripts
  build     build the site into the output folder (dist/)
  dev       preview the site on http://127.0.0.1:4000, rebuilding and reloading on save
  new       start a new article, guide or page with its front matter
  check     build without writing anything, to find content errors
  serve     serve the built site on http://127.0.0.1:8080 as the board will
  theme     theme eject: copy the solar theme into the site to edit it
%PLUGINS%
Run 'solarpress <command> --help' for a command's options, 'solarpress --version' for the version.`;

/**
 * The build, the config loader and the plugins load when a command needs them: `--version`, `new`
 * or `init` do without the megabytes of code (zod, the Markdown pipeline, the plugins' libraries).
 */
const loadBuild = () => import('./build.ts');
const loadConfigModules = () => Promise.all([import('./config-load.ts'), import('./plugins.ts')]).then(([configLoad, plugins]) => ({ ...configLoad, ...plugins }));

export async function main(argv: string[], root = process.cwd()): Promise<number> {
  const log = createLogger({ root });
  const env: CommandEnv = { root, log, stdout: process.stdout, loadConfig: async () => (await loadConfigModules()).loadConfig(root) };
  const [name, ...args] = argv;
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(HELP.replace('%PLUGINS%', await pluginCommandList(root)) + '\n');
      return name ? 0 : 2;
    }
    if (name === '--version' || name === '-V' || name === 'version') {
      process.stdout.write(`solarpress ${VERSION}\n`);
      return 0;
    }
    const command = coreCommands[name] ?? (await pluginCommand(name, root));
    if (!command) {
      const known = [...Object.keys(coreCommands), ...(await pluginCommands(root)).map((c) => c.name)];
      // Plugins' commands (the built-in dither plugin's `dither` too) come from a site's config.
      const outsideSite = !existsSync(path.join(root, CONFIG_FILE));
      throw new UsageError(
        `unknown command "${name}"${didYouMean(name, known)} (see solarpress --help)`,
        outsideSite ? `there is no ${CONFIG_FILE} here, and plugins' commands (such as dither) are a site's: run it in the site's folder, or start a site with solarpress init` : undefined,
      );
    }
    if ((args.includes('--help') || args.includes('-h')) && command.usage) {
      process.stdout.write(command.usage.trimEnd() + '\n');
      return 0;
    }
    return await command.run(args, env);
  } catch (error) {
    return reportError(error, root);
  }
}

/** The one reporter (src/cli/report.ts), as plugins' entries call it. */
export function reportError(error: unknown, root: string): number {
  return report(error, { root });
}

const buildCommand: CommandSpec = {
  name: 'build',
  summary: 'build the site',
  usage: `Usage: solarpress build [--drafts] [--future] [--release] [--out DIR] [--quiet] [--watch]

Builds the site into the output folder (config outDir, default dist/). The new output replaces the
old one only when the whole build succeeds. Unchanged pages and images come from the cache; when
nothing the last build read has changed and its output is intact, the build ends at once.

  --drafts     include pages with draft: true
  --future     include pages whose date is still to come (held back by default)
  --release    precompress every file at release effort, the smallest .gz and .br (what
               solarpress deploy does; for copying dist/ to a server yourself). A plain build
               compresses what changed at edit effort, quicker and larger, and keeps a file's
               release-effort siblings while it is unchanged
  --out DIR    write here instead of the configured outDir: a new or empty folder, or one an
               earlier build wrote (never the project, content, theme or cache folder)
  --quiet      print only problems
  --watch      build again on every save to content, theme, static files or site.config.ts
               (no server: for serving dist/ with your own; a failed build keeps the last good dist/)`,
  async run(args, env) {
    const { values } = parseFlags(args, { drafts: { type: 'boolean' }, future: { type: 'boolean' }, release: { type: 'boolean' }, out: { type: 'string' }, quiet: { type: 'boolean' }, watch: { type: 'boolean' } });
    const log = createLogger({ root: env.root, quiet: values.quiet });
    const line = (s: BuildFigures, ms: number, how: string, outDir: string, unchanged: boolean) =>
      `built ${s.pages} pages, ${s.images} images, ${s.files} files, ${formatBytes(s.bytes)} in ${(ms / 1000).toFixed(2)} s (${how})` +
      `${s.draftsLeftOut ? `, ${s.draftsLeftOut} draft${s.draftsLeftOut === 1 ? '' : 's'} left out (--drafts to include)` : ''}` +
      `${s.futureLeftOut ? `, ${s.futureLeftOut} future-dated page${s.futureLeftOut === 1 ? '' : 's'} left out (--future to include)` : ''}` +
      ` → ${path.relative(env.root, outDir) || '.'}${unchanged ? ' (unchanged)' : ''}`;
    const summary = (result: BuildResult) => {
      const s = result.stats;
      const fromCache = result.site.pages.filter((p) => p.source).length - s.renderedBodies;
      return line(s, s.ms, `${s.renderedBodies} pages rendered, ${fromCache} from the cache; ${s.laidOut} laid out`, result.outDir, s.written === 'unchanged');
    };
    if (values.watch) {
      if (values.release) throw new UsageError('--release is for one build, not --watch (a release compresses every changed file for seconds)');
      const { watchBuild } = await import('./watch-build.ts');
      const watching = await watchBuild({ root: env.root, outDir: values.out, drafts: values.drafts, future: values.future, log, summary, report: (text) => process.stderr.write(text + '\n') });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop).off('SIGTERM', stop);
          void watching.close().then(resolve);
        };
        process.once('SIGINT', stop).once('SIGTERM', stop);
      });
      return 0;
    }
    // Nothing changed since the last build, and its output in place: said without loading the pipeline (src/build-inputs.ts).
    const started = { ms: Date.now(), at: performance.now() };
    const request = { root: env.root, drafts: values.drafts === true, future: values.future === true, release: values.release === true, out: values.out };
    const { lastBuild, recordBuild } = await import('./build-inputs.ts');
    const last = await lastBuild(request, log);
    if (last.unchanged) {
      const { figures, outDir, warnings } = last.unchanged;
      for (const warning of warnings) log.warn(warning);
      if (!values.quiet) log.info(line(figures, performance.now() - started.at, 'nothing changed since the last build: no page read, rendered or laid out', outDir, true));
      return 0;
    }
    const { build } = await loadBuild();
    const warned = log.warnings.length;
    const result = await build({ root: env.root, outDir: values.out, drafts: values.drafts, future: values.future, release: values.release, log, stampInputs: true });
    const s = result.stats;
    recordBuild(
      request,
      last,
      {
        cacheDir: path.resolve(env.root, result.config.cacheDir),
        outDir: result.outDir,
        inputs: result.inputs,
        figures: { pages: s.pages, images: s.images, files: s.files, bytes: s.bytes, draftsLeftOut: s.draftsLeftOut, futureLeftOut: s.futureLeftOut },
        written: s.written !== 'not written',
      },
      log.warnings.slice(warned),
      started.ms,
    );
    if (!values.quiet) log.info(summary(result));
    return 0;
  },
};

const checkCommand: CommandSpec = {
  name: 'check',
  summary: 'find content errors without writing',
  usage: `Usage: solarpress check [--no-drafts] [--external [--timeout SECONDS] [--per-host N]]

Runs the whole build without writing the output folder, drafts included: reports every content
error (bad front matter, broken links and images, in every file at once) and warning.
Exits 1 when there are errors.

  --no-drafts        leave out pages with draft: true, as the build does
  --external         also ask every http(s) link and image whether it still answers (HEAD, else
                     GET); needs the network, so only on request and never at build time
  --timeout SECONDS  wait this long for each answer (default 10)
  --per-host N       requests at once to one host (default 2), to be polite`,
  async run(args, env) {
    const { values } = parseFlags(args, {
      drafts: { type: 'boolean' },
      'no-drafts': { type: 'boolean' },
      external: { type: 'boolean' },
      timeout: { type: 'string' },
      'per-host': { type: 'string' },
    });
    const positive = (flag: string, value: string | undefined, fallback: number) => {
      if (value === undefined) return fallback;
      if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} takes a positive number (got "${value}")`);
      return Number(value);
    };
    const timeoutMs = positive('--timeout', values.timeout, 10) * 1000;
    const perHost = Math.ceil(positive('--per-host', values['per-host'], 2));
    if (!values.external && (values.timeout !== undefined || values['per-host'] !== undefined)) throw new UsageError('--timeout and --per-host go with --external');
    const drafts = !values['no-drafts'];
    const log = createLogger({ root: env.root });
    const { build } = await loadBuild();
    const result = await build({ root: env.root, drafts, future: true, log, write: false });
    let external = '';
    if (values.external) {
      const { checkExternalLinks, externalLinks } = await import('./check/external-links.ts');
      const { errors, checked } = await checkExternalLinks(externalLinks(result.site), { timeoutMs, perHost, concurrency: 8, log });
      if (errors.length > 0) throw new ContentErrors(errors);
      external = `, ${checked} external links answer`;
    }
    log.info(`checked ${result.stats.pages} pages${drafts ? ' (drafts included)' : ''}: ${log.warnings.length} warnings, no errors${external}`);
    return 0;
  },
};

const coreCommands: Record<string, CommandSpec> = {
  build: buildCommand,
  check: checkCommand,
  dev: lazyCommand('dev', 'preview with live reload', () => import('./dev/command.ts')),
  serve: lazyCommand('serve', 'serve the built site as the board will', () => import('./serve/command.ts')),
  new: lazyCommand('new', 'start a new article, guide or page', () => import('./new.ts')),
  init: lazyCommand('init', 'start a new site here (or in a new folder)', () => import('./init.ts')),
  theme: lazyCommand('theme', "theme eject: copy the solar theme into the site to edit it", () => import('./theme-eject.ts')),
  deploy: lazyCommand('deploy', 'build and send the site to the board', () => import('./deploy/index.ts')),
};

/** Commands whose modules load only when used, so `solarpress build` starts fast. */
function lazyCommand(name: string, summary: string, load: () => Promise<Record<string, unknown>>): CommandSpec {
  let loaded: CommandSpec | undefined;
  const get = async () => {
    loaded ??= Object.values(await load()).find((v): v is CommandSpec => typeof v === 'object' && v !== null && (v as CommandSpec).name === name);
    if (!loaded) throw new Error(`module for command ${name} exports no CommandSpec`);
    return loaded;
  };
  return {
    name,
    summary,
    usage: '', // known once loaded: run() prints it for --help
    async run(args, env) {
      const command = await get();
      if (args.includes('--help') || args.includes('-h')) {
        env.stdout.write(command.usage.trimEnd() + '\n');
        return 0;
      }
      return command.run(args, env);
    },
  };
}

async function pluginCommands(root: string): Promise<CommandSpec[]> {
  try {
    const { loadSiteConfig, setupPlugins } = await loadConfigModules();
    return setupPlugins(await loadSiteConfig(root)).flatMap((p) => p.commands ?? []);
  } catch {
    return [];
  }
}

/** A plugin's command; a site.config.ts with errors is reported as such, not as an unknown command. */
async function pluginCommand(name: string, root: string): Promise<CommandSpec | undefined> {
  if (!existsSync(path.join(root, CONFIG_FILE))) return undefined;
  const { loadSiteConfig, setupPlugins } = await loadConfigModules();
  return setupPlugins(await loadSiteConfig(root))
    .flatMap((p) => p.commands ?? [])
    .find((c) => c.name === name);
}

async function pluginCommandList(root: string): Promise<string> {
  const listed = [coreCommands.deploy, ...(await pluginCommands(root))];
  // The built-ins' column, wider only for a longer name a plugin brings.
  const width = Math.max(9, ...listed.map((c) => c.name.length));
  return listed.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`).join('\n');
}
