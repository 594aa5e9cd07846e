/**
 * The contracts between solarpress's core, its theme and its plugins.
 * Everything that crosses a module boundary is typed here.
 */
import type { Root as HastRoot, Element as HastElement, Text as HastText } from 'hast';
import type { PluggableList } from 'unified';
import type { VFile } from 'vfile';
import type { ZodType } from 'zod';
import type { ResolvedConfig } from './config.ts';
import type { CacheStore } from './cache/store.js';

export type { ResolvedConfig };

/** What a content file is, decided by the folder it lives in (see src/content/kinds.ts). */
export type Kind = 'article' | 'guide' | 'page' | 'zine-issue' | 'zine-part';

/** A heading of a page's body, for tables of contents. */
export interface Heading {
  depth: number;
  id: string;
  text: string;
}

/** One page of the site: a content file, or a page the theme generates (home, tag lists, 404…). */
export interface Page {
  /** Stable id: the source path relative to the content dir ('guides/yes-were-config.md'), or 'generated:<url>'. */
  id: string;
  /** Absolute path of the Markdown source; undefined for generated pages. */
  source?: string;
  kind: Kind | 'generated';
  /** Permalink, always absolute-path and ending in '/' (or a file name such as '/404.html'). */
  url: string;
  /** Path of the written file relative to the output dir ('slug/index.html'). */
  outputPath: string;
  title: string;
  date?: Date;
  updated?: Date;
  authors: string[];
  summary?: string;
  category?: string;
  tags: string[];
  draft: boolean;
  /** Print order inside a zine issue, or sort order for pages. */
  order?: number;
  /** Layout name in the theme ('article', 'guide', 'page', 'zine-issue', 'zine-part', or a theme route's). */
  layout: string;
  /** For a zine part: the id of its issue's index page. */
  issue?: string;
  /** Old addresses that redirect here (front matter `aliases:`), normalized: '/old/path/', '/old.html'. */
  aliases?: string[];
  /** The whole front matter as written (also keys solarpress does not know, for the theme). */
  data: Record<string, unknown>;
  /** The rendered body (hast of the Markdown), after all remark/rehype plugins. Set by the render
   * stage; a cached body is read from the cache when first used (not enumerable, so spreading a page
   * or naming its keys does not load it). */
  body?: HastRoot;
  headings?: Heading[];
  /** The body's first image after plugins ran (the lead image: feeds use it as the enclosure). */
  leadImage?: ImageInfo;
  wordCount?: number;
  /** Hash of everything the body was rendered from: plugins may key their own caches on it. */
  contentHash?: string;
}

/** An image as published. */
export interface ImageInfo {
  /** Site-absolute URL of the published (dithered) image. */
  url: string;
  width: number;
  height: number;
  /** MIME type of the published file. */
  type: string;
  /** Bytes of the published file. */
  bytes: number;
}

/** The zine issue with its parts in print order. */
export interface ZineIssue {
  index: Page;
  parts: Page[];
}

/** The whole site as the theme and plugins see it after rendering. */
export interface Site {
  config: ResolvedConfig;
  /** Every published page: content pages first (newest first), then generated ones. */
  pages: Page[];
  byId: Map<string, Page>;
  byUrl: Map<string, Page>;
  /** Articles and guides, newest first. */
  posts: Page[];
  zines: ZineIssue[];
  categories: Map<string, Page[]>;
  tags: Map<string, Page[]>;
  /**
   * Files a plugin publishes for a page, by page id (the zine issue's EPUB): filled in buildEnd by
   * plugins that run earlier; feeds list them as enclosures.
   */
  attachments?: Map<string, Attachment[]>;
}

/** A file published for a page (a download), as feeds list it. */
export interface Attachment {
  /** Site-absolute URL. */
  url: string;
  /** MIME type. */
  type: string;
  bytes: number;
  title: string;
}

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string, where?: SourceLocation): void;
  /** A counter for long work: a bar on a TTY, a few plain lines otherwise. */
  progress(label: string, total: number): { tick(n?: number): void; done(): void };
}

