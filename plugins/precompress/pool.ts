/** A fixed set of compression worker threads fed from one queue. */
import { Worker } from 'node:worker_threads';

export interface CompressJob {
  gzip: false | 'zopfli' | 'zlib';
  zopfliIterations: number;
  brotli: boolean;
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

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

export class CompressionPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; data: Uint8Array; job: CompressJob }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(WORKER_URL);
      worker.on('message', (msg: { id: number; error?: string } & Compressed) => this.settle(worker, msg));
      worker.on('error', (error) => this.fail(worker, error));
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Compress `data` (its buffer is transferred to the worker: do not reuse it). */
  compress(data: Uint8Array, job: CompressJob): Promise<Compressed> {
    const id = this.nextId++;
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
      this.busy.set(worker, task.id);
      worker.postMessage(task, [task.data.buffer as ArrayBuffer]);
    }
  }

  private settle(worker: Worker, msg: { id: number; error?: string } & Compressed): void {
    const pending = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    this.busy.delete(worker);
    this.idle.push(worker);
    if (pending) {
      if (msg.error) pending.reject(new Error(msg.error));
      else pending.resolve({ gz: msg.gz, br: msg.br, ms: msg.ms });
    }
    this.pump();
  }

  private fail(worker: Worker, error: Error): void {
    const id = this.busy.get(worker);
    if (id !== undefined) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
