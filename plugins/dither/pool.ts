/**
 * A small pool of worker threads running dither jobs, one job per worker at a time.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import 'sharp'; // load libvips in the main thread first, so workers exiting never unload it
import { workerEntry } from '../../src/threads.ts';
import type { DitherJob, JobOutcome } from './job.ts';

/** How long an idle worker lives (pages render in parallel, so gaps between jobs are short). */
const IDLE_MS = 1000;

interface Pending {
  id: number;
  job: DitherJob;
  resolve(outcome: JobOutcome): void;
  reject(error: Error): void;
}

export class WorkerPool {
  private readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 1;
  private closed = false;
  private reaper?: NodeJS.Timeout;
  /** The bundled worker, made (or found) when the first job comes. */
  private entry?: string;
  private entryReady?: Promise<void>;

  constructor(size = Math.max(1, availableParallelism())) {
    this.size = size;
  }

  run(job: DitherJob): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(new Error('dither worker pool is closed'));
    clearTimeout(this.reaper);
    this.entryReady ??= workerEntry(new URL('./worker-main.ts', import.meta.url)).then((file) => {
      this.entry = file;
    });
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.entryReady!.then(
        () => this.pump(),
        (error: Error) => this.failQueued(error),
      );
    });
  }

  private failQueued(error: Error): void {
    for (const task of this.queue.splice(0)) task.reject(error);
  }

  private pump(): void {
    if (this.closed || !this.entry) return;
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.postMessage({ id: task.id, job: task.job });
    }
  }

  private spawn(): Worker {
    // execArgv: [] — the parent's flags (vitest's) stay out.
    const worker = new Worker(this.entry!, { execArgv: [] });
    worker.unref();
    worker.on('message', (message: { id: number; outcome?: JobOutcome; crash?: string }) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      this.idle.push(worker);
      if (task) {
        if (message.outcome) task.resolve(message.outcome);
        else task.reject(new Error(`dither worker failed: ${message.crash}`));
      }
      this.pump();
      if (this.running.size === 0 && this.queue.length === 0) this.reapSoon();
    });
    worker.on('error', (error) => this.lose(worker, error));
    worker.on('exit', (code) => this.lose(worker, new Error(`dither worker exited with code ${code}`)));
    this.workers.push(worker);
    return worker;
  }

  private lose(worker: Worker, error: Error): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    for (const list of [this.workers, this.idle]) {
      const at = list.indexOf(worker);
      if (at !== -1) list.splice(at, 1);
    }
    task?.reject(error);
    if (!this.closed) this.pump();
  }

  /**
   * Idle workers end after a while. unref() alone does not let the process exit once a worker has
   * loaded sharp (a build that fails before buildEnd would hang), so they are terminated.
   */
  private reapSoon(): void {
    clearTimeout(this.reaper);
    this.reaper = setTimeout(() => {
      if (this.running.size > 0 || this.queue.length > 0) return;
      for (const worker of this.workers.splice(0)) void worker.terminate();
      this.idle.length = 0;
    }, IDLE_MS);
    this.reaper.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.reaper);
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('dither worker pool closed'));
    await Promise.all(this.workers.slice().map((w) => w.terminate()));
  }
}
