// Compresses one encoding of one file per message, off the main thread; started from its bundle (src/threads.ts).
import { parentPort } from 'node:worker_threads';
import { constants, brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { unfinished } from './deflate-final.ts';

/**
 * @param {Uint8Array} data
 * @param {import('./efforts.ts').Setting} setting
 * @param {number} [dictionary] for a part of a file in parts (gzip-parts.ts): it begins after this many bytes of its dictionary
 */
async function compress(data, setting, dictionary = 0) {
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
  if (setting.encoder === 'zopfli' || setting.encoder === 'zopfli-parts') {
    // Loaded when asked for: its WebAssembly takes a thread 0.1-0.5 s to load.
    const { deflateAsync, gzipAsync } = await import('@gfx/zopfli');
    if (setting.encoder === 'zopfli') return gzipAsync(data, { numiterations: setting.iterations });
    // A part stands alone (zopfli takes no dictionary), made joinable (gzip-parts.ts).
    return unfinished(await deflateAsync(data.subarray(dictionary), { numiterations: setting.iterations }));
  }
  if (setting.encoder === 'zlib-parts') {
    return deflateRawSync(data.subarray(dictionary), {
      level: setting.level,
      memLevel: 9,
      ...(dictionary > 0 ? { dictionary: data.subarray(0, dictionary) } : {}),
      // Ends on a byte, not as the last block: the next part follows it (gzip-parts.ts).
      finishFlush: constants.Z_SYNC_FLUSH,
    });
  }
  return gzipSync(data, { level: setting.level, memLevel: 9 });
}

parentPort.on('message', async (message) => {
  const { id, data, setting, dictionary } = message;
  try {
    const started = performance.now();
    const bytes = new Uint8Array(await compress(data, setting, dictionary));
    parentPort.postMessage({ id, bytes, ms: performance.now() - started }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
