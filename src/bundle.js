// Bundling with esbuild, in plain JavaScript so the launcher can run it before any TypeScript loads.
//
// Loading ~400 TypeScript and package modules one by one through a loader took most of a second at
// every start; one bundle per entry loads in a fifth of that. Bundles are kept in two stores of the
// one cache layer (src/cache/): named by where this copy of solarpress is (a bundle holds absolute
// paths: a copied or moved project makes its own), checked against their content hash at each start
// (a damaged bundle is made again, with a warning), and made again after any change of the sources
// they were made from, so an edited source is never run stale and there is no build step to forget.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { FileCache } from './cache/file-cache.js';
import { contentHash } from './cache/hash.js';
import { ABSENT, settled, stampOfStat } from './cache/stamps.js';
import { bundleKey, CACHE_ROOT, COMMAND_ENTRIES, PACKAGE_ROOT, STORES, vouchedEntry } from './launch.js';

export { COMMAND_ENTRIES, PACKAGE_ROOT } from './launch.js';

const CACHE = new FileCache(CACHE_ROOT);
const CORE = CACHE.store('core', STORES.core);
const MODULES = CACHE.store('modules', STORES.modules);

/**
 * Entry points of solarpress's own bundle: the CLI, and the commands that start from an entry of
 * their own (COMMAND_ENTRIES, each bundled alone: see cachedBundle). Threads and processes start
 * from bundles of their own entries (entryBundle, src/threads.ts), named where they are started: a
 * plugin names its worker in its own code.
 */
export const ENTRIES = {
  cli: 'src/cli.ts',
  'dither-cli': 'plugins/dither/cli-main.ts',
};

/**
 * esbuild is loaded only to make a bundle: a start with current bundles does without its ~100 kB
 * of JavaScript (its version, part of every key, is read from its package.json).
 */
const loadEsbuild = () => import('esbuild');

/**
 * Where esbuild's package.json is, found when first needed (not at each start): stamped with every
 * bundle and module (recordStamps), so that esbuild installed anew is checked anew.
 * @type {() => string}
 */
const esbuildPackage = once(() => createRequire(import.meta.url).resolve('esbuild/package.json'));

/**
 * The version of esbuild, part of every bundle's key.
 * @type {() => string}
 */
export const esbuildVersion = once(() => JSON.parse(readFileSync(esbuildPackage(), 'utf8')).version);

/** Left to Node: native code (sharp), WebAssembly loaded from beside its module (zopfli), and tools. */
const EXTERNAL = ['sharp', '@gfx/zopfli', 'esbuild', 'tsx', 'playwright-core', 'lighthouse', 'vitest'];

/** A regular expression, not a string, so that this file's own bundled copy keeps working. */
const IMPORT_META_URL = /\bimport\.meta\.url\b/;

/**
 * Modules keep the source file's own URL as import.meta.url, so files found relative to it
 * (package.json, client scripts, plain-JS workers, a theme's assets) are found as in the sources.
 * @type {import('esbuild').Plugin}
 */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
      if (!isOwnOrSiteCode(args.path)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!IMPORT_META_URL.test(source)) return undefined;
      const loader = /\.m?ts$/.test(args.path) ? 'ts' : 'js';
      return { contents: source.replace(new RegExp(IMPORT_META_URL, 'g'), JSON.stringify(pathToFileURL(args.path).href)), loader };
    });
  },
};

/**
 * Code whose import.meta.url is kept: solarpress's own (also when it is installed in a site's
 * node_modules) and a site's, but not that of other packages.
 * @param {string} file
 */
function isOwnOrSiteCode(file) {
  const inPackage = path.relative(PACKAGE_ROOT, file);
  if (!inPackage.startsWith('..') && !path.isAbsolute(inPackage)) return !inPackage.split(path.sep).includes('node_modules');
  return !file.includes(`${path.sep}node_modules${path.sep}`);
}

