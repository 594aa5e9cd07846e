/**
 * A pool of worker threads for the text stage: Markdown parsing is most of a cold build, and it
 * needs nothing from the main thread but the page and the permalinks. A pool can start before the
 * permalinks are known (a worker takes about half a second to load): they follow (permalinks()).
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../threads.ts';
import { ContentError } from '../errors.ts';
import type { Page, ResolvedConfig, SourceLocation } from '../types.ts';
import type { TextStageResult } from './text-stage.ts';

export interface WorkerInit {
  root: string;
  config: ResolvedConfig;
  /** The config's bundled module (src/config-load.ts): imported again in the worker for the plugins' remark plugins. */
  configModule: string;
  /** Whether a plugin has remark plugins: if none has, the worker loads no config or plugin code. */
  remarkPlugins: boolean;
  mode: 'build' | 'dev';
  drafts: boolean;
}

/** What this thread sends a worker: the permalinks (before any page), then pages. */
export type WorkerMessage = { urls: Array<[string, string]> } | { id: number; page: Page; markdown: string };

export type WorkerReply =
  | { id: number; result: TextStageResult }
  | { id: number; contentError: { message: string; where?: SourceLocation; hint?: string } }
  | { id: number; failure: string };

/** Pages a worker holds (the one it is on and those queued) before this thread renders one itself. */
const QUEUED = 3;

interface Pending {
  resolve(result: TextStageResult): void;
  reject(error: Error): void;
}

export class TextWorkers {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private inlineThisTurn = false;
  private urlsSent = false;
  private closed?: Promise<void>;

  /** `count` threads, started from the bundle of text-worker-main.ts (src/threads.ts). */
  static async start(count: number, init: WorkerInit): Promise<TextWorkers> {
    return new TextWorkers(await workerEntry(new URL('./text-worker-main.ts', import.meta.url)), count, init);
  }

  private constructor(entry: string, count: number, init: WorkerInit) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(entry, { workerData: init, execArgv: [] });
      worker.on('message', (reply: WorkerReply) => this.settle(reply));
      worker.on('error', (error) => this.failAll(error));
      return worker;
    });
    this.load = this.workers.map(() => 0);
  }

  /** id → permalink of every published page, which links resolve to: sent before the first page. */
  permalinks(urls: ReadonlyMap<string, string>): void {
    const message: WorkerMessage = { urls: [...urls] };
    for (const worker of this.workers) worker.postMessage(message);
    this.urlsSent = true;
  }

  /**
   * The text stage of a page in the least busy worker, or `inline` on this thread while every
   * worker holds QUEUED pages (they stay busy meanwhile). This thread takes
   * one page per turn of the event loop: the workers' replies are read between turns, and a thread
   * rendering pages back to back in promise callbacks would never see a worker free up.
   */
  async take(page: Page, markdown: string, inline: () => Promise<TextStageResult>): Promise<TextStageResult> {
    while (this.load.every((pages) => pages >= QUEUED)) {
      if (!this.inlineThisTurn) {
        this.inlineThisTurn = true;
        setImmediate(() => (this.inlineThisTurn = false));
        return inline();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.run(page, markdown);
  }

  private run(page: Page, markdown: string): Promise<TextStageResult> {
    if (!this.urlsSent) throw new Error('text workers: permalinks() before the first page');
    const id = this.next++;
    // The least busy worker: pages differ a lot in length.
    const index = this.load.indexOf(Math.min(...this.load));
    this.load[index]++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => {
          this.load[index]--;
          resolve(r);
        },
        reject: (e) => {
          this.load[index]--;
          reject(e);
        },
      });
      // Bodies are re-rendered from data only: drop what the worker cannot clone or need.
      const { body, ...meta } = page;
      this.workers[index].postMessage({ id, page: meta, markdown } satisfies WorkerMessage);
    });
  }

  /** Ends the threads (once: a second call waits for the first). */
  close(): Promise<void> {
    return (this.closed ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined));
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('result' in reply) pending.resolve(reply.result);
    else if ('contentError' in reply) pending.reject(new ContentError(reply.contentError.message, reply.contentError.where, reply.contentError.hint));
    else pending.reject(new Error(`text stage worker: ${reply.failure}`));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
