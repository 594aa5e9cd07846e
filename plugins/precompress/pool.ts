/** A fixed set of compression worker threads fed from one queue, the costliest task first. */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../src/threads.ts';
import type { Setting } from './efforts.ts';

/** One encoding of one file: what a worker runs (worker.mjs). */
export interface Task {
  id: number;
  data: Uint8Array;
  setting: Setting;
  /** For a part of a file in parts: the first `dictionary` bytes of data are its dictionary (gzip-parts.ts). */
  dictionary?: number;
}

interface Queued extends Task {
  /** Estimated CPU time (bytes / speed), to start the longest task first. */
  cost: number;
  resolve(value: { bytes: Uint8Array; ms: number }): void;
  reject(error: Error): void;
}

export class CompressionPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Queued[] = [];
  private readonly running = new Map<number, Queued>();
  private nextId = 0;
  /** Set when a worker died: the pool refuses work from then on instead of hanging. */
  private broken?: Error;

  /** A pool of `size` threads, started from the bundle of ./worker.mjs (src/threads.ts). */
  static async start(size: number): Promise<CompressionPool> {
    return new CompressionPool(await workerEntry(new URL('./worker.mjs', import.meta.url)), size);
  }

  private constructor(entry: string, size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(entry, { execArgv: [] });
      worker.on('message', (msg: { id: number; error?: string; bytes?: Uint8Array; ms: number }) => this.settle(worker, msg));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`compression worker exited with code ${code}`));
      });
      // Idle threads keep no process alive (a build that fails before using them exits), busy ones do;
      // after the listeners, which ref the worker's port.
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /**
   * Compress `data` with one setting (its buffer is transferred to a worker: do not reuse it). Each
   * encoding of a file, and each part of a file in parts, is a task of its own, so that one big
   * file's gzip and brotli run on two cores at once.
   */
  encode(data: Uint8Array, setting: Setting, dictionary?: number): Promise<{ bytes: Uint8Array; ms: number }> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      const cost = ((data?.byteLength ?? 0) - (dictionary ?? 0)) / setting.mbPerS;
      this.queue.push({ id: this.nextId++, data, setting, dictionary, cost, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      // Longest first: the feeds and big pages do not end up alone at the end on one core.
      let next = 0;
      for (let i = 1; i < this.queue.length; i++) if (this.queue[i]!.cost > this.queue[next]!.cost) next = i;
      const task = this.queue.splice(next, 1)[0]!;
      try {
        worker.postMessage({ id: task.id, data: task.data, setting: task.setting, dictionary: task.dictionary } satisfies Task, [task.data.buffer as ArrayBuffer]);
        worker.ref();
        this.running.set(task.id, task);
      } catch (error) {
        // Nothing reached the worker: it stays available, only this task fails.
        this.idle.push(worker);
        task.reject(error as Error);
      }
    }
  }

  private settle(worker: Worker, msg: { id: number; error?: string; bytes?: Uint8Array; ms: number }): void {
    const task = this.running.get(msg.id);
    this.running.delete(msg.id);
    worker.unref();
    this.idle.push(worker);
    if (task) {
      if (msg.error || !msg.bytes) task.reject(new Error(msg.error ?? 'compression worker returned nothing'));
      else task.resolve({ bytes: msg.bytes, ms: msg.ms });
    }
    this.pump();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const task of [...this.queue, ...this.running.values()]) task.reject(this.broken);
    this.queue.length = 0;
    this.running.clear();
  }

  private closing = false;

  /** Whether a task is queued or running. */
  get busy(): boolean {
    return this.queue.length > 0 || this.running.size > 0;
  }

  /** End the threads; what is queued or running fails (its compression is abandoned). */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Error('compression pool closed');
    for (const task of [...this.queue, ...this.running.values()]) task.reject(closed);
    this.queue.length = 0;
    this.running.clear();
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

/**
 * A pool started ahead of its use (at buildEnd), so that its threads start up while the output is
 * written instead of when it is complete. Its idle threads keep no process alive; the run takes it
 * (outputReady), or the build ends without that (failed, or its output unchanged) and the plugin's
 * buildDone closes it, with whatever was begun on it.
 */
export class PoolAhead {
  private pool?: Promise<CompressionPool>;

  constructor(size: number) {
    const pool = CompressionPool.start(size);
    // A failure to start is the taker's to report (or nobody's, if none takes it).
    pool.catch(() => {});
    this.pool = pool;
  }

  /** The pool, still this one's to close (compressions begun ahead: Compressions.begin); undefined if it was closed. */
  peek(): Promise<CompressionPool> | undefined {
    return this.pool;
  }

  /** The pool, now the taker's to close; undefined if it was closed. */
  take(): Promise<CompressionPool> | undefined {
    const pool = this.pool;
    this.pool = undefined;
    return pool;
  }

  async close(): Promise<void> {
    const pool = this.take();
    await pool?.then((p) => p.close(), () => {});
  }
}