/**
 * sharp is loaded as CommonJS, through the banner's require(): its ES module build took twice as long
 * to load (Node's ES module loader lexes every CommonJS module it imports), a tenth of a second of
 * each start that uses it. The same package, resolved from the same place. And only when first
 * used (called, or a property read): a build whose images all come from the cache, or a command
 * that never touches an image, does without loading libvips (a fifth of a second of CPU).
 * @type {import('esbuild').Plugin}
 */
const sharpAsCommonJs = {
  name: 'sharp-as-commonjs',
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, (args) =>
      // The require() inside the stand-in is sharp itself, left to Node.
      args.namespace === 'sharp-as-commonjs' ? { path: 'sharp', external: true } : { path: 'sharp', namespace: 'sharp-as-commonjs' },
    );
    // Resolved from sharp's own folder, its require('semver') is bundled: the semver sharp would load.
    build.onLoad({ filter: /.*/, namespace: 'sharp-as-commonjs' }, () => ({ contents: LAZY_SHARP, loader: 'js', resolveDir: sharpDir() }));
  },
};

/** sharp's folder (its dist/), where the stand-in's own imports are resolved from. */
const sharpDir = once(() => path.dirname(createRequire(import.meta.url).resolve('sharp')));

/**
 * The stand-in: a function (sharp is one, with properties) that hands every use on to sharp, loaded at
 * the first. sharp requires all of semver at its start, about 40 modules one by one for one version
 * check, a third of the time sharp takes to load (~25 ms of CPU of each start here); the same semver,
 * bundled here as one module, is put in Node's module cache (require.cache, which Node documents for
 * this) under the file sharp's require('semver') resolves to, so that sharp finds it there. Of it,
 * sharp's start calls only coerce: that function's module (and the few it imports) is evaluated
 * alone, the rest of semver at the first other use (~5 ms less of each start that loads sharp).
 */
const LAZY_SHARP = `
import Module from 'node:module';
let loaded;
const sharp = () => (loaded ??= loadSharp());
function loadSharp() {
  let semver;
  try {
    semver = Module.createRequire(require.resolve('sharp')).resolve('semver');
  } catch {
    // A sharp that does without semver.
  }
  if (semver && !require.cache[semver]) {
    const bundled = new Module(semver);
    bundled.filename = semver;
    bundled.exports = semverOnUse();
    bundled.loaded = true;
    require.cache[semver] = bundled;
  }
  return require('sharp');
}
// sharp calls semver.coerce as it loads, and nothing else of semver unless it is installing: coerce
// comes from its own module (with the few it needs), the rest of semver at the first other use.
function semverOnUse() {
  let all;
  const semver = () => (all ??= require('semver'));
  return new Proxy({}, {
    get: (_, key) => (key === 'coerce' && !all ? require('semver/functions/coerce') : Reflect.get(semver(), key)),
    has: (_, key) => Reflect.has(semver(), key),
    ownKeys: () => Reflect.ownKeys(semver()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(semver(), key),
  });
}
export default new Proxy(function sharpOnFirstUse() {}, {
  apply: (_, self, args) => Reflect.apply(sharp(), self, args),
  construct: (_, args) => Reflect.construct(sharp(), args),
  get: (_, key) => Reflect.get(sharp(), key),
  set: (_, key, value) => Reflect.set(sharp(), key, value),
  has: (_, key) => Reflect.has(sharp(), key),
});
`;

/**
 * gray-matter requires its own js-yaml (version 3, which loads esprima for a YAML type a safe load
 * never uses) for its default YAML engine, at its start. solarpress always hands gray-matter its own
 * engine (src/content/read-front-matter.ts), so that js-yaml is a stand-in that loads the real one only
 * if called: reading a file's front matter does without compiling ~400 kB of JavaScript.
 * @type {import('esbuild').Plugin}
 */
