/**
 * Precompression encoders on real pages: zlib level 9 against zopfli at several iteration counts,
 * and brotli 11 — bytes and single-thread time. What the precompress plugin's defaults rest on.
 *
 *   npx tsx bench/nginx-precompress.ts [--site DIR]   (DIR: a built site; default: fixture pages from seed 002)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { constants, brotliCompressSync, gzipSync } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import { writeFixtureSite } from '../plugins/nginx/fixture.ts';
import { listTextFiles } from '../plugins/precompress/precompress.ts';

const { values: flags } = parseArgs({ options: { site: { type: 'string' } } });

const tmp = mkdtempSync(join(tmpdir(), 'precompress-bench-'));
try {
  const root = flags.site ?? writeFixtureSite(tmp).root;
  const files = (await listTextFiles(root, ['html', 'css', 'js', 'xml', 'json', 'svg', 'txt'])).map((f) => readFileSync(f));
  const total = files.reduce((a, f) => a + f.length, 0);
  const encoders: [string, (b: Buffer) => Promise<Uint8Array> | Uint8Array][] = [
    ['zlib level 9', (b) => gzipSync(b, { level: 9, memLevel: 9 })],
    ['zopfli 5 iterations', (b) => gzipAsync(b, { numiterations: 5 })],
    ['zopfli 15 iterations', (b) => gzipAsync(b, { numiterations: 15 })],
    ['zopfli 50 iterations', (b) => gzipAsync(b, { numiterations: 50 })],
    [
      'brotli 11',
      (b) =>
        brotliCompressSync(b, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: b.length,
          },
        }),
    ],
  ];
  console.log(`# ${files.length} text files, ${total} bytes (${flags.site ?? 'fixture site from seed 002'})`);
  console.log('| encoder | bytes | % of original | time (one thread) |');
  console.log('|---|---:|---:|---:|');
  for (const [name, encode] of encoders) {
    await encode(files[0]); // warm-up: zopfli compiles its WebAssembly on first use
    const started = performance.now();
    let bytes = 0;
    for (const f of files) bytes += (await encode(f)).length;
    const ms = performance.now() - started;
    console.log(`| ${name} | ${bytes} | ${((bytes / total) * 100).toFixed(1)}% | ${ms.toFixed(0)} ms |`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
