/**
 * Precompression at build: .gz (zopfli) and .br (brotli 11) siblings of every text file, so the
 * board's nginx serves them with gzip_static/brotli_static and never compresses on the fly.
 */
import type { PluginDefinition, SolarpressPlugin } from '../../src/types.ts';
import { precompressSchema, type PrecompressOptions } from './options.ts';
import { PRECOMPRESS_VERSION, precompressDir, STORE, summarize } from './precompress.ts';

export { precompressSchema, type PrecompressOptions } from './options.ts';
export { precompressDir, summarize, type PrecompressStats } from './precompress.ts';

const precompress: PluginDefinition<PrecompressOptions> = {
  name: 'precompress',
  configKey: 'precompress',
  schema: precompressSchema,
  setup(options): SolarpressPlugin {
    return {
      name: 'precompress',
      version: PRECOMPRESS_VERSION,
      async outputReady(ctx, outputDir) {
        // Maximum-effort compression is slow: only for builds that go to the board, never the preview.
        if (!options.enabled || ctx.mode !== 'build') return;
        const stats = await precompressDir({ outputDir, store: ctx.cache(STORE, PRECOMPRESS_VERSION), options });
        ctx.log.info(summarize(stats));
      },
    };
  },
};

export default precompress;