/** What the build offers to plugins and the theme. */
export interface BuildContext {
  config: ResolvedConfig;
  /** Project root (where site.config.ts lives). */
  root: string;
  mode: 'build' | 'dev';
  drafts: boolean;
  /** A build for what readers are served (`build --release`, `deploy`): output at release effort (precompression's smallest bytes). Absent: false. */
  release?: boolean;
  log: Logger;
  /**
   * A store of the build's cache (src/cache/store.js), made on first use: `.solarpress-cache/<name>/v<version>/`.
   * Entries are looked up by key (`find`, `get`), written atomically (`put`, `putLater`), and checked
   * against the content hash in their name when read; a damaged one reads as a miss, with a warning.
   * Publish an entry with `emitFile(outputPath, entry.file)`: its bytes are verified on the way out.
   * What a build does not use and nobody wrote for an hour is pruned after each build. Bump the
   * version when what you store changes shape. Not available in worker threads.
   */
  cache(name: string, version: string): CacheStore;
  /**
   * Write a file into the output being built (path relative to the output root, posix). `contentHash`:
   * the bytes' content hash when the plugin has it already (the `hash` of the entry a store's put or
   * putLater of these same bytes returned), so that the output does not hash them again.
   */
  emit(outputPath: string, data: string | Uint8Array, contentHash?: string): void;
  /** Put an existing file (e.g. a cache entry, verified first) into the output, as a copy. */
  emitFile(outputPath: string, absolutePath: string): void;
  /** Output paths emitted so far; in buildEnd, every page's (also those replayed from the cache). */
  emitted(): Iterable<string>;
  /** The bytes of a file emitted so far (e.g. a dithered image a book includes), or undefined. */
  read(outputPath: string): Uint8Array | undefined;
  /**
   * The files emitted so far as bytes the build made (not files put in, such as cache entries), with
   * their content hash: in buildEnd, work on them can begin before the output is written. Do not change the
   * bytes. Absent where no output is made (a page's text stage).
   */
  made?(): Iterable<{ outputPath: string; data: Uint8Array; hash: string }>;
}

/**
 * The per-file API a remark/rehype plugin finds at `file.data.solarpress` while a page body renders.
 * Everything a body transform reads or writes outside its tree must go through it, so that the
 * incremental cache can replay or invalidate the page correctly.
 */
export interface FileApi {
  page: Page;
  ctx: BuildContext;
  /** Declare that this page's output depends on a file's bytes (an image, an include). */
  dependOn(absolutePath: string): void;
  /** Emit an output file from an existing file (recorded and replayed on cache hits). */
  emitFile(outputPath: string, absolutePath: string): void;
  /** Permalink of another content file given its path relative to the content dir, or undefined. */
  urlOf(contentId: string): string | undefined;
  /**
   * The page links to a site-absolute path ('/about/', '/files/x.pdf'): checked against everything
   * the site publishes once the build is complete (recorded and re-checked on cache hits).
   */
  linksTo(url: string, line?: number): void;
  /** A non-fatal problem at a node's position (recorded and replayed on cache hits). */
  warn(message: string, line?: number): void;
}

declare module 'vfile' {
  interface DataMap {
    solarpress: FileApi;
  }
}

/** A CLI subcommand a plugin adds (`solarpress dither …`). */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Full --help text. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 content/config error, 2 usage. */
  run(args: string[], env: CommandEnv): Promise<number>;
}

export interface CommandEnv {
  /** Loads and validates site.config.ts from the project root (only when the command needs it). */
  loadConfig(): Promise<ResolvedConfig>;
  root: string;
  log: Logger;
  stdout: NodeJS.WritableStream;
}

/**
 * What an outputReady hook may ask about the folder being written, so that its own files can be kept
 * from the previous output instead of made again (paths relative to the folder, '/'-separated).
 * "Made from" is a string naming everything a file's bytes depend on (e.g. a cache key).
 */
export interface StagedOutput {
  /**
   * The file the build put at this path, if it is still the one put there: its size, the content hash
   * of its bytes (src/cache/hash.js; undefined for static files and plugins' files), and whether it is
   * the previous output's file, kept (same bytes, untouched since it was written).
   */
  placed(outputPath: string): { size: number; hash?: string; kept: boolean } | undefined;
  /**
   * Put the previous output's file at this path in place if it was made from `madeFrom` and nobody
   * touched it since (size, mtime, inode): its size, or undefined (then make the file).
   */
  keep(outputPath: string, madeFrom: string): number | undefined;
  /**
   * Say what a file the hook wrote (and will not change again) was made from, so that the next build
   * can keep it. The build lists only the files it placed and those said here: with a file the hook
   * wrote but did not say, the next build never finds the output folder unchanged (it writes it anew).
   */
  madeFrom(outputPath: string, madeFrom: string): void;
}

/**
 * A solarpress plugin: a factory of this object, configured from its section of site.config.ts.
 * Keep it small: unified plugins for page bodies, two build hooks, and CLI commands.
 */
