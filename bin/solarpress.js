#!/usr/bin/env node
// The CLI runs from a bundle of its TypeScript sources, made by esbuild on the first start after a
// change and cached (src/bundle.js): no compile step to forget, and a start in a fraction of a second.
// A start whose bundle the files' stats vouch for loads only src/launch.js and the cache's modules.
// A few commands start from an entry of their own that loads only what they need (COMMAND_ENTRIES).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMAND_ENTRIES, vouchedCoreBundle } from '../src/launch.js';

const argv = process.argv.slice(2);
const entry = Object.hasOwn(COMMAND_ENTRIES, argv[0]) ? COMMAND_ENTRIES[argv[0]] : 'cli';
const bundle = vouchedCoreBundle() ?? (await checkedBundle());
const { main } = await import(pathToFileURL(`${bundle}/${entry}.mjs`).href);
process.exitCode = await main(argv);

/** The bundle after its bytes are checked, or made afresh (src/bundle.js). */
async function checkedBundle() {
  const { bundleFailure, solarpressBundle } = await import('../src/bundle.js');
  try {
    return await solarpressBundle();
  } catch (error) {
    // Source that does not compile, or a broken esbuild: said as such, not as a stack trace.
    const failure = bundleFailure(error);
    if (!failure) throw error;
    const where = failure.file ? `${path.relative(process.cwd(), failure.file)}${failure.line ? `:${failure.line}:${failure.column}` : ''}: ` : '';
    process.stderr.write(`error: solarpress cannot start: its code does not bundle\n${where}${failure.message}\n  → ${failure.hint}\n`);
    process.exit(1);
  }
}