const grayMatterYamlOnUse = {
  name: 'gray-matter-yaml-on-use',
  setup(build) {
    build.onResolve({ filter: /^js-yaml$/ }, (args) => {
      if (args.namespace === 'gray-matter-yaml') return { path: args.pluginData, external: true };
      if (!args.importer.split(path.sep).includes('gray-matter')) return undefined;
      // The real one, required by its absolute path (left to Node) when first called.
      const real = createRequire(args.importer).resolve('js-yaml');
      return { path: 'js-yaml', namespace: 'gray-matter-yaml', pluginData: real };
    });
    build.onLoad({ filter: /.*/, namespace: 'gray-matter-yaml' }, (args) => ({ contents: LAZY_YAML, loader: 'js', pluginData: args.pluginData }));
  },
};

/** The stand-in: the two functions gray-matter takes from js-yaml, each loading it at the first call. */
const LAZY_YAML = `
let loaded;
const yaml = () => (loaded ??= require('js-yaml'));
module.exports = {
  safeLoad: (...args) => yaml().safeLoad(...args),
  safeDump: (...args) => yaml().safeDump(...args),
};
`;

/** Options shared by both kinds of bundle. */
const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'silent',
  plugins: [keepImportMetaUrl, sharpAsCommonJs, grayMatterYamlOnUse],
  // Bundled CommonJS packages (gray-matter, js-yaml) call require() for Node's built-ins.
  // (Spelt import.meta['url'] so that keepImportMetaUrl leaves this string alone.)
  banner: { js: "import { createRequire as __solarpressRequire } from 'node:module'; const require = __solarpressRequire(import.meta['url']);" },
};

/**
 * @typedef {object} BundleManifest
 * @property {string} bundle the folder entry holding the bundle
 * @property {string} tools hash of package.json, package-lock.json and esbuild's version
 * @property {Record<string, string>} inputs solarpress's own sources the bundle was made from (relative) → content hash
 */

/**
 * The folder holding solarpress's bundle for the code as it is now, made first if need be.
 * @returns {Promise<string>}
 */
export async function solarpressBundle() {
  const entries = Object.fromEntries(Object.entries(ENTRIES).map(([out, source]) => [out, path.join(PACKAGE_ROOT, source)]));
  const { dir, made } = await cachedBundle('core', entries, Object.values(COMMAND_ENTRIES));
  if (made) {
    CORE.prune();
    // Bundles of the layout before the stores, `core-<hash>/` beside them.
    for (const name of readdirSync(CACHE.root)) if (/^core-[0-9a-f]{16}$/.test(name)) rmSync(path.join(CACHE.root, name), { recursive: true, force: true });
  }
  return dir;
}

/**
 * The one way a thread or process of solarpress (or of a plugin) starts: from a bundle of its entry
 * module (TypeScript or JavaScript), made on first use and again after any of its sources changed,
 * like the CLI's own. Returns the bundled file.
 * @param {string} file absolute path of the entry module
 * @returns {Promise<string>}
 */
export async function entryBundle(file) {
  const out = path.basename(file).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_-]/g, '-');
  const { dir } = await cachedBundle(`entry-${contentHash(path.resolve(file))}`, { [out]: file });
  return path.join(dir, `${out}.mjs`);
}

/**
 * A bundle of `entries` (output name → absolute source) for the code as it is now: the one kept
 * under `name` if its sources are unchanged, else a new one. The entries named in `alone` are
 * bundled on their own: one file, plus chunks of what they import only on demand, sharing none with
 * the other entries, whose sources they import as those entries' own files. A command started from
 * such an entry loads two or three modules instead of the ~15 chunks it would share with cli.mjs
 * (each ES module costs most of a millisecond to load).
 * @param {string} name
 * @param {Record<string, string>} entries
 * @param {string[]} [alone]
 * @returns {Promise<{ dir: string, made: boolean }>}
 */
