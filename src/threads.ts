/**
 * The one way solarpress, and any plugin, starts a worker thread or a child process running its
 * code: from a bundle of the entry module (src/bundle.js's entryBundle), made on first use and again
 * after a source changed. No TypeScript loader, and nothing to name in the launcher: the code that
 * starts a thread names its entry, `startWorker(new URL('./worker.ts', import.meta.url))`.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { bundleFailure, entryBundle } from './bundle.js';
import { ContentError } from './errors.ts';

/** The bundled file to start for an entry module, for a pool that starts several threads from it. */
export async function workerEntry(entry: URL): Promise<string> {
  try {
    return await entryBundle(fileURLToPath(entry));
  } catch (error) {
    // A plugin's worker that does not compile is reported at its line, like a theme's code.
    const failure = bundleFailure(error);
    if (!failure) throw error;
    throw new ContentError(failure.message, { file: failure.file ?? fileURLToPath(entry), line: failure.line, column: failure.column }, failure.hint);
  }
}

/** A worker thread running `entry`. The parent's Node flags (vitest's, a loader) stay out. */
export async function startWorker(entry: URL, options: WorkerOptions = {}): Promise<Worker> {
  return new Worker(await workerEntry(entry), { execArgv: [], ...options });
}

/** A child process running `entry` with `args`, from the bundle of the code as it is now. */
export async function startProcess(entry: URL, args: string[], options: ForkOptions = {}): Promise<ChildProcess> {
  return fork(await workerEntry(entry), args, { execArgv: [], ...options });
}
