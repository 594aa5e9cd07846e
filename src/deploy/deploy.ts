/**
 * The three things `solarpress deploy` does on the board: a release (upload, then switch),
 * a dry run (what would change, against the live release), and a rollback.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { OUTPUT_MARKER } from '../output-guard.ts';
import type { Logger } from '../types.ts';
import { DeployError } from './errors.ts';
import { lockBoard, type BoardLock } from './lock.ts';
import { destination, type DeployOptions } from './options.ts';
import { parseRemoteOutput, releaseId, remoteScript } from './remote.ts';
import { bytesSent, parseItemized, remoteDir, rsyncArgs, runRsync, type Change } from './rsync.ts';
import { lastLine, runRemote, sshFailure } from './ssh.ts';

export interface DeployIo {
  log: Logger;
  stdout: NodeJS.WritableStream;
}

/** Run one action of the remote script; ssh and board failures become DeployErrors. */
async function remote(options: DeployOptions, action: string, args: string[]): Promise<Map<string, string[]>> {
  const result = await runRemote(options, remoteScript, [action, options.path, ...args]);
  if (result.code !== 0) {
    const ssh = sshFailure(result, options);
    if (ssh) throw ssh;
    throw new DeployError(`on the board (${destination(options)}:${options.path}): ${lastLine(result.stderr).replace(/^solarpress-remote: /, '') || `exit ${result.code}`}`);
  }
  return parseRemoteOutput(result.stdout);
}

/** The built site must be there and look whole before anything is sent. */
export function checkOutput(outDir: string, root: string): number {
  const shown = path.relative(root, outDir) || '.';
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) {
    throw new DeployError(`nothing to deploy: ${shown}/ does not exist`, 'run solarpress build, or deploy without --no-build');
  }
  if (!existsSync(path.join(outDir, 'index.html'))) {
    throw new DeployError(`nothing to deploy: ${shown}/index.html is missing, the build looks incomplete`, 'run solarpress build and fix its errors');
  }
  return countFiles(outDir);
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name !== OUTPUT_MARKER) n += entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1;
  }
  return n;
}

export interface ReleaseResult {
  id: string;
  previous?: string;
  sent: number;
  files: number;
  /** Bytes on the wire, if rsync said. */
  bytes?: number;
  pruned: string[];
}

/** Upload into releases/.incoming-<id> (hard links to the live release for unchanged files), then go live. */
export async function deployRelease(options: DeployOptions, outDir: string, files: number, io: DeployIo): Promise<ReleaseResult> {
  const lock = await lockBoard(options, 'create');
  try {
    return await sendRelease(options, outDir, files, io, lock);
  } finally {
    await lock.release();
  }
}

async function sendRelease(options: DeployOptions, outDir: string, files: number, io: DeployIo, lock: BoardLock): Promise<ReleaseResult> {
  const id = releaseId();
  const prepared = await remote(options, 'prepare', [id]);
  for (const stale of prepared.get('stale') ?? []) io.log.info(`removed ${stale}, left by an interrupted deploy`);
  const previous = prepared.get('current')?.[0] || undefined;

  const args = rsyncArgs(options);
  if (previous) args.push(`--link-dest=${options.path}/releases/${previous}/`);
  args.push(outDir.replace(/\/?$/, '/'), remoteDir(options, `${options.path}/releases/.incoming-${id}`));
  io.log.info(`sending ${files} files to ${destination(options)}:${options.path}/releases/${id} …`);
  args.splice(args.length - 2, 0, '--stats');
  let sent = 0;
  const upload = await runRsync(args, options, {
    onLine(line) {
      const change = parseItemized(line);
      if (change && change.kind !== 'deleted' && !change.path.endsWith('/')) sent++;
    },
  });

  if (lock.lost()) {
    throw new DeployError('the connection holding the board’s deploy lock dropped during the upload', 'the live site is unchanged; run solarpress deploy again');
  }
  const finished = await remote(options, 'finish', [id, String(options.keep)]);
  return { id, previous, sent, files, bytes: bytesSent(upload.stdout), pruned: finished.get('pruned') ?? [] };
}

/** What a deploy would change, compared with the live release; nothing on the board changes. */
export async function dryRun(options: DeployOptions, outDir: string, io: DeployIo): Promise<Change[]> {
  const current = (await remote(options, 'inspect', [])).get('current')?.[0] || undefined;
  // Without a live release, compare with a directory that does not exist: everything is new.
  const target = current ? `${options.path}/releases/${current}` : `${options.path}/releases/.dry-run-empty`;
  const args = [...rsyncArgs(options), '--dry-run', '--delete', outDir.replace(/\/?$/, '/'), remoteDir(options, target)];
  const changes: Change[] = [];
  await runRsync(args, options, {
    onLine(line) {
      const change = parseItemized(line);
      if (change && change.path !== './') changes.push(change);
    },
  });
  io.stdout.write(
    current
      ? `dry run: compared with the live release ${destination(options)}:${options.path}/releases/${current}\n`
      : `dry run: nothing is live at ${destination(options)}:${options.path} yet, every file is new\n`,
  );
  for (const change of changes) io.stdout.write(`  ${change.kind.padEnd(8)} ${change.path}\n`);
  const count = (kind: Change['kind']) => changes.filter((c) => c.kind === kind).length;
  io.stdout.write(`${count('new')} new, ${count('changed')} changed, ${count('deleted')} deleted; nothing was changed on the board\n`);
  return changes;
}

/** Make the release before the live one live again. */
export async function rollback(options: DeployOptions, io: DeployIo): Promise<{ from: string; to: string }> {
  const lock = options.dryRun ? undefined : await lockBoard(options, 'existing');
  let result: Map<string, string[]>;
  try {
    result = await remote(options, 'rollback', [options.dryRun ? '1' : '0']);
  } finally {
    await lock?.release();
  }
  const from = result.get('from')?.[0] ?? '?';
  const to = result.get('to')?.[0] ?? '?';
  io.stdout.write(options.dryRun ? `dry run: would make releases/${to} live instead of releases/${from}\n` : `rolled back: releases/${to} is live (was releases/${from})\n`);
  return { from, to };
}
