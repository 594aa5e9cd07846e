/**
 * Precompression at build: .gz and .br siblings of every text file (at edit or release effort: efforts.ts), so the
 * board's nginx serves them with gzip_static/brotli_static and never compresses on the fly.
 */
import { definePlugin } from '../../src/define-plugin.ts';
import type { BuildContext } from '../../src/types.ts';
import { precompressSchema, type PrecompressOptions } from './options.ts';
import { PoolAhead } from './pool.ts';
import { Compressions, PRECOMPRESS_VERSION, precompressDir, STORE, summarize } from './precompress.ts';

export { precompressSchema, type PrecompressOptions } from './options.ts';
export { precompressDir, summarize, type PrecompressStats } from './precompress.ts';

const precompress = definePlugin({
  name: 'precompress',
  configKey: 'precompress',
  schema: precompressSchema,
  setup(options) {
    /** The theme's generated pages (home, lists, archive): they change with every page they list. */
    let generated = new Set<string>();
    /**
     * This build's threads, started once its pages are laid out and its feeds written (last of the
     * built-in plugins), so that they start up while the output is written, not while the pages
     * render (whose own threads start then).
     */
    let ahead: PoolAhead | undefined;
    /** What this build began compressing at buildEnd: the bytes it made (pages laid out, feeds), while the output is written. */
    let begun: Compressions | undefined;
    const wanted = (ctx: BuildContext) => options.enabled && ctx.mode === 'build' && (options.gzip || options.brotli);
    // Feeds, the sitemap and lists change on every edit: at edit effort until a release (efforts.ts).
    const quick = (path: string) => generated.has(path) || /\.(xml|json)$/i.test(path);
    return {
      version: PRECOMPRESS_VERSION,
      buildEnd(ctx, site) {
        generated = new Set(site.pages.filter((p) => p.kind === 'generated').map((p) => p.outputPath));
        ahead = wanted(ctx) ? new PoolAhead(options.workers) : undefined;
        begun = ahead && new Compressions({ store: ctx.cache(STORE, PRECOMPRESS_VERSION), options, quick, release: ctx.release });
        if (begun) begun.begin(ctx.made?.() ?? [], () => ahead?.peek());
      },
      async outputReady(ctx, outputDir, staged) {
        // Only for builds that go to a server, never the preview.
        if (!wanted(ctx)) return;
        const pool = ahead?.take();
        ahead = undefined;
        const store = ctx.cache(STORE, PRECOMPRESS_VERSION);
        const taken = begun?.store === store ? begun : undefined;
        begun = undefined;
        const stats = await precompressDir({ outputDir, store, options, quick, release: ctx.release, staged, pool, begun: taken });
        ctx.log.info(summarize(stats));
      },
      async buildDone() {
        // Not taken by outputReady (the build failed after buildEnd, or found its output unchanged):
        // the threads end with what was begun on them, rather than compress on after the build.
        const unclaimed = ahead;
        ahead = undefined;
        begun = undefined;
        await unclaimed?.close();
      },
    };
  },
});

export default precompress;
