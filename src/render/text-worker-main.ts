/** A worker thread (started from its bundle, src/threads.ts) running the text stage for pages the main thread sends (see text-workers.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { ContentError } from '../errors.ts';
import { createTextProcessor } from '../markdown/processor.ts';
import { runTextStage, type TextStageEnv } from './text-stage.ts';
import type { WorkerInit, WorkerMessage, WorkerReply } from './text-workers.ts';

const init = workerData as WorkerInit;
// The permalinks come in the first message (the pool may start before they are known).
const env: TextStageEnv = { ...init, urls: new Map() };
// A dynamic import: the config and plugin code are a chunk of the bundle loaded only when needed.
const remarkPlugins = init.remarkPlugins ? await (await import('./text-worker-plugins.ts')).configRemarkPlugins(init) : [];
const processor = createTextProcessor(remarkPlugins);

parentPort!.on('message', async (message: WorkerMessage) => {
  if ('urls' in message) {
    env.urls = new Map(message.urls);
    return;
  }
  const { id, page, markdown } = message;
  let reply: WorkerReply;
  try {
    reply = { id, result: await runTextStage(page, markdown, processor, env) };
  } catch (error) {
    reply =
      error instanceof ContentError
        ? { id, contentError: { message: error.message, where: error.where, hint: error.hint } }
        : { id, failure: (error as Error).stack ?? String(error) };
  }
  parentPort!.postMessage(reply);
});
