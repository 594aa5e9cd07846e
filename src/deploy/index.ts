/**
 * `solarpress deploy`: build, send dist/ to the board as a new release, switch to it atomically.
 * See usage in options.ts, and scripts/README.md for the board's side.
 */
import path from 'node:path';
import { formatBytes } from '../cli/bytes.ts';
import { reportError } from '../cli/report.ts';
import type { CommandEnv, CommandSpec, Logger } from '../types.ts';
import { checkOutput, deployRelease, dryRun, rollback } from './deploy.ts';
import { withSignalsForwarded } from './signals.ts';
import { destination, parseDeployFlags, resolveDeployOptions, usage } from './options.ts';

/** Builds the site and returns the folder it wrote. */
export type BuildFunction = (root: string, log: Logger) => Promise<string>;

export interface DeployCommandDeps {
  /** Defaults to the core's build(); tests inject a stand-in. */
  build?: BuildFunction;
  /** Where errors go (default process.stderr). */
  stderr?: NodeJS.WritableStream;
}

/** What readers are served: at release effort (precompression's smallest bytes; files a plain build left at edit effort are finished). */
const coreBuild: BuildFunction = async (root, log) => {
  const { build } = await import('../build.ts');
  return (await build({ root, log, release: true })).outDir;
};

export function createDeployCommand(deps: DeployCommandDeps = {}): CommandSpec {
  const buildSite = deps.build ?? coreBuild;
  return {
    name: 'deploy',
    summary: 'build and send the site to the board (atomic switch, --rollback)',
    usage,
    async run(args: string[], env: CommandEnv): Promise<number> {
      const stderr = deps.stderr ?? process.stderr;
      try {
        const { help, flags } = parseDeployFlags(args);
        if (help) {
          env.stdout.write(usage + '\n');
          return 0;
        }
        const config = await env.loadConfig();
        const options = resolveDeployOptions(flags, config);
        const io = { log: env.log, stdout: env.stdout };
        // Signals are forwarded around the work on the board only: a build stops on Ctrl-C as usual.
        if (options.rollback) return await withSignalsForwarded(() => rollback(options, io).then(() => 0));
        const outDir = options.build ? await buildSite(env.root, env.log) : path.resolve(env.root, config.outDir);
        const files = checkOutput(outDir, env.root);
        if (options.dryRun) return await withSignalsForwarded(() => dryRun(options, outDir, io).then(() => 0));
        const release = await withSignalsForwarded(() => deployRelease(options, outDir, files, io));
        env.log.info(
          `live: ${destination(options)}:${options.path}/current → releases/${release.id} ` +
            `(${release.sent} of ${release.files} files sent${release.bytes === undefined ? '' : `, ${formatBytes(release.bytes, { decimals: 1, megabytes: false })} on the wire`}, the rest unchanged` +
            `${release.pruned.length ? `; removed ${release.pruned.length} old release${release.pruned.length === 1 ? '' : 's'}` : ''})`,
        );
        return 0;
      } catch (error) {
        return reportError(error, {
          root: env.root,
          write: (text) => stderr.write(text + '\n'),
          command: 'deploy',
          afterProblems: () => 'nothing was deployed: the live site is unchanged',
        });
      }
    },
  };
}

export const deployCommand = createDeployCommand();
