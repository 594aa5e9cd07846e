/** A fixed set of compression worker threads fed from one queue. */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../src/threads.ts';

/**
 * How hard to compress (worker.mjs):
 * - `max`: zopfli and brotli 11, for the files that rarely change;
 * - `quick`: files that change on every edit (feeds, lists): zlib 9 and brotli 10, measured on the
 *   club's feed at +4.4 % (.gz) and +2.4 % (.br) for a tenth of the time;
 * - `large`: files above LARGE_FILE_BYTES, whatever they are: zlib 9 and brotli 9. Maximum effort
 *   costs seconds per megabyte (zopfli ~0.2 MB/s, brotli 11 ~0.6 MB/s, brotli 10 ~1.4 MB/s on this
 *   machine), so one multi-megabyte page or feed would cost minutes; brotli 9 runs at ~6 MB/s for
 *   about 12 % more bytes than brotli 10 (BENCHMARKS.md §8).
 */
export type Effort = 'max' | 'quick' | 'large';

export interface CompressJob {
  gzip: false | 'zopfli' | 'zlib';
  zopfliIterations: number;
  brotli: boolean;
  effort: Effort;
}

export interface Compressed {
  gz?: Uint8Array;
  br?: Uint8Array;
  /** Time spent compressing, in the worker. */
  ms: number;
}

interface Pending {
  resolve(value: Compressed): void;
  reject(error: Error): void;
}

export class CompressionPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; data: Uint8Array; job: CompressJob }[] = [];
  private readonly pending = new Map<number, Pending>();
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
      worker.on('message', (msg: { id: number; error?: string } & Compressed) => this.settle(worker, msg));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`compression worker exited with code ${code}`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Compress `data` (its buffer is transferred to the worker: do not reuse it). */
  compress(data: Uint8Array, job: CompressJob): Promise<Compressed> {
    const id = this.nextId++;
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, data, job });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      try {
        worker.postMessage(task, [task.data.buffer as ArrayBuffer]);
      } catch (error) {
        // Nothing reached the worker: it stays available, only this task fails.
        this.idle.push(worker);
        this.pending.get(task.id)?.reject(error as Error);
        this.pending.delete(task.id);
      }
    }
  }

  private settle(worker: Worker, msg: { id: number; error?: string } & Compressed): void {
    const pending = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    this.idle.push(worker);
    if (pending) {
      if (msg.error) pending.reject(new Error(msg.error));
      else pending.resolve({ gz: msg.gz, br: msg.br, ms: msg.ms });
    }
    this.pump();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    this.queue.length = 0;
    for (const pending of this.pending.values()) pending.reject(this.broken);
    this.pending.clear();
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
