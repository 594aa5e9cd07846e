import { readFileSync } from 'node:fs';

/** solarpress's own version: part of every cache key, so an upgrade never serves stale output. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
