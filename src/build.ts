/**
 * A build, start to end: config → theme → content → bodies → site → layouts → plugins → output.
 * SiteBuilder keeps what it learnt between builds (the preview server reuses one); the on-disk
 * cache makes a fresh process just as incremental.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { PluggableList } from 'unified';
import path from 'node:path';
import { formatBytes } from './cli/bytes.ts';
import { CONFIG_FILE } from './config-file.ts';
import { loadSiteConfig, type LoadedConfig } from './config-load.ts';
import type { ResolvedConfig } from './config.ts';
import { placementOf } from './content/kinds.ts';
import { loadContent, type LoadOptions, type SourceFile, type SourceMemo } from './content/load.ts';
import { SourceStore } from './content/source-store.ts';
import { ContentError, ContentErrors, contentErrorsOf } from './errors.ts';
import { createLogger } from './log.ts';
import type { PublishProcessor, TextProcessor } from './markdown/processor.ts';
import { FileCache } from './cache/file-cache.js';
import { checkSiteLinks, servedOutside, servedOutsideAt, shadowedError } from './markdown/site-links.ts';
import { DamagedCacheEntries, MANIFEST_STORE, Output, readManifest, Staging, writeOutput } from './output.ts';
import { checkCacheDirPlace, claimOutDir, legacyManifestFiles } from './output-guard.ts';
import { setupPlugins } from './plugins.ts';
import { cachedBody, renderBody, type BodyResult } from './render/body.ts';
import { BodyStore } from './render/body-store.ts';
import { runTextStage, type TextStageEnv } from './render/text-stage.ts';
import { TextWorkers, type WorkerInit } from './render/text-workers.ts';
import { layoutPages, pageStore, type LaidOut, type LayoutMemory } from './render/layout.ts';
import { assembleSite } from './site.ts';
import { listStaticFiles, StaticPublisher } from './static-files.ts';
import { guardRedirects, publishRedirects, type PublishedRedirects } from './redirect-pages.ts';
import { loadTheme, minifyThemeAhead, themeAssets } from './theme.ts';
import { MINIFIED_STORE } from './minify-asset.ts';
import { themeDirOf } from './package-root.ts';
import { CORE_KEYS, unknownKeys } from './content/unknown-keys.ts';
import type { BuildContext, Logger, Page, Site, SolarpressPlugin, Theme } from './types.ts';
import { solarpressCodeHash, VERSION } from './version.ts';
import { stampInputs, type BuildInputs, type StampedInputs } from './build-inputs.ts';

export interface BuildOptions {
  root: string;
  /** Overrides config.outDir (tests build into temp folders). */
  outDir?: string;
  drafts?: boolean;
  /** Include pages dated in the future (a build holds them back by default). */
  future?: boolean;
  /** Output at release effort (build --release, deploy): see BuildContext.release. */
  release?: boolean;
  mode?: 'build' | 'dev';
  log?: Logger;
  /** Write the output folder (default true). The preview server serves from memory instead. */
  write?: boolean;
  /** Worker threads for Markdown: 'auto' (default) uses them for big builds on several cores; 0 never. */
  textWorkers?: number | 'auto';
  /** Stamp what the build reads as it begins, for a record of its inputs (src/build-inputs.ts): result.inputs. */
  stampInputs?: boolean;
}

export interface BuildStats {
  pages: number;
  images: number;
  files: number;
  bytes: number;
  ms: number;
  renderedBodies: number;
  /** Pages laid out by this build (the others were published from the page cache). */
  laidOut: number;
  /** Draft pages left out (a build without --drafts). */
  draftsLeftOut: number;
  /** Pages dated in the future left out (a build without --future). */
  futureLeftOut: number;
  /** Milliseconds per phase: config, bodies (content + Markdown), layouts, plugins (buildEnd), write (with outputReady hooks). */
  phases: Record<string, number>;
  /** 'unchanged': the output folder already held exactly this build. */
  written: 'written' | 'unchanged' | 'not written';
}

export interface BuildResult {
  config: ResolvedConfig;
  site: Site;
  output: Output;
  laidOut: LaidOut[];
  stats: BuildStats;
  outDir: string;
  /** With options.stampInputs, unless a folder could not be read. */
  inputs?: BuildInputs;
}

