#!/usr/bin/env node
// The CLI runs from a bundle of its TypeScript sources, made by esbuild on the first start after a
// change and cached (src/bundle.js): no compile step to forget, and a start in a fraction of a second.
// A few commands start from an entry of their own that loads only what they need (COMMAND_ENTRIES).
import { pathToFileURL } from 'node:url';
import { COMMAND_ENTRIES, solarpressBundle } from '../src/bundle.js';

const argv = process.argv.slice(2);
const entry = Object.hasOwn(COMMAND_ENTRIES, argv[0]) ? COMMAND_ENTRIES[argv[0]] : 'cli';
const { main } = await import(pathToFileURL(`${await solarpressBundle()}/${entry}.mjs`).href);
process.exitCode = await main(argv);
