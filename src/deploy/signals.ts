/**
 * What a signal to `solarpress deploy` does: Ctrl-C, `kill`, a closed terminal must not leave
 * rsync uploading on its own. While a deploy runs, SIGINT, SIGTERM and SIGHUP are passed on to
 * every child (rsync and its ssh, the ssh holding the board's lock) and no new child starts, so
 * nothing goes live after the signal; the deploy then ends with an error saying it was stopped.
 */
import type { ChildProcess } from 'node:child_process';
import { DeployError } from './errors.ts';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const running = new Set<ChildProcess>();
let stoppedBy: NodeJS.Signals | undefined;

/** The error every step raises once a signal came. */
export class DeployStopped extends DeployError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}: the upload was stopped`, 'the live site is unchanged unless the switch had already begun; run solarpress deploy again');
    this.name = 'DeployStopped';
  }
}

/** Register a child so that a forwarded signal reaches it. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Before starting a child: a deploy that was told to stop starts nothing more. */
export function checkNotStopped(): void {
  if (stoppedBy) throw new DeployStopped(stoppedBy);
}

/** Each child leads its own process group (rsync's ssh is in rsync's): stop the whole group. */
function stop(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already; the child itself may not be
  }
}

/** Run `work` with signals forwarded to the children it starts; a signal turns into DeployStopped. */
export async function withSignalsForwarded<T>(work: () => Promise<T>): Promise<T> {
  stoppedBy = undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal means "now": no child gets to clean up.
    const forward = stoppedBy ? 'SIGKILL' : signal;
    stoppedBy ??= signal;
    for (const child of running) stop(child, forward);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    const result = await work();
    checkNotStopped();
    return result;
  } catch (error) {
    if (stoppedBy) throw new DeployStopped(stoppedBy);
    throw error;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    stoppedBy = undefined;
  }
}