/** Pages rendered at once: enough to keep image workers busy while Markdown renders. */
const CONCURRENCY = 16;
/** Quiet time after a preview rebuild before its caches are written (none is written while one runs). */
const PERSIST_DELAY_MS = 2000;
/** Below this many pages to render, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD = 48;

export class SiteBuilder {
  private readonly memo: SourceMemo = new Map();
  private bodies?: BodyStore;
  private sources?: SourceStore;
  private readonly pages = new WeakMap<Page, { body: BodyResult; page: Page }>();
  private persistTimer?: NodeJS.Timeout;
  private cache?: FileCache;
  private layouts: LayoutMemory = { pages: new Map() };
  private processors?: { hash: string; text: TextProcessor; publish: PublishProcessor };
  private code?: LoadedCode;
  private last?: LastBuild;

  constructor(private readonly options: BuildOptions) {}

  async build(): Promise<BuildResult> {
    // The preview's caches wait for a quiet moment: at 5,000 pages their write takes a second, which
    // a rebuild begun meanwhile would wait for (its cache flush).
    clearTimeout(this.persistTimer);
    try {
      return await this.attempt();
    } catch (error) {
      if (!(error instanceof DamagedCacheEntries)) throw error;
      // Each was removed with a warning as it was found: once more, and their makers make them afresh.
      this.layouts = { pages: new Map() };
      // Bodies found with a tree that turned out to be gone (src/render/body-store.ts) are looked up again.
      this.bodies = undefined;
      return this.attempt();
    }
  }

  /** One attempt; the plugins' buildDone hooks after it, whatever came of it. */
  private async attempt(): Promise<BuildResult> {
    const run = await this.begin();
    let result: BuildResult;
    try {
      result = await this.phases(run);
    } catch (error) {
      // The build's own failure is what is told, not a hook's failing after it.
      await pluginsDone(run).catch(() => {});
      throw error;
    }
    await pluginsDone(run);
    return result;
  }

  /** The build, phase by phase; each phase is a method below. */
  private async phases(run: Run): Promise<BuildResult> {
    // The theme's CSS and JS not minified yet: esbuild does it in its own process while pages render.
    const minified = minifyThemeAhead(run.theme, minifiedStore(run)).catch(() => undefined);
    // A first build of a big site: its text workers load while the content is read.
    const early = await this.earlyTextWorkers(run);
    let loaded: ReturnType<typeof this.loadPages>;
    try {
      loaded = this.loadPages(run);
      for (const plugin of run.plugins) await plugin.buildStart?.(run.ctx);
    } catch (error) {
      await Promise.all([early?.close(), minified]);
      throw error;
    }
    const { files, loadErrors, urls, leftOut, changesAt } = loaded;
    try {
      const { bodies, fresh } = await this.renderBodies(run, files, loadErrors, urls, early).finally(() => early?.close());
      const pages = this.pagesOf(files, bodies);
      await minified;
      const assets = publishAssets(run);
      run.phase('bodies');
      const { site, laidOut } = this.layOut(run, files, pages, assets);
      run.phase('layouts');
      await finishWithPlugins(run, site, files, bodies);
      run.phase('plugins');
      const written = await writeAll(run);
      run.phase('write');
      if (run.mode === 'dev') this.persistSoon(run.log);
      const { output } = run;
      const stats: BuildStats = {
        phases: run.phases,
        pages: laidOut.length,
        images: countImages(output),
        files: output.files.size,
        // Summed when asked for (the CLI's summary): the preview server's rebuilds skip a stat per file.
        get bytes() {
          return output.totalBytes();
        },
        ms: Math.round(performance.now() - run.started),
        renderedBodies: fresh,
        laidOut: laidOut.filter((l) => l.fresh).length,
        draftsLeftOut: leftOut.drafts,
        futureLeftOut: leftOut.future,
        written,
      };
      const inputs = run.stamps && { stamps: run.stamps.stamps, lastChangeNs: run.stamps.lastChangeNs, configModule: run.configModule, changesAt, cacheDamaged: run.cache.discarded() };
      const result: BuildResult = { config: run.config, site, output, laidOut, stats, outDir: run.outDir, inputs };
      if (run.mode === 'dev') this.last = this.lastBuildOf(run, result, files, urls, assets);
      return result;
    } catch (error) {
      // A failed build leaves nothing running behind it: its minifying ends (into the cache) first.
      await Promise.all([run.staging?.discard(), minified]);
      throw error;
    }
  }

  /** Config, theme and plugins; the cache; the output folder claimed; the static folder listed; the context plugins get. */
  private async begin(): Promise<Run> {
    const started = performance.now();
    const { root } = this.options;
    const mode = this.options.mode ?? 'build';
    const log = this.options.log ?? createLogger({ root });
    // Code (config, theme, plugins) loads once per builder: the preview server restarts when it changes.
    this.code ??= await loadCode(root);
    const { config, theme, themeDir, codeHash, plugins, configModule, rendering } = this.code;
    const outDir = path.resolve(root, this.options.outDir ?? config.outDir);
    const cacheRoot = path.resolve(root, config.cacheDir);
    const folders = {
      root,
      contentDir: path.resolve(root, config.contentDir),
      staticDir: path.resolve(root, config.staticDir),
      themeDir: themeDirOf(root, config.theme),
      cacheDir: cacheRoot,
    };
    const cache = (this.cache ??= new FileCache(cacheRoot, { warn: (message, file) => log.warn(message, { file }) }));
    cache.startBuild();
    const write = this.options.write ?? true;
    claimOutDir(
      outDir,
      folders,
      this.options.outDir !== undefined ? { label: '--out' } : { label: 'outDir in site.config.ts', file: path.join(root, CONFIG_FILE) },
      write && {
        log,
        previousFiles: () =>
          readManifest(cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version), outDir)?.files.map(([file]) => file) ?? legacyManifestFiles(cacheRoot, outDir),
      },
    );
    // Before anything is written to the cache or pruned from it (the output folder's rules name most mistakes first).
    checkCacheDirPlace(folders, path.join(root, CONFIG_FILE));
    // Before the static folder and the pages are read (the config and the theme's code were: see src/build-inputs.ts).
    const stamps = this.options.stampInputs
      ? stampInputs({
          folders: [path.resolve(root, config.contentDir), path.resolve(root, config.staticDir)],
          code: [themeDir, theme.assetsDir],
          // The site's own theme, when the config names none, is theme/index.ts if there is one.
          files: config.theme === undefined ? [path.join(root, 'theme', 'index.ts')] : [],
          modules: [path.join(themeDir, 'index.ts')],
        })
      : undefined;
    // From the stats just taken of solarpress's own code, when they were (the first build of a process).
    const ownCode = solarpressCodeHash(stamps?.stats);
    const output = new Output(cache);
    // Listed before anything renders: a problem in the static folder is reported with the others.
    const statics = new StaticPublisher(listStaticFiles(path.resolve(root, config.staticDir), { outDir, cacheDir: cacheRoot }, servedOutside(config, plugins)), root);
    const phases: Record<string, number> = {};
    let mark = started;
    /** What a plugin emits at buildEnd must not take a static file's or a redirect page's place. */
    const guard = (outputPath: string) => {
      if (!run.emitter) return;
      statics.guard(outputPath, run.emitter);
      guardRedirects(run.redirects, outputPath, run.emitter);
    };
    const ctx: BuildContext = {
      config,
      root,
      mode,
      drafts: this.options.drafts ?? mode === 'dev',
      release: this.options.release ?? false,
      log,
      cache: (name, version) => cache.store(name, version),
      emit: (outputPath, data, contentHash) => {
        guard(outputPath);
        output.emit(outputPath, data, contentHash);
      },
      emitFile: (outputPath, file) => {
        guard(outputPath);
        output.emitFile(outputPath, file);
      },
      emitted: () => output.files.keys(),
      read: (outputPath) => (output.has(outputPath) ? output.read(outputPath) : undefined),
      made: () => output.made(),
    };
    const run: Run = {
      root,
      mode,
      log,
      write,
      config,
      theme,
      plugins,
      configModule,
      outDir,
      cache,
      output,
      statics,
      redirects: new Map(),
      stamps,
      settingsHash: hashOf(VERSION, ownCode, JSON.stringify(config), plugins.map((p) => `${p.name}@${p.version}`).join(','), codeHash),
      // The same context, but for the config a body's plugins see.
      bodies: { config: rendering.config, hash: hashOf(VERSION, ownCode, rendering.settings), ctx: { ...ctx, config: rendering.config } },
      started,
      phases,
      phase(name) {
        const now = performance.now();
        phases[name] = Math.round(now - mark);
        mark = now;
      },
      ctx,
    };
    run.phase('config');
    return run;
  }

  /** The content's pages (files that fail to load are reported with what rendering the others finds). */
  private loadPages(run: Run): { files: SourceFile[]; loadErrors: ContentError[]; urls: Map<string, string>; leftOut: { drafts: number; future: number }; changesAt?: number } {
    const { root, config, theme, plugins, log, mode } = run;
    const loadErrors: ContentError[] = [];
    const contentDir = path.resolve(root, config.contentDir);
    if (!statSync(contentDir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ContentError(
        `no content folder ${path.relative(root, contentDir) || '.'}/`,
        { file: path.join(root, CONFIG_FILE) },
        `make it and write pages there (content/articles/, content/pages/; solarpress init makes a first article), or set contentDir in ${CONFIG_FILE}`,
      );
    }
    const leftOut: { drafts: number; future: number; firstHeldBack?: Date } = { drafts: 0, future: 0 };
    const now = new Date();
    const layouts = new Set(Object.keys(theme.layouts));
    // The settings (solarpress, plugins and their schemas) and the layout names shape a parsed page.
    const parsedWith = hashOf(run.bodies.hash, [...layouts].join(','));
    if (this.sources?.settings !== parsedWith) this.sources = new SourceStore(run.cache, parsedWith);
    const files = loadContent({
      leftOut,
      // The preview shows future-dated pages (marked by the theme); a build holds them back.
      holdBackAfter: mode === 'build' && !this.options.future ? now : undefined,
      ...readingOf(run),
      memo: this.memo,
      parsed: this.sources,
      errors: loadErrors,
      stats: run.stamps?.stats,
    });
    this.sources.endBuild();
    // Like the body cache: the preview writes it after a quiet moment (persistCaches).
    if (mode === 'build') this.sources.write();
    const urls = new Map([...placeholderUrls(loadErrors, contentDir), ...files.map((f): [string, string] => [f.page.id, f.page.url])]);
    // A page (or alias) where the server answers from elsewhere would be built and never seen.
    const outside = servedOutside(config, plugins);
    for (const { page } of files) {
      for (const url of [page.url, ...(page.aliases ?? [])]) {
        const prefix = servedOutsideAt(url, outside);
        if (prefix) loadErrors.push(shadowedError(url, prefix, page.source!, url === page.url ? 'give the page another `slug:`' : `remove ${url} from its \`aliases:\``));
      }
    }
    const knownKeys = new Set([...CORE_KEYS, ...plugins.flatMap((p) => Object.keys(p.frontMatter ?? {})), ...(theme.frontMatter ?? [])]);
    for (const file of files) {
      for (const { key, line, suggestion } of unknownKeys(file, knownKeys)) {
        log.warn(`unknown front-matter key "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ' (no plugin or theme reads it)'}`, { file: file.page.source!, line });
      }
    }
    // The output changes when a page's date passes: one held back is published, the theme stops marking one shown as future-dated.
    const dates = [leftOut.firstHeldBack, ...files.map((f) => f.page.date)].filter((d): d is Date => d !== undefined && d > now).map((d) => d.getTime());
    return { files, loadErrors, urls, leftOut, changesAt: dates.length > 0 ? Math.min(...dates) : undefined };
  }

  /** Every page's body: from the body cache, or rendered (in worker threads for big builds). All content errors at once. */
  private async renderBodies(run: Run, files: SourceFile[], loadErrors: ContentError[], urls: Map<string, string>, early?: TextWorkers): Promise<{ bodies: BodyResult[]; fresh: number }> {
    const { root, mode, log } = run;
    const { ctx, config } = run.bodies;
    const counts = { fresh: 0 };
    this.bodies ??= new BodyStore(run.cache);
    const lookup = { ctx, settingsHash: run.bodies.hash, urls, store: this.bodies, emitFile: ctx.emitFile };
    const cached = files.map((file) => cachedBody(file, lookup));
    const misses = files.filter((_, i) => !cached[i]);
    // The Markdown pipeline loads only when a page is to be rendered: a build from the cache does without it.
    const processors = misses.length > 0 ? await this.processorsFor(run.bodies.hash, run.plugins, run.theme.rehypePlugins ?? []) : undefined;
    const workerCount = this.textWorkerCount(misses.length);
    const workers = workerCount > 0 ? (early ?? (await TextWorkers.start(workerCount, workerInit(run)))) : undefined;
    if (early && !workers) await early.close();
    workers?.permalinks(urls);
    const textEnv = { root, config, mode, drafts: ctx.drafts, urls };
    let fresh: Settled<BodyResult>[];
    // A counter only when there is a wait worth showing.
    const progress = misses.length >= 50 ? log.progress('pages', misses.length) : undefined;
    try {
      fresh = !processors ? [] : await mapLimit(misses, CONCURRENCY, async (file) => {
        const body = await renderBody(file, {
          ...lookup,
          // The main thread takes a page itself while the workers have enough queued.
          textStage: (page, markdown) => {
            const inline = () => runTextStage(page, markdown, processors.text, textEnv);
            return workers ? workers.take(page, markdown, inline) : inline();
          },
          publisher: processors.publish,
          counts,
        });
        progress?.tick();
        return body;
      });
    } finally {
      progress?.done();
      await workers?.close();
    }
    let nextFresh = 0;
    const rendered: Settled<BodyResult>[] = cached.map((body) => (body ? { ok: true, value: body } : fresh[nextFresh++]));
    const errors = [...loadErrors, ...rendered.flatMap((r) => (r.ok ? [] : r.errors))];
    if (errors.length > 0) throw new ContentErrors(errors);
    // Pages rendered mean new output: its folders are made in the background while the site is laid
    // out. Not while pages render: the thousand mkdirs of a 1,000-page site fill libuv's threads, and a
    // module the render imports (a highlighting grammar) waited behind them.
    if (run.write && misses.length > 0) {
      run.staging = new Staging(run.outDir);
      run.staging.prepare(files.map((f) => f.page.outputPath));
    }
    this.bodies.endBuild();
    // The preview server writes the body cache after a quiet moment: a save must not wait for it.
    if (mode === 'build') this.bodies.write();
    return { bodies: rendered.map((r) => (r as { ok: true; value: BodyResult }).value), fresh: counts.fresh };
  }

  /** Pages with their bodies: the same page object while source and body are (what is worked out per page is then kept). */
  private pagesOf(files: SourceFile[], bodies: BodyResult[]): Page[] {
    return files.map((file, i): Page => {
      const body = bodies[i];
      const known = this.pages.get(file.page);
      if (known?.body === body) return known.page;
      const page = pageWithBody(file, body);
      this.pages.set(file.page, { body, page });
      return page;
    });
  }

  /** The last successful build of the preview (mode 'dev'), for laying a saved page out against it. */
  lastBuild(): LastBuild | undefined {
    return this.last;
  }

  private lastBuildOf(run: Run, result: BuildResult, files: SourceFile[], urls: Map<string, string>, assets: PublishedAssets): LastBuild {
    const { root, ctx, plugins, theme } = run;
    return {
      result,
      ctx,
      bodyCtx: run.bodies.ctx,
      theme,
      settingsHash: run.bodies.hash,
      layoutHash: layoutHashOf(run, assets),
      asset: assets.url,
      urls,
      files: new Map(files.map((f) => [f.page.source!, f])),
      load: readingOf(run),
      bodies: this.bodies!,
      processors: () => this.processorsFor(run.bodies.hash, plugins, theme.rehypePlugins ?? []),
      textEnv: { root, config: run.bodies.config, mode: run.mode, drafts: ctx.drafts, urls },
      servedOutside: servedOutside(run.config, plugins),
    };
  }

  /** The site laid out by the theme (from the page cache where nothing it shows changed), redirect pages and static files. */
  private layOut(run: Run, files: SourceFile[], pages: Page[], assets: PublishedAssets): { site: Site; laidOut: LaidOut[] } {
    const { config, theme, output, log } = run;
    const site = assembleSite(config, pages, theme);
    const laidOut = layoutPages({
      ctx: run.ctx,
      theme,
      site,
      output,
      settingsHash: layoutHashOf(run, assets),
      asset: assets.url,
      memory: this.layouts,
    });
    for (const { page, weight } of laidOut) {
      if (weight > config.budgets.pageKB * 1024) {
        log.warn(`weighs ${formatBytes(weight)}, over the page budget of ${config.budgets.pageKB} KB`, { file: page.source ?? page.url });
      }
    }
    run.redirects = publishRedirects(files, site, output, (outputPath) => run.statics.sourceAt(outputPath), run.root);
    run.statics.publish(output, site);
    return { site, laidOut };
  }

  /**
   * Write the body cache and prune the page cache of the preview's last build: the preview server
   * does it after a quiet moment (a save must not wait for it), and when it stops.
   */
  async persistCaches(): Promise<void> {
    clearTimeout(this.persistTimer);
    this.bodies?.write();
    this.sources?.write();
    await this.cache?.flush();
    // Only the preview's own laid-out pages: what else it left unused, builds still use.
    this.cache?.prune([pageStore('dev')]);
  }

  private persistSoon(log: Logger): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.persistCaches().catch((error: Error) => log.warn(`could not write the preview's caches: ${error.message}`));
    }, PERSIST_DELAY_MS);
    this.persistTimer.unref();
  }

  /**
   * Text workers started before the content is read, for a build that will render many pages: one
   * with no body cached (a first build, or a cleared cache) of a site with WORKER_THRESHOLD Markdown
   * files or more. A worker takes about half a second to load; reading the content takes as long.
   */
  private async earlyTextWorkers(run: Run): Promise<TextWorkers | undefined> {
    this.bodies ??= new BodyStore(run.cache);
    if (this.bodies.size > 0) return undefined;
    const pages = countMarkdown(path.resolve(run.root, run.config.contentDir), WORKER_THRESHOLD);
    const count = pages >= WORKER_THRESHOLD ? this.textWorkerCount(pages) : 0;
    return count > 0 ? TextWorkers.start(count, workerInit(run)) : undefined;
  }

  private textWorkerCount(pages: number): number {
    const wanted = this.options.textWorkers ?? 'auto';
    if (wanted !== 'auto') return wanted;
    // A core for the main thread, which also renders pages while the workers have enough queued
    // (src/render/text-workers.ts take()), and the others for workers: on 2 cores as well.
    const cores = availableParallelism();
    return pages >= WORKER_THRESHOLD && cores >= 2 ? Math.min(cores - 1, 4) : 0;
  }

  private async processorsFor(hash: string, plugins: SolarpressPlugin[], themeRehype: PluggableList): Promise<{ text: TextProcessor; publish: PublishProcessor }> {
    if (this.processors?.hash !== hash) {
      const { createPublishProcessor, createTextProcessor } = await import('./markdown/processor.ts');
      this.processors = {
        hash,
        text: createTextProcessor(plugins.flatMap((p) => p.remarkPlugins ?? [])),
        publish: createPublishProcessor(plugins.flatMap((p) => p.rehypePlugins ?? []), themeRehype),
      };
    }
    return this.processors;
  }
}

