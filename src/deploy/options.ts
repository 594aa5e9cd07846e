/**
 * The deploy command line and the site.config.ts `deploy` section, merged into one target.
 * Flags win over the config so an admin can aim at another board (or a test at a local sshd).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config.ts';
import { DeployError, DeployUsageError } from './errors.ts';
import { parseFlags } from '../cli/flags.ts';

export const usage = `Usage: solarpress deploy [options]

Builds the site as build --release does (every file precompressed at release effort), then sends
dist/ to the board over ssh with rsync (compressed, by checksum) into a new release directory,
and switches the live site to it in one atomic step. Files that did not
change are hard links to the previous release, so only changes travel and take space. The board's
own api/ directory (live power stats) lives outside the releases and is never touched.

Layout on the board (deploy.path, default /var/www/solarpress):
  releases/<id>/        one directory per deploy; each holds api -> ../../api
  current -> releases/<id>   what nginx serves (root /var/www/solarpress/current)
  api/                  written by scripts/solar-stats.sh on the board

Options (default from the deploy section of site.config.ts):
  --host HOST        the board's host name or address         (deploy.host)
  --user USER        ssh user                                  (deploy.user; ssh's default if empty)
  --port PORT        ssh port                                  (deploy.port, 22)
  --path DIR         absolute directory on the board           (deploy.path)
  --key FILE         ssh private key                           (deploy.key)
  --keep N           releases to keep for --rollback           (deploy.keep, 5)
  --no-build         send dist/ as it is, without building first (build it with
                     solarpress build --release: a plain build leaves what changed at edit effort)
  --dry-run, -n      list what would change on the board and change nothing there
                     (the site is still built first, unless --no-build)
  --rollback         make the release before the live one live again (with --dry-run: only say which)
  --bwlimit KBPS     cap the upload (KiB/s), to spare a slow uplink
  --ssh-option OPT   an extra ssh -o option, repeatable (e.g. StrictHostKeyChecking=accept-new)
  --help, -h         this text

One deploy at a time: a deploy (or rollback) holds a lock on the board (flock on
<path>/.deploy-lock, freed when its ssh session ends); a second one fails at once, naming the
holder. Unfinished uploads of interrupted deploys are removed. Ctrl-C or kill stops rsync and ssh too.
Exit status: 0 done, 1 build, connection or board error (the live site is unchanged), 2 usage.`;

export interface DeployOptions {
  host: string;
  user: string;
  port: number;
  /** Absolute directory on the board. */
  path: string;
  /** Absolute path of the private key, if any. */
  key?: string;
  keep: number;
  build: boolean;
  dryRun: boolean;
  rollback: boolean;
  bwlimit?: number;
  sshOptions: string[];
}

export interface ParsedFlags {
  help: boolean;
  flags: Partial<Omit<DeployOptions, 'sshOptions'>> & { sshOptions: string[] };
}

/** Parse the command line alone (no config needed for --help or a usage error). */
export function parseDeployFlags(args: string[]): ParsedFlags {
  let values;
  try {
    ({ values } = parseFlags(args, {
      host: { type: 'string' },
      user: { type: 'string' },
      port: { type: 'string' },
      path: { type: 'string' },
      key: { type: 'string' },
      keep: { type: 'string' },
      'no-build': { type: 'boolean' },
      'dry-run': { type: 'boolean', short: 'n' },
      rollback: { type: 'boolean' },
      bwlimit: { type: 'string' },
      'ssh-option': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (error) {
    // The same message ("did you mean" included), with deploy's hint.
    throw new DeployUsageError((error as Error).message);
  }
  const flags: ParsedFlags['flags'] = { sshOptions: values['ssh-option'] ?? [] };
  if (values.host !== undefined) flags.host = values.host;
  if (values.user !== undefined) flags.user = values.user;
  if (values.port !== undefined) flags.port = integerFlag('--port', values.port, 1, 65535);
  if (values.path !== undefined) flags.path = values.path;
  if (values.key !== undefined) flags.key = values.key;
  if (values.keep !== undefined) flags.keep = integerFlag('--keep', values.keep, 1, 1000);
  if (values.bwlimit !== undefined) flags.bwlimit = integerFlag('--bwlimit', values.bwlimit, 1, 10_000_000);
  if (values['no-build']) flags.build = false;
  if (values['dry-run']) flags.dryRun = true;
  if (values.rollback) flags.rollback = true;
  for (const option of flags.sshOptions) {
    if (!/^[A-Za-z]+[= ]\S/.test(option)) throw new DeployUsageError(`--ssh-option wants Name=value, got "${option}"`);
  }
  return { help: Boolean(values.help), flags };
}

function integerFlag(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new DeployUsageError(`${name} wants a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** Flags over config; checks what ssh and the remote shell will be given. */
export function resolveDeployOptions(flags: ParsedFlags['flags'], config: ResolvedConfig): DeployOptions {
  const d = config.deploy;
  const options: DeployOptions = {
    host: flags.host ?? d.host,
    user: flags.user ?? d.user,
    port: flags.port ?? d.port,
    path: (flags.path ?? d.path).replace(/(.)\/+$/, '$1'),
    key: flags.key ?? d.key,
    keep: flags.keep ?? d.keep,
    build: flags.build ?? true,
    dryRun: flags.dryRun ?? false,
    rollback: flags.rollback ?? false,
    bwlimit: flags.bwlimit,
    sshOptions: flags.sshOptions,
  };
  const from = (flag: keyof typeof flags, key: string) => (flags[flag] !== undefined ? `--${flag}` : `deploy.${key} in site.config.ts`);

  if (!options.host) throw new DeployError('no board to deploy to: deploy.host is empty', 'set deploy.host in site.config.ts, or pass --host');
  // A host or user starting with "-" would be read by ssh as an option.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.host)) throw new DeployError(`${from('host', 'host')}: "${options.host}" is not a host name or address`);
  if (options.user && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(options.user)) throw new DeployError(`${from('user', 'user')}: "${options.user}" is not a user name`);
  // The path goes through a remote shell and rsync: keep it to plain characters.
  if (!/^\/[A-Za-z0-9._/-]*$/.test(options.path) || options.path === '/' || /(^|\/)\.\.?(\/|$)/.test(options.path)) {
    throw new DeployError(
      `${from('path', 'path')}: "${options.path}" must be an absolute directory of letters, digits, . _ - and /, not / itself`,
      'for example /var/www/solarpress',
    );
  }
  if (options.key !== undefined) {
    options.key = path.resolve(config.root, options.key.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
    if (!existsSync(options.key)) throw new DeployError(`${from('key', 'key')}: no key file at ${options.key}`, 'fix the path, or drop it to use ssh\'s default keys');
  }
  return options;
}

/** user@host, or host alone (ssh then picks the user from ~/.ssh/config or the local name). */
export function destination(options: DeployOptions): string {
  return options.user ? `${options.user}@${options.host}` : options.host;
}
