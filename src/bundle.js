// Bundling with esbuild, in plain JavaScript so the launcher can run it before any TypeScript loads.
//
// Loading ~400 TypeScript and package modules one by one through a loader took most of a second at
// every start; one bundle per entry loads in a fifth of that. Bundles are cached by a hash of their
// sources, so an edited source is never run stale and there is no build step to forget.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { hashTree, isSolarpressCode } from './code-hash.js';
import { pruneOlder } from './prune-older.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where bundles are kept: the usual place for tools' caches, removed with node_modules. */
const CACHE = path.join(PACKAGE_ROOT, 'node_modules/.cache/solarpress');

/**
 * Entry points of solarpress's own bundle: the CLI, and the threads and processes it starts that
 * run its TypeScript (so they start as fast as the CLI).
 */
export const ENTRIES = {
  cli: 'src/cli.ts',
  'text-worker': 'src/render/text-worker-main.ts',
  'dither-worker': 'plugins/dither/worker-main.ts',
  'dev-server': 'src/dev/main.ts',
};

/** Left to Node: native code (sharp), WebAssembly loaded from beside its module (zopfli), and tools. */
const EXTERNAL = ['sharp', '@gfx/zopfli', 'esbuild', 'tsx', 'playwright-core', 'lighthouse', 'vitest'];

/** A regular expression, not a string, so that this file's own bundled copy keeps working. */
const IMPORT_META_URL = /\bimport\.meta\.url\b/;

/**
 * Modules keep the source file's own URL as import.meta.url, so files found relative to it
 * (package.json, client scripts, plain-JS workers, a theme's assets) are found as in the sources.
 * @type {esbuild.Plugin}
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

/** Options shared by both kinds of bundle. */
const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'silent',
  plugins: [keepImportMetaUrl],
  // Bundled CommonJS packages (gray-matter, js-yaml) call require() for Node's built-ins.
  // (Spelt import.meta['url'] so that keepImportMetaUrl leaves this string alone.)
  banner: { js: "import { createRequire as __solarpressRequire } from 'node:module'; const require = __solarpressRequire(import.meta['url']);" },
};

/**
 * The folder holding solarpress's bundle for the code as it is now, built first if need be.
 * @returns {Promise<string>}
 */
export async function solarpressBundle() {
  const key = createHash('sha256')
    .update(hashTree(path.join(PACKAGE_ROOT, 'src'), isSolarpressCode))
    .update(hashTree(path.join(PACKAGE_ROOT, 'plugins'), isSolarpressCode))
    .update(readIfThere(path.join(PACKAGE_ROOT, 'package.json')))
    .update(readIfThere(path.join(PACKAGE_ROOT, 'package-lock.json')))
    .update(esbuild.version)
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(CACHE, `core-${key}`);
  if (existsSync(path.join(dir, 'cli.mjs'))) return dir;

  // Built beside its final place and renamed in, so a concurrent start never sees half a bundle.
  mkdirSync(CACHE, { recursive: true });
  const staging = `${dir}.${process.pid}.tmp`;
  await esbuild.build({
    ...COMMON,
    entryPoints: Object.entries(ENTRIES).map(([out, source]) => ({ in: path.join(PACKAGE_ROOT, source), out })),
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunk-[hash]',
    external: EXTERNAL,
    define: { SOLARPRESS_BUNDLE_DIR: JSON.stringify(dir) },
  });
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process got there first with the same bundle.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(path.join(dir, 'cli.mjs'))) throw error;
  }
  pruneOlder(CACHE, (name) => name.startsWith('core-'), dir, 2);
  return dir;
}

/**
 * Bundle a site's TypeScript module (site.config.ts, a theme) with what it imports into one file,
 * named by the hash of its output, and return that file. Each new version of the code gets a file
 * of its own, so a long-running preview imports edited code afresh.
 * @param {string} file
 * @returns {Promise<string>}
 */
export async function bundleModule(file) {
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [file],
    write: false,
    // Where it will be written, so the source map's paths are right.
    outfile: path.join(CACHE, 'modules', 'module.mjs'),
    // A site's packages resolve from the site; only tools and native code stay outside.
    external: EXTERNAL,
    sourcemap: 'inline',
    sourcesContent: false,
  });
  const code = result.outputFiles[0].contents;
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const name = `${base}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const target = path.join(CACHE, 'modules', name);
  if (!existsSync(target)) {
    mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, target);
    pruneOlder(path.dirname(target), (other) => other.startsWith(`${base}-`) && other.endsWith('.mjs'), target, 10);
  }
  return target;
}

/** @param {string} file */
function readIfThere(file) {
  return existsSync(file) ? readFileSync(file) : '';
}