interface LoadedCode {
  config: ResolvedConfig;
  theme: Theme;
  themeDir: string;
  /** The theme's code and the config's. */
  codeHash: string;
  plugins: SolarpressPlugin[];
  /** The config's bundled module, which text workers import to set up the same plugins. */
  configModule: string;
  rendering: Rendering;
}

/**
 * What page bodies are rendered with: the config their plugins see, and the hash of the settings
 * and code besides solarpress's own that shape a body (with solarpress's, the body key's settings).
 * Of the plugins' options, only those of plugins that take part in rendering (renders): the others'
 * (precompression, feeds, the server's) are neither seen nor in the key, so that changing them
 * renders no body again.
 */
interface Rendering {
  config: ResolvedConfig;
  settings: string;
}

async function loadCode(root: string): Promise<LoadedCode> {
  const loaded = await loadSiteConfig(root);
  const { config } = loaded;
  const { theme, dir: themeDir, codeHash: themeCode } = await loadTheme(root, config.theme);
  const plugins = setupPlugins(loaded);
  const configCode = configCodeHash(loaded.module);
  // A config of plain data gives the bodies nothing but its data: its code (toggling a plugin's section edits it) is left out of their key.
  const rendering = renderingWith(loaded, plugins, hashOf(themeCode, loaded.plainData ? '' : configCode));
  return { config, theme, themeDir, codeHash: hashOf(themeCode, configCode), plugins, configModule: loaded.module, rendering };
}

