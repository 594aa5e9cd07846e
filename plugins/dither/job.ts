/**
 * The unit of work a worker thread does: source bytes in, a complete cache entry out.
 */
import { DitherCache, type CacheEntry } from './cache.ts';
import { ImageError, type ImageProblem } from './image-error.ts';
import { processImage } from './process.ts';
import type { DitherSettings } from './settings.ts';

export interface DitherJob {
  bytes: Uint8Array;
  key: string;
  settings: DitherSettings;
  cacheDir: string;
}

export type JobOutcome = { entry: CacheEntry } | { problem: ImageProblem };

export async function runJob(job: DitherJob): Promise<JobOutcome> {
  const cache = new DitherCache(job.cacheDir);
  const cached = cache.read(job.key);
  if (cached) return { entry: cached };
  try {
    const image = await processImage(job.bytes, job.settings);
    return { entry: cache.write(job.key, image, job.bytes.length) };
  } catch (error) {
    if (error instanceof ImageError) return { problem: { reason: error.reason, hint: error.hint } };
    throw error;
  }
}
