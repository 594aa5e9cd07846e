/**
 * `solarpress build --watch`: build, then build again on every save (no server), for people who
 * serve dist/ with their own server. A failed build prints its problems and leaves dist/ as the last
 * good build left it (the output is swapped in only when a build succeeds). A change to the site's
 * code (site.config.ts, the theme's modules) loads it afresh; content, theme assets and static files
 * reuse everything the previous build learnt.
 */
import path from 'node:path';
import { SiteBuilder, type BuildResult } from './build.ts';
import { reportError } from './cli/report.ts';
import { loadConfig } from './config-load.ts';
import { themeDirOf } from './package-root.ts';
import type { Logger } from './types.ts';
import { isCode, watchSources } from './watch/sources.ts';

export interface WatchOptions {
  root: string;
  outDir?: string;
  drafts?: boolean;
  future?: boolean;
  log: Logger;
  /** The build summary line (the CLI's). */
  summary(result: BuildResult): string;
  /** Where problems go (stderr). */
  report(text: string): void;
}

export interface Watching {
  /** Resolves when the build running now (if any) and the ones queued behind it are done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function watchBuild(options: WatchOptions): Promise<Watching> {
  const { root, log } = options;
  const config = await loadConfig(root);
  const dirs = {
    content: path.resolve(root, config.contentDir),
    theme: themeDirOf(root, config.theme),
    static: path.resolve(root, config.staticDir),
  };
  const ignored = [path.resolve(root, options.outDir ?? config.outDir), path.resolve(root, config.cacheDir)];
  const newBuilder = () => new SiteBuilder({ root, outDir: options.outDir, drafts: options.drafts, future: options.future, log, mode: 'build' });
  let builder = newBuilder();
  let running: Promise<void> | undefined;
  let again = false;

  const buildOnce = async () => {
    try {
      log.info(options.summary(await builder.build()));
    } catch (error) {
      const kept = `${path.relative(root, path.resolve(root, options.outDir ?? config.outDir))}/`;
      reportError(error, {
        root,
        write: options.report,
        afterProblems: (count) => `${count} problem${count === 1 ? '' : 's'}: ${kept} keeps the last good build. Watching for the fix…`,
      });
      // Code that failed to load is loaded again on the next save.
      builder = newBuilder();
    }
  };
  /** One build at a time; saves during a build make exactly one more. */
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await buildOnce();
      } while (again);
      running = undefined;
    })();
  };

  schedule();
  await running;
  const dataFolders = [dirs.content, path.join(dirs.theme, 'assets'), dirs.static];
  let timer: NodeJS.Timeout | undefined;
  const watcher = await watchSources(
    {
      folders: [dirs.content, dirs.static],
      code: [dirs.theme, path.join(root, 'site.config.ts')],
      ignored: (file) => ignored.some((dir) => file === dir || file.startsWith(dir + path.sep)) || file.includes(`${path.sep}node_modules${path.sep}`),
      log,
    },
    (file) => {
      if (isCode(file, dataFolders)) builder = newBuilder();
      clearTimeout(timer);
      // Editors save in bursts (write, rename, chmod): one build per burst.
      timer = setTimeout(schedule, 30);
    },
  );
  log.info('watching for changes (Ctrl-C to stop)');
  return {
    idle: async () => {
      while (running) await running;
    },
    async close() {
      clearTimeout(timer);
      await watcher.close();
      while (running) await running;
    },
  };
}