/**
 * A plugin takes part in rendering with remark or rehype plugins, front-matter keys (a page's parsed
 * data), or a hook that runs before pages render.
 */
const renders = (plugin: SolarpressPlugin) =>
  Boolean(plugin.remarkPlugins?.length || plugin.rehypePlugins?.length || Object.keys(plugin.frontMatter ?? {}).length || plugin.buildStart);

/** @param code the code that shapes bodies: the theme's, and the config's unless it is plain data */
function renderingWith(loaded: LoadedConfig, plugins: SolarpressPlugin[], code: string): Rendering {
  // setupPlugins keeps the config's order: plugins[i] is loaded.plugins[i] set up.
  const taking = loaded.plugins.map((configured, i) => ({ key: configured.definition.configKey, plugin: plugins[i]! })).filter(({ plugin }) => renders(plugin));
  const pluginOptions = Object.fromEntries(taking.map(({ key }) => [key, loaded.config.pluginOptions[key]]));
  const config: ResolvedConfig = { ...loaded.config, pluginOptions };
  const versions = taking.map(({ plugin }) => `${plugin.name}@${plugin.version}`).join(',');
  return { config, settings: hashOf(JSON.stringify(config), versions, code) };
}

/**
 * The config's code with the plugins it imports, part of every cache key as the theme's is: an
 * edited plugin of the site's re-renders what it touched. Without the source map, whose paths say
 * where the site is, not what it does.
 */
