/**
 * Inside a worker thread: run jobs as they come, answer each by id.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { runJob, type DitherJob } from './job.ts';

// One libvips thread per worker: the pool already spreads images over the cores.
sharp.concurrency(1);

parentPort!.on('message', async ({ id, job }: { id: number; job: DitherJob }) => {
  try {
    parentPort!.postMessage({ id, outcome: await runJob(job) });
  } catch (error) {
    parentPort!.postMessage({ id, crash: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