async function cachedBundle(name, entries, alone = []) {
  const tools = () =>
    createHash('sha256')
      .update(readIfThere(TOOL_FILES[0]))
      .update(readIfThere(TOOL_FILES[1]))
      .update(esbuildVersion())
      .digest('hex');
  const key = bundleKey(name);
  const found = currentBundle(key, tools);
  if (found) return { ...found, made: false };
  // The stamps of the bundle this one replaces vouch for nothing any more.
  CORE.evict(`${key}-stamps`);

  const esbuild = await loadEsbuild();
  const together = Object.entries(entries).filter(([out]) => !alone.includes(out));
  /** @param {[string, string][]} points @param {string} chunks @param {import('esbuild').Plugin[]} plugins */
  const build = (points, chunks, plugins = []) =>
    esbuild.build({
      ...COMMON,
      plugins: [...COMMON.plugins, ...plugins],
      entryPoints: points.map(([out, source]) => ({ in: source, out })),
      outdir: '/', // not written: the output files go into the cache
      write: false,
      metafile: true,
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: chunks,
      external: EXTERNAL,
    });
  const results = await Promise.all([
    build(together, 'chunk-[hash]'),
    ...alone.map((out) => build([[out, entries[out]]], `${out}-chunk-[hash]`, [otherEntriesAsFiles(together)])),
  ]);
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const file of results.flatMap((result) => fileInputs(result.metafile)).sort()) {
    if (isOwnSource(file)) inputs[path.relative(PACKAGE_ROOT, file)] = contentHash(readFileSync(file));
  }
  // A folder per version of the code: a process started earlier may still run (and start workers
  // from) the last one, which goes when the store is pruned.
  const files = results.flatMap((result) => result.outputFiles).map((file) => /** @type {[string, Uint8Array]} */ ([path.relative('/', file.path), file.contents]));
  const toolsHash = tools();
  const bundle = CORE.putFolder(`bundle-${key}-${contentHash(toolsHash + JSON.stringify(inputs))}`, files);
  /** @type {BundleManifest} */
  const manifest = { bundle: bundle.name, tools: toolsHash, inputs };
  CORE.put(key, JSON.stringify(manifest));
  return { dir: bundle.file, made: true };
}

/**
 * An entry bundled alone imports the other entries' sources as their bundled files beside it
 * (`./cli.mjs`), not as copies of their code: `solarpress dither` hands what it does not do itself to
 * the whole command line.
 * @param {[string, string][]} others output name → absolute source
 * @returns {import('esbuild').Plugin}
 */
function otherEntriesAsFiles(others) {
  return {
    name: 'other-entries-as-files',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const file = path.resolve(args.resolveDir, args.path);
        const other = others.find(([, source]) => source === file);
        return other && { path: `./${other[0]}.mjs`, external: true };
      });
    },
  };
}

/**
 * The bundle the manifest under key names, if it was made from the sources as they are now and its
 * files are the ones written.
 * @param {string} key
 * @param {() => string} tools
 * @returns {{ dir: string } | undefined}
 */
function currentBundle(key, tools) {
  const vouched = vouchedFile(CORE, key);
  if (vouched) return { dir: vouched };
  const manifest = /** @type {BundleManifest | undefined} */ (CORE.getJson(key));
  if (!manifest) return undefined;
  const bundle = CORE.find(manifest.bundle.split('.')[0]);
  if (bundle?.name !== manifest.bundle) return undefined;
  if (manifest.tools !== tools() || !inputsUnchanged(manifest.inputs, PACKAGE_ROOT) || !CORE.verifyFolder(bundle)) return undefined;
  const checked = [...TOOL_FILES, ...Object.keys(manifest.inputs).map((name) => path.resolve(PACKAGE_ROOT, name))];
  recordStamps(CORE, key, manifest.bundle, [...checked, ...filesBelow(bundle.file)]);
  return { dir: bundle.file };
}

/**
 * The file of the entry that a store's stamps vouch for (vouchedEntry, src/launch.js), found through
 * the store so that it and its stamps count as used: never pruned as unused while this process runs.
 * @param {import('./cache/store.js').CacheStore} store
 * @param {string} key
 * @returns {string | undefined}
 */