function configCodeHash(module: string): string {
  return hashOf(readFileSync(module, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, ''));
}

/** One build in a fresh builder: what `solarpress build` and tests call. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  return new SiteBuilder(options).build();
}

/**
 * Where the files that failed to load would live, so that a link to one of them is not reported as
 * broken as well (their own error is). The build fails anyway: these never reach the output.
 */
function placeholderUrls(errors: ContentError[], contentDir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const error of errors) {
    if (!error.where?.file.endsWith('.md')) continue;
    const id = path.relative(contentDir, error.where.file).split(path.sep).join('/');
    const placement = placementOf(id);
    if (placement) out.push([id, placement.url(placement.defaultSlug)]);
  }
  return out;
}

type Settled<T> = { ok: true; value: T } | { ok: false; errors: ContentError[] };

/** Run fn over items, at most `limit` at once, collecting content errors instead of stopping at the first. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<Settled<R>[]> {
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i]) };
      } catch (error) {
        const errors = contentErrorsOf(error);
        if (!errors) throw error;
        results[i] = { ok: false, errors };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function checkAssetBudget(files: string[], output: Output, urls: string[], config: ResolvedConfig): void {
  const codeUrls = urls.filter((u) => /\.(css|js)$/.test(u));
  const total = codeUrls.reduce((sum, url) => sum + output.size(url.slice(1)), 0);
  if (total > config.budgets.assetsKB * 1024) {
    throw new ContentError(
      `the theme's CSS and JS weigh ${formatBytes(total)}, over the budget of ${config.budgets.assetsKB} KB`,
      { file: path.dirname(files[0] ?? themeDirOf(config.root, config.theme)) },
      'make the theme smaller, or raise budgets.assetsKB in site.config.ts',
    );
  }
}

/** What one build attempt works with, shared by its phases. */
interface Run {
  root: string;
  mode: 'build' | 'dev';
  log: Logger;
  write: boolean;
  config: ResolvedConfig;
  theme: Theme;
  plugins: SolarpressPlugin[];
  configModule: string;
  outDir: string;
  cache: FileCache;
  output: Output;
  statics: StaticPublisher;
  ctx: BuildContext;
  /** Hash of everything that shapes the output besides the content: every layout's and the output's key. */
  settingsHash: string;
  /** What bodies are rendered with (Rendering): the config and context their plugins see, and the hash of all that shapes them. */
  bodies: { config: ResolvedConfig; hash: string; ctx: BuildContext };
  /** The plugin whose buildEnd runs (its emits are guarded). */
  emitter?: string;
  /** The redirect pages of aliases, once laid out. */
  redirects: PublishedRedirects;
  /** What the build read, stamped as it began (options.stampInputs). */
  stamps?: StampedInputs;
  /** The next output folder, made in the background once pages are to be rendered. */
  staging?: Staging;
  started: number;
  /** Milliseconds per phase, for the summary and benchmarks. */
  phases: Record<string, number>;
  phase(name: string): void;
}

