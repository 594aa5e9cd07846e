#!/usr/bin/env node
// The CLI runs from a bundle of its TypeScript sources, made by esbuild on the first start after a
// change and cached (src/bundle.js): no compile step to forget, and a start in a fraction of a second.
import { pathToFileURL } from 'node:url';
import { solarpressBundle } from '../src/bundle.js';

const { main } = await import(pathToFileURL(`${await solarpressBundle()}/cli.mjs`).href);
process.exitCode = await main(process.argv.slice(2));