function vouchedFile(store, key) {
  const made = vouchedEntry(store.dir, key);
  if (!made) return undefined;
  store.find(`${key}-stamps`);
  const entry = store.find(made.split('.')[0]);
  return entry?.name === made ? entry.file : undefined;
}

/** The files whose bytes the `tools` part of a bundle's key is made of (besides esbuild's version). */
const TOOL_FILES = ['package.json', 'package-lock.json'].map((name) => path.join(PACKAGE_ROOT, name));

/**
 * Record the stats of files whose bytes were just found right, and of esbuild's package.json, for
 * the next start to trust them by (vouchedEntry, src/launch.js). Only when every one of them was last
 * changed long enough ago for its stat to tell a later change: a record that left one out would
 * vouch for a file it never looked at.
 * @param {import('./cache/store.js').CacheStore} store
 * @param {string} key
 * @param {string} made
 * @param {string[]} files
 */
function recordStamps(store, key, made, files) {
  const now = Date.now();
  /** @type {import('./launch.js').Stamps} */
  const stamps = { made, files: {} };
  for (const file of [...files, esbuildPackage()]) {
    const stat = statSync(file, { throwIfNoEntry: false, bigint: true });
    if (stat && !settled(stat, now)) return;
    stamps.files[file] = stat ? stampOfStat(stat) : ABSENT;
  }
  try {
    store.put(`${key}-stamps`, JSON.stringify(stamps));
  } catch {
    // A read-only cache: every start checks the bytes, as before.
  }
}

/**
 * The files below a folder, absolute.
 * @param {string} dir
 */
function filesBelow(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((dirent) => dirent.isFile())
    .map((dirent) => path.join(dirent.parentPath, dirent.name));
}

/**
 * Whether every file a bundle was made from still has the bytes it had.
 * @param {Record<string, string>} inputs file (relative to base, or absolute) → content hash
 * @param {string} base
 */
function inputsUnchanged(inputs, base) {
  for (const [name, hash] of Object.entries(inputs)) {
    const file = path.resolve(base, name);
    if (!existsSync(file) || contentHash(readFileSync(file)) !== hash) return false;
  }
  return true;
}

/**
 * The files a bundle was made from, absolute and sorted (not modules a plugin made up, which esbuild
 * lists as namespace:path).
 * @param {import('esbuild').Metafile} metafile
 */
function fileInputs(metafile) {
  return Object.keys(metafile.inputs)
    .filter((input) => !/^[a-z][a-z-]+:/.test(input))
    .map((input) => path.resolve(input))
    .sort();
}

/**
 * solarpress's own code (not a package's): what the bundle's key follows file by file.
 * @param {string} file
 */
function isOwnSource(file) {
  return file.startsWith(PACKAGE_ROOT) && !path.relative(PACKAGE_ROOT, file).split(path.sep).includes('node_modules');
}

/**
 * Bundle a site's TypeScript module (site.config.ts, a theme) with what it imports into one file,
 * named by the hash of its output, and return that file. Each new version of the code gets a file
 * of its own, so a long-running preview imports edited code afresh.
 * @param {string} file
 * @returns {Promise<string>}
 */
export async function bundleModule(file) {
  // One slot per source file (a new version replaces the last), named by the code's hash: a
  // long-running preview imports edited code afresh. A damaged file is written again.
  const key = moduleKey(file);
  const unchanged = unchangedModule(key);
  if (unchanged) return unchanged;
  const esbuild = await loadEsbuild();
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [file],
    write: false,
    metafile: true,
    // Where it will be written, so the source map's paths are right.
    outfile: path.join(MODULES.dir, 'module.mjs'),
    // A site's packages resolve from the site; only tools and native code stay outside.
    external: EXTERNAL,
    sourcemap: 'inline',
    sourcesContent: false,
  });
  const code = result.outputFiles[0].contents;
  const hash = contentHash(code);
  const known = MODULES.find(key);
  const entry = known?.hash === hash && MODULES.read(known) ? known : MODULES.put(key, code, { suffix: 'mjs' });
  // The stamps of the module this one replaces vouch for nothing any more.
  MODULES.evict(`${key}-stamps`);
  /** @type {ModuleManifest} */
  const manifest = { module: entry.name, esbuild: esbuildVersion(), inputs: {} };
  for (const file of fileInputs(result.metafile)) manifest.inputs[file] = contentHash(readFileSync(file));
  MODULES.put(`${key}-inputs`, JSON.stringify(manifest));
  MODULES.prune();
  return entry.file;
}