/**
 * The last successful preview build, as src/dev/page-patch.ts lays a saved page out against it:
 * what that build read, rendered and laid out with, and the site it made.
 */
export interface LastBuild {
  result: BuildResult;
  ctx: BuildContext;
  /** The context a body's plugins see (Rendering). */
  bodyCtx: BuildContext;
  theme: Theme;
  /** Shapes every body besides its source (bodyKey). */
  settingsHash: string;
  /** Shapes every laid-out page besides the site (LayoutOptions.settingsHash). */
  layoutHash: string;
  asset(name: string): string;
  /** id → permalink of every content page. */
  urls: ReadonlyMap<string, string>;
  /** The content files it built, by absolute path. */
  files: ReadonlyMap<string, SourceFile>;
  /** How it read a content file. */
  load: Pick<LoadOptions, 'contentDir' | 'drafts' | 'layouts' | 'pluginKeys'>;
  bodies: BodyStore;
  processors(): Promise<{ text: TextProcessor; publish: PublishProcessor }>;
  textEnv: TextStageEnv;
  servedOutside: string[];
}

/** A page with its rendered body: what the theme and plugins see of a content file. */
export function pageWithBody(file: SourceFile, body: BodyResult): Page {
  const page: Page = { ...file.page, headings: body.headings, leadImage: body.leadImage, wordCount: body.wordCount, contentHash: body.contentHash };
  // Read when a layout or a plugin uses it: a cached body's tree is loaded only then.
  Object.defineProperty(page, 'body', { get: () => body.body, enumerable: false });
  return page;
}

