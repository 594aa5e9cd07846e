// Compresses one file's bytes per message, off the main thread; started from its bundle (src/threads.ts).
import { parentPort } from 'node:worker_threads';
import { constants, brotliCompressSync, gzipSync } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';

/** Brotli quality per effort (see CompressJob in pool.ts). */
const BROTLI_QUALITY = { max: constants.BROTLI_MAX_QUALITY, quick: 10, large: 9 };

/** @param {Uint8Array} data @param {import('./pool.ts').CompressJob} job */
async function compress(data, job) {
  let gz;
  // Below maximum effort: zlib instead of zopfli, and brotli with a 16 MB window.
  if (job.gzip === 'zopfli' && job.effort === 'max') gz = await gzipAsync(data, { numiterations: job.zopfliIterations });
  else if (job.gzip) gz = gzipSync(data, { level: 9, memLevel: 9 });
  const br = job.brotli
    ? brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY[job.effort],
          ...(job.effort === 'max' ? {} : { [constants.BROTLI_PARAM_LGWIN]: 24 }),
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
        },
      })
    : undefined;
  return { gz, br };
}

parentPort.on('message', async (message) => {
  const { id, data, job } = message;
  try {
    const started = performance.now();
    const { gz, br } = await compress(data, job);
    const out = { id, gz: gz && new Uint8Array(gz), br: br && new Uint8Array(br), ms: performance.now() - started };
    parentPort.postMessage(out, [out.gz?.buffer, out.br?.buffer].filter(Boolean));
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
