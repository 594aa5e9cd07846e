/**
 * The dither plugin: every raster image of the site published as an ordered-dithered, palette-reduced
 * PNG (see README.md). Configured by the `dither` section of site.config.ts.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import type { BuildContext, Site, SolarpressPlugin } from '../../src/types.ts';
import { definePlugin } from '../../src/define-plugin.ts';
import { PLUGIN_VERSION, STORE } from './cache.ts';
import { ditherCommand } from './cli.ts';
import { countImages } from './count.ts';
import { ditherOptionsSchema, type DitherOptions } from './options.ts';
import { pageOverrideSchema } from './override.ts';
import rehypeDither from './rehype.ts';
import { DitherService, summary, type DitherStats } from './service.ts';

const definition = definePlugin({
  name: 'dither',
  configKey: 'dither',
  schema: ditherOptionsSchema,
  setup(options) {
    let service: DitherService | undefined;
    let progress: ReturnType<BuildContext['log']['progress']> | undefined;
    const serviceFor = (ctx: BuildContext) =>
      (service ??= new DitherService({ store: ctx.cache(STORE, PLUGIN_VERSION), workers: options.workers ?? availableParallelism() }));

    const plugin: Omit<SolarpressPlugin, 'name'> = {
      version: PLUGIN_VERSION,
      rehypePlugins: [[rehypeDither, { options, service: (api: { ctx: BuildContext }) => serviceFor(api.ctx) }]],
      frontMatter: { dither: pageOverrideSchema },
      buildStart(ctx) {
        const s = serviceFor(ctx);
        s.reset();
        const bar = ctx.log.progress('dither', countImages(path.resolve(ctx.root, ctx.config.contentDir), s.cache.store));
        progress = bar;
        s.onImage = () => bar.tick();
      },
      async buildEnd(ctx, site) {
        const s = serviceFor(ctx);
        progress?.done();
        progress = undefined;
        // The summary waits for a real build: the preview server rebuilds on every save. It covers
        // every image the site publishes, also those of pages replayed from the body cache (whose
        // records it reads: they count as used, so the build's pruning keeps them).
        if (ctx.mode === 'build') {
          const stats = siteStats(s, new Set([...s.used, ...publishedKeys(ctx.emitted())]));
          if (stats.images > 0) ctx.log.info(summary(stats));
        }
        await s.close();
      },
      commands: [ditherCommand(options)],
    };
    return plugin;
  },
});

export default definition;

/** Cache keys of the /media/<key>… files in the output: every image a page of the site publishes. */
export function publishedKeys(outputPaths: Iterable<string>): Set<string> {
  const keys = new Set<string>();
  for (const outputPath of outputPaths) {
    const m = /^media\/([0-9a-f]{20})[.-]/.exec(outputPath);
    if (m) keys.add(m[1]);
  }
  return keys;
}

function siteStats(service: DitherService, keys: Iterable<string>): DitherStats {
  const stats: DitherStats = { images: 0, fresh: service.stats.fresh, cached: 0, bytesBefore: 0, bytesAfter: 0 };
  for (const image of service.cache.figures(keys)) {
    stats.images++;
    stats.bytesBefore += image.sourceBytes;
    stats.bytesAfter += image.bytes;
  }
  stats.cached = Math.max(0, stats.images - stats.fresh);
  return stats;
}

