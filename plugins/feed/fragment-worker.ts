/** A worker thread (started by ahead.ts) serializing the feed items of each job it is sent, and sending back their fragments. */
import { parentPort } from 'node:worker_threads';
import { serializeItems, type ItemJob } from './item-job.ts';

parentPort!.on('message', (job: ItemJob) => {
  const result = serializeItems(job);
  parentPort!.postMessage(result, [result.data.buffer as ArrayBuffer]);
});
