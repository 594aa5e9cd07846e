/**
 * rsync's arguments for sending dist/ to the board, and its itemized output read back.
 */
import { OUTPUT_MARKER } from '../output-guard.ts';
import { DeployError } from './errors.ts';
import { destination, type DeployOptions } from './options.ts';
import { lastLine, runProcess, rsyncShell, sshFailure, type ProcessResult, type RunOptions } from './ssh.ts';

/**
 * Compressed (-z), compared by checksum (-c) rather than by time: every build writes new files,
 * and only a changed content should travel. Times are not kept, so a file whose content did not
 * change is a hard link to the previous release (same inode, same mtime: nginx's ETag and
 * Last-Modified stay, and browsers keep their cached copy). Modes are made world-readable so
 * nginx can read them whatever the local umask. /api is the board's own: never sent, never deleted.
 * The output folder's marker file is for the build only: never sent.
 */
export function rsyncArgs(options: DeployOptions): string[] {
  const args = ['--recursive', '--links', '--safe-links', '--perms', '--chmod=D755,F644', '--compress', '--checksum', '--itemize-changes', '--exclude=/api', `--exclude=/${OUTPUT_MARKER}`];
  if (options.bwlimit) args.push(`--bwlimit=${options.bwlimit}`);
  args.push('-e', rsyncShell(options));
  return args;
}

/** `user@host:/path/` for rsync. */
export function remoteDir(options: DeployOptions, dir: string): string {
  return `${destination(options)}:${dir.replace(/\/?$/, '/')}`;
}

export async function runRsync(args: string[], options: DeployOptions, run: RunOptions = {}): Promise<ProcessResult> {
  const result = await runProcess('rsync', args, run);
  if (result.signal) {
    throw new DeployError(`the upload stopped: rsync was killed (${result.signal})`, 'the live site is unchanged; run solarpress deploy again');
  }
  if (result.code !== 0) {
    const ssh = sshFailure(result, options);
    if (ssh) throw ssh;
    if (/command not found|rsync: not found|No such file or directory.*rsync/.test(result.stderr)) {
      throw new DeployError('rsync is not installed on the board', 'apt-get install rsync on the board');
    }
    throw new DeployError(`rsync failed (exit ${result.code}): ${lastLine(result.stderr)}`, 'the live site is unchanged');
  }
  return result;
}

/** Bytes rsync sent over the wire (after compression), from its --stats summary. */
export function bytesSent(stdout: string): number | undefined {
  const m = /^Total bytes sent: ([\d,.]+)/m.exec(stdout);
  return m ? Number(m[1].replace(/[,.]/g, '')) : undefined;
}

export type Change = { kind: 'new' | 'changed' | 'deleted'; path: string };

/** One line of rsync --itemize-changes as a change to the board, or undefined (unchanged, messages). */
export function parseItemized(line: string): Change | undefined {
  const deleting = /^\*deleting\s+(.+)$/.exec(line);
  if (deleting) return { kind: 'deleted', path: deleting[1] };
  const m = /^([<>ch.])([fdLDS])(\S{9,})\s(.+)$/.exec(line);
  if (!m) return undefined;
  const [, update, type, attrs, path] = m;
  if (attrs.startsWith('+')) return { kind: 'new', path };
  // A directory whose attributes alone differ is not a change anyone would see.
  if (type === 'd') return undefined;
  if (update === '<' || update === '>' || attrs[0] === 'c') return { kind: 'changed', path };
  return undefined;
}
