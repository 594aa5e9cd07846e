/**
 * The unit of work a worker thread does: source bytes in, a complete cache entry out.
 */
import { CacheStore, type StoreLocation } from '../../src/cache/store.js';
import { DitherCache, type CacheEntry } from './cache.ts';
import { ImageError, type ImageProblem } from './image-error.ts';
import { processImage } from './process.ts';
import type { DitherSettings } from './settings.ts';

export interface DitherJob {
  bytes: Uint8Array;
  key: string;
  settings: DitherSettings;
  /** Where the dither store is: a worker thread opens it there. */
  store: StoreLocation;
}

export type JobOutcome = { entry: CacheEntry } | { problem: ImageProblem };

export async function runJob(job: DitherJob): Promise<JobOutcome> {
  // The thread that queued the job looked in the cache already.
  const cache = new DitherCache(new CacheStore(job.store));
  try {
    const image = await processImage(job.bytes, job.settings);
    return { entry: cache.write(job.key, image, job.bytes.length) };
  } catch (error) {
    if (error instanceof ImageError) return { problem: { reason: error.reason, hint: error.hint } };
    throw error;
  }
}
