/**
 * One deploy at a time, decided on the board: an ssh session takes `flock` on
 * <deploy.path>/.deploy-lock and holds it for as long as its stdin stays open. Ending stdin, a
 * killed solarpress or a dropped connection all end the session and free the lock: no stale
 * lock to remove by hand. A second deploy (or rollback) fails at once, naming the holder.
 */
import type { ChildProcess } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { DeployError } from './errors.ts';
import { destination, type DeployOptions } from './options.ts';
import { lastLine, runProcess, shellQuote, sshArgs, sshFailure, type ProcessResult } from './ssh.ts';

export const LOCK_FILE = '.deploy-lock';

// $1 base, $2 who holds it, $3 create|existing. `cat` keeps the session (and fd 9) open until EOF.
const lockScript = String.raw`
if [ ! -d "$1" ]; then
  if [ "$3" = existing ]; then echo nothing; exit 3; fi
  mkdir -p "$1" 2>/dev/null || { echo cannot-create; exit 3; }
fi
[ -w "$1" ] || { echo cannot-write; exit 3; }
command -v flock >/dev/null 2>&1 || { echo no-flock; exit 3; }
exec 9>>"$1/${LOCK_FILE}"
if ! flock -n 9; then printf 'busy=%s\n' "$(cat "$1/${LOCK_FILE}")"; exit 3; fi
printf '%s\n' "$2" >"$1/${LOCK_FILE}"
echo locked
cat >/dev/null
`;

export interface BoardLock {
  /** True when the session holding the lock ended before release(): the lock may be someone else's now. */
  lost(): boolean;
  release(): Promise<void>;
}

/** Take the board's deploy lock, or throw a DeployError saying who holds it. */
export async function lockBoard(options: DeployOptions, mode: 'create' | 'existing'): Promise<BoardLock> {
  const who = `${userInfo().username}@${hostname()} (pid ${process.pid}) since ${new Date().toISOString()}`;
  const command = ['sh', '-c', lockScript, 'solarpress-lock', options.path, who, mode].map(shellQuote).join(' ');
  let child: ChildProcess | undefined;
  let onLocked: () => void = () => {};
  const locked = new Promise<'locked'>((resolve) => (onLocked = () => resolve('locked')));
  const session = runProcess('ssh', [...sshArgs(options), destination(options), command], {
    holdStdin: true,
    onSpawn: (c) => (child = c),
    onLine: (line) => line === 'locked' && onLocked(),
  });
  const first = await Promise.race([locked, session]);
  if (first !== 'locked') throw lockFailure(first, options);
  let released = false;
  return {
    lost: () => !released && (child!.exitCode !== null || child!.signalCode !== null),
    async release() {
      released = true;
      child!.stdin!.end();
      await session;
    },
  };
}

function lockFailure(result: ProcessResult, options: DeployOptions): DeployError {
  const where = `${destination(options)}:${options.path}`;
  const said = (key: string) => result.stdout.split('\n').find((line) => line === key || line.startsWith(`${key}=`));
  const busy = said('busy');
  if (busy !== undefined) {
    return new DeployError(
      `another deploy is running on the board (${where}/${LOCK_FILE} is held by ${busy.slice(5) || 'another process'})`,
      'wait for it to finish, then deploy again; nothing was changed',
    );
  }
  if (said('nothing') !== undefined) return new DeployError(`nothing is live at ${where} yet: deploy first`);
  if (said('cannot-create') !== undefined) return new DeployError(`cannot create ${options.path} on the board`, 'create it and give the deploy user write access');
  if (said('cannot-write') !== undefined) return new DeployError(`the deploy user cannot write to ${where}`, 'give the deploy user write access');
  if (said('no-flock') !== undefined) return new DeployError('flock is not installed on the board', 'apt-get install util-linux on the board');
  const ssh = sshFailure(result, options);
  if (ssh) return ssh;
  return new DeployError(`cannot take the deploy lock on the board (${where}): ${lastLine(result.stderr) || `exit ${result.code}`}`);
}