/** How a build reads a content file. */
function readingOf(run: Run): LastBuild['load'] {
  return {
    contentDir: path.resolve(run.root, run.config.contentDir),
    drafts: run.ctx.drafts,
    layouts: new Set(Object.keys(run.theme.layouts)),
    pluginKeys: new Map(run.plugins.flatMap((p) => Object.entries(p.frontMatter ?? {}))),
  };
}

const layoutHashOf = (run: Run, assets: PublishedAssets) => hashOf(run.settingsHash, [...assets.urls.values()].join(','));

interface PublishedAssets {
  urls: Map<string, string>;
  url(name: string): string;
}

/** The theme's assets into the output, within the assets budget. */
function publishAssets(run: Run): PublishedAssets {
  const { theme, output } = run;
  const assets = themeAssets(theme, minifiedStore(run));
  for (const asset of assets) {
    if (asset.data === undefined) output.emitFile(asset.url.slice(1), asset.absolutePath);
    else output.emit(asset.url.slice(1), asset.data);
  }
  const urls = new Map(assets.map((a) => [a.name, a.url]));
  checkAssetBudget(assets.map((a) => a.absolutePath), output, assets.map((a) => a.url), run.config);
  return {
    urls,
    url(name) {
      const url = urls.get(name);
      if (!url) throw new Error(`the theme asks for asset "${name}", which is not in ${theme.assetsDir}`);
      return url;
    },
  };
}