export interface SolarpressPlugin {
  name: string;
  /** Part of every cache key: bump it when the plugin's output changes. */
  version: string;
  remarkPlugins?: PluggableList;
  rehypePlugins?: PluggableList;
  /**
   * Front-matter keys the plugin owns, each with the schema its value must pass: the core checks
   * them with the rest of the front matter (errors at the key's line) and puts the parsed value in page.data.
   */
  frontMatter?: Record<string, ZodType>;
  /** Before any page renders (e.g. start a worker pool). */
  buildStart?(ctx: BuildContext): void | Promise<void>;
  /** After every page is rendered and laid out: see the whole site, emit files (feeds, configs). */
  buildEnd?(ctx: BuildContext, site: Site): void | Promise<void>;
  /**
   * After the output is complete and before it goes live (e.g. precompression, budgets). Files in
   * outputDir may be the live output's own (hard links, kept because they did not change), and a
   * file a hook reported at an earlier build may be there still, for it to keep: to change or make
   * one, remove what is at its path and write a new file; never write into one.
   */
  outputReady?(ctx: BuildContext, outputDir: string, staged?: StagedOutput): void | Promise<void>;
  /**
   * Once the build is over, whatever its outcome (written, output unchanged, failed at any phase):
   * end what the plugin started for it (threads, work begun ahead), so that nothing of it runs on
   * after the build returns. Called for every plugin each time a build ends.
   */
  buildDone?(ctx: BuildContext): void | Promise<void>;
  /**
   * Site-absolute path prefixes the server answers from outside the output ('/api/' for the board's
   * live statistics): links there are not checked against the built files.
   */
  servedOutside?: string[];
  commands?: CommandSpec[];
}

/** How a plugin is registered: its config key, the schema of its section, and the factory. */
export interface PluginDefinition<Options = any> {
  name: string;
  /** Key of its section in site.config.ts ('dither', 'feed', 'server'). */
  configKey: string;
  /** Validates the section (defaults filled in); errors name `configKey.path`. */
  schema: ZodType<Options>;
  setup(options: Options, config: ResolvedConfig): SolarpressPlugin;
}

/** A theme: layouts that turn a page into a whole document (hast), assets, and pages it generates. */
export interface Theme {
  name: string;
  version: string;
  /** Folder whose files are published under /assets/; .css and .js get a content hash in their name. */
  assetsDir: string;
  layouts: Record<string, Layout>;
  /** Pages that come from no content file: home, category and tag lists, archive, 404. */
  routes?(site: Site): Page[];
  /** Optional body transforms the theme needs (e.g. figures from image paragraphs). */
  rehypePlugins?: PluggableList;
  /** Front-matter keys the theme reads from page.data (`nav`, `bio`…): not warned as unknown. */
  frontMatter?: readonly string[];
}

/**
 * A layout turns a page into a whole document. A laid-out page is reused while what it shows is
 * unchanged: without `reads`, that is the metadata of every page on the site (safe, but a changed
 * title lays out every page again); with it, only its own page and what `reads` names.
 */
export type Layout = ((ctx: LayoutContext) => HastRoot) & { reads?: LayoutReads };

/**
 * What a layout shows besides its own page and body, for a page: the pages whose metadata (title,
 * date, summary, tags, front matter…) it shows, and `shared`, a fingerprint of what the site shows on
 * every page (menu, footer), worked out once per Site. Name too much rather than too little: a page
 * missed here keeps showing its old title until the next cold build.
 */
export type LayoutReads = (page: Page, site: Site) => { pages: Iterable<Page>; shared: string };

export interface LayoutContext {
  page: Page;
  site: Site;
  config: ResolvedConfig;
  mode: 'build' | 'dev';
  /** Site-absolute URL of a theme asset by its name in assetsDir ('solar.css' → '/assets/solar.3f2a1b9c.css'). */
  asset(name: string): string;
  /** gzip-compressed size in bytes of a published file, by its site-absolute URL; undefined if not (yet) known. */
  compressedSize(url: string): number | undefined;
  /**
   * Page weight in bytes: the gzip-compressed document plus every stylesheet, script, image and
   * icon it references on this site. The core uses the same measure for the page budget.
   * `figure` is the text that will show it, holding a stand-in of the figure's length meanwhile: a
   * layout that then changes that text's value and nothing else, and returns `tree`, is published
   * from the serialization just measured (a document serialized once, not twice).
   */
  weigh(tree: HastRoot, figure?: HastText): number;
}

export type { HastRoot, HastElement, VFile };
