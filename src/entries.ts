/**
 * Where the threads and processes that run solarpress's TypeScript start: from the bundle when the
 * CLI runs from one (bin/solarpress.js), from the sources through tsx otherwise (tests, benchmarks).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { solarpressBundle, type ENTRIES } from './bundle.js';

/** Set by esbuild's `define` in a bundled run (src/bundle.js). */
declare const SOLARPRESS_BUNDLED: boolean | undefined;

/**
 * The bundle's folder: where this chunk runs from. (Spelt import.meta['url'], which the bundler's
 * keep-import-meta-url plugin leaves alone: the chunk's own URL, not this source file's.)
 */
const BUNDLE_DIR = typeof SOLARPRESS_BUNDLED !== 'undefined' && SOLARPRESS_BUNDLED ? path.dirname(fileURLToPath(import.meta['url'])) : undefined;

/** True when this code runs from the bundle: its entries need no TypeScript loader. */
export const BUNDLED = BUNDLE_DIR !== undefined;

/** The bundle's entry `name` in a bundled run, else `source` (a file that loads the TypeScript itself or is run with tsx). */
export function entryUrl(name: keyof typeof ENTRIES, source: URL): URL {
  return BUNDLE_DIR ? pathToFileURL(`${BUNDLE_DIR}/${name}.mjs`) : source;
}

/** Like entryUrl, but from the bundle of the code as it is now: a process restarted after an edit of solarpress's own code must run the new code. */
export async function currentEntryUrl(name: keyof typeof ENTRIES, source: URL): Promise<URL> {
  return BUNDLE_DIR ? pathToFileURL(`${await solarpressBundle()}/${name}.mjs`) : source;
}
