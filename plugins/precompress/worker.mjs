// Compresses one encoding of one file per message, off the main thread; started from its bundle (src/threads.ts).
import { parentPort } from 'node:worker_threads';
import { constants, brotliCompressSync, gzipSync } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';

/** @param {Uint8Array} data @param {import('./efforts.ts').Setting} setting */
async function compress(data, setting) {
  if (setting.encoding === 'br') {
    return brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: setting.quality,
        [constants.BROTLI_PARAM_LGWIN]: setting.lgwin,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
      },
    });
  }
  if (setting.encoder === 'zopfli') return gzipAsync(data, { numiterations: setting.iterations });
  return gzipSync(data, { level: setting.level, memLevel: 9 });
}

parentPort.on('message', async (message) => {
  const { id, data, setting } = message;
  try {
    const started = performance.now();
    const bytes = new Uint8Array(await compress(data, setting));
    parentPort.postMessage({ id, bytes, ms: performance.now() - started }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