/** @param {string} file */
const moduleKey = (file) => `${path.basename(file).replace(/[^A-Za-z0-9_-]/g, '-')}-${contentHash(path.resolve(file))}`;

/**
 * The files (absolute) the module bundleModule made last from `file` was made from; undefined if there is none.
 * @param {string} file
 * @returns {string[] | undefined}
 */
export function moduleInputs(file) {
  const manifest = /** @type {ModuleManifest | undefined} */ (MODULES.getJson(`${moduleKey(file)}-inputs`));
  return manifest && Object.keys(manifest.inputs);
}

/**
 * @typedef {object} ModuleManifest
 * @property {string} module the entry holding the bundled module
 * @property {string} esbuild the version of esbuild that made it
 * @property {Record<string, string>} inputs every file it was made from (absolute) → content hash
 */

/**
 * The module bundled last under key, if every file it was made from is unchanged: a start that loads
 * an unedited site.config.ts does without esbuild (loading it and starting its service took longer
 * than the rest of a small command).
 * @param {string} key
 * @returns {string | undefined}
 */
function unchangedModule(key) {
  const vouched = vouchedFile(MODULES, key);
  if (vouched) return vouched;
  const manifest = /** @type {ModuleManifest | undefined} */ (MODULES.getJson(`${key}-inputs`));
  if (manifest?.esbuild !== esbuildVersion()) return undefined;
  const known = MODULES.find(key);
  if (known?.name !== manifest.module) return undefined;
  if (!inputsUnchanged(manifest.inputs, '/') || !MODULES.read(known)) return undefined;
  const inputs = Object.keys(manifest.inputs);
  recordStamps(MODULES, key, known.name, [...inputs, known.file]);
  return known.file;
}

/**
 * Why bundling failed, for a person: esbuild's first error at its file (relative to solarpress),
 * line and column, and what to do. Undefined for a failure that is not esbuild's.
 * @param {unknown} error
 * @returns {{ message: string, file?: string, line?: number, column?: number, hint: string } | undefined}
 */
export function bundleFailure(error) {
  const first = /** @type {{ errors?: import('esbuild').Message[] }} */ (error)?.errors?.[0];
  if (!first) {
    const message = error instanceof Error ? error.message : String(error);
    // esbuild's own binary missing or unusable for this platform.
    if (/esbuild/i.test(message)) return { message: message.split('\n')[0], hint: 'reinstall solarpress\'s packages: npm install' };
    return undefined;
  }
  const where = first.location;
  const file = where ? path.resolve(PACKAGE_ROOT, where.file) : undefined;
  const inPackages = file?.split(path.sep).includes('node_modules') ?? false;
  return {
    message: first.text,
    file,
    line: where?.line,
    column: where ? where.column + 1 : undefined,
    hint: inPackages ? "reinstall solarpress's packages: npm install" : 'fix the code here (solarpress\'s own? restore it: git checkout, or reinstall solarpress)',
  };
}

/** @param {string} file */
function readIfThere(file) {
  return existsSync(file) ? readFileSync(file) : '';
}

/**
 * A function's value, worked out at the first call.
 * @template T
 * @param {() => T} make
 * @returns {() => T}
 */
function once(make) {
  /** @type {{ value: T } | undefined} */
  let made;
  return () => (made ??= { value: make() }).value;
}
