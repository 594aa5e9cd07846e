/**
 * Feed items serialized ahead, in a worker thread, while the main thread lays the site out: a build
 * that serializes many items (a first build: at 1,000 articles, about a second of work) would otherwise
 * do it at buildEnd, with the other cores idle. Begun at siteReady (index.ts); buildEnd takes the
 * fragments as it takes those of earlier builds (fragments.ts), by key, so an item whose page or
 * attachments changed meanwhile, or one the worker could not do, is serialized there as before.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../src/threads.ts';
import type { ResolvedConfig } from '../../src/types.ts';
import { fragmentKey, type FragmentSource } from './fragments.ts';
import type { ItemJob, JobItem, JobResult } from './item-job.ts';
import { FEED_FORMATS } from './links.ts';
import type { FeedOptions } from './options.ts';

/** Items sent to the worker at once: it begins on the first while the rest are cloned, and holds one batch of trees at a time. */
const BATCH = 64;

export class FragmentsAhead implements FragmentSource {
  private readonly fragments = new Map<string, Buffer>();
  /** Settles once every batch is back, or the worker failed (the items it did not send back are serialized at buildEnd). */
  done: Promise<void> = Promise.resolve();

  get(key: string): Buffer | undefined {
    return this.fragments.get(key);
  }

  /**
   * The worker started and every item sent: to be awaited before the site is laid out, which keeps
   * the main thread busy. `hashes[i]` is items[i]'s fragment hash (fragments.ts entryHash).
   */
  static async begin(config: ResolvedConfig, options: FeedOptions, items: JobItem[], hashes: string[]): Promise<FragmentsAhead> {
    const ahead = new FragmentsAhead();
    const worker = new Worker(await workerEntry(new URL('./fragment-worker.ts', import.meta.url)), { execArgv: [] });
    // Never what keeps a process alive: a build that fails before buildEnd does not wait for it.
    worker.unref();
    let sent = 0;
    let back = 0;
    ahead.done = new Promise<void>((resolve) => {
      worker.on('message', ({ data, ends }: JobResult) => {
        const first = back++ * BATCH;
        const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        let start = 0;
        ends.forEach((end, i) => {
          const key = fragmentKey(FEED_FORMATS[i % FEED_FORMATS.length]!, hashes[first + Math.floor(i / FEED_FORMATS.length)]!);
          ahead.fragments.set(key, bytes.subarray(start, end));
          start = end;
        });
        if (back === sent) resolve();
      });
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    }).finally(() => void worker.terminate());
    try {
      for (let i = 0; i < items.length; i += BATCH, sent++) {
        worker.postMessage({ config, options, items: items.slice(i, i + BATCH) } satisfies ItemJob);
      }
    } catch {
      // A body that cannot be sent to a thread (a plugin's own data in its tree): buildEnd serializes the rest.
      if (sent === 0) void worker.terminate();
    }
    return ahead;
  }
}