const minifiedStore = (run: Run) => run.cache.store(MINIFIED_STORE.name, MINIFIED_STORE.version);

/** Plugins' buildEnd; then, every file being made, site-absolute links in bodies (cached or fresh) must name one. */
async function finishWithPlugins(run: Run, site: Site, files: SourceFile[], bodies: BodyResult[]): Promise<void> {
  for (const plugin of run.plugins) {
    run.emitter = `the ${plugin.name} plugin`;
    await plugin.buildEnd?.(run.ctx, site);
  }
  run.emitter = undefined;
  const linkErrors = checkSiteLinks(
    files.map((file, i) => ({ source: file.page.source!, links: bodies[i].siteLinks })),
    (outputPath) => run.output.has(outputPath),
    servedOutside(run.config, run.plugins),
  );
  if (linkErrors.length > 0) throw new ContentErrors(linkErrors);
}

/** Every plugin's buildDone, each called even if one before it fails; the first failure is thrown after. */
async function pluginsDone(run: Run): Promise<void> {
  const failures: unknown[] = [];
  for (const plugin of run.plugins) {
    try {
      await plugin.buildDone?.(run.ctx);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/** The output folder swapped in whole (outputReady hooks see the staging folder), and the caches pruned. */
async function writeAll(run: Run): Promise<BuildStats['written']> {
  await run.cache.flush();
  let written: BuildStats['written'] = 'not written';
  if (run.write) {
    written = await writeOutput(
      run.output,
      run.outDir,
      async (staging, staged) => {
        for (const plugin of run.plugins) await plugin.outputReady?.(run.ctx, staging, staged);
      },
      run.settingsHash,
      run.cache.store(MANIFEST_STORE.name, MANIFEST_STORE.version),
      run.staging,
      run.ctx.release,
    );
    run.staging = undefined;
  }
  // The preview prunes after a quiet moment (persistCaches); a build prunes every store it opened.
  if (run.mode === 'build') run.cache.prune();
  return written;
}

/** Images published under /media/, each counted once: not its WebP twin, nor its "original". */
function countImages(output: Output): number {
  let n = 0;
  for (const outputPath of output.files.keys()) if (/^media\/.*\.(png|jpe?g|gif|avif|svg)$/i.test(outputPath) && !/-original\./.test(outputPath)) n++;
  return n;
}


/** What a text worker is started with (the permalinks follow: TextWorkers.permalinks). */
function workerInit(run: Run): WorkerInit {
  return {
    root: run.root,
    config: run.bodies.config,
    configModule: run.configModule,
    remarkPlugins: run.plugins.some((plugin) => (plugin.remarkPlugins?.length ?? 0) > 0),
    mode: run.mode,
    drafts: run.ctx.drafts,
  };
}

/** Markdown files in a folder and below, counted up to `enough`. */
function countMarkdown(dir: string, enough: number): number {
  let count = 0;
  const folders = [dir];
  while (folders.length > 0 && count < enough) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) folders.push(path.join(folder, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.md')) count++;
    }
  }
  return count;
}

function hashOf(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}
