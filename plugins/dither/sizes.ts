/**
 * Sizes as the dither command and the build's summary print them ('12.3 kB'). A module of its own so
 * that `solarpress dither` does not load the build's image service (worker pool, cache) to print them.
 */
import { formatBytes as formatCliBytes } from '../../src/cli/bytes.ts';

export const formatBytes = (n: number) => formatCliBytes(n, { decimals: 1, kilo: 'kB' });
