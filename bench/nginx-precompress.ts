/**
 * Precompression settings on real outputs: the cost/bytes curve the precompress plugin's efforts
 * rest on. For each setting — zlib levels, zopfli iterations, brotli qualities 5–11 with the default
 * (4 MB) and the 16 MB window, text mode and size hint or not — the bytes it writes, how much larger
 * that is than maximum effort (zopfli 15 iterations for .gz; brotli 11, text mode, size hint for .br),
 * and its speed in MB of original per CPU-second (one thread, after a warm-up; CPU time, because
 * the machine is shared and wall time is not the compressor's). Files are grouped by kind: pages
 * (.html), feeds and the sitemap (.xml, .json), assets (.css, .js, .svg, .txt).
 *
 *   npx tsx bench/nginx-precompress.ts [--site DIR] [--runs N] [--only gz|br] [--skip REGEX]
 *     DIR: a built site (default: fixture pages from seed 002); N: runs per setting (median, default 3);
 *     --skip: settings whose name matches are left out (the slowest ones on a big site).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { constants, brotliCompressSync, gzipSync } from 'node:zlib';
import { gzipAsync } from '@gfx/zopfli';
import { writeFixtureSite } from '../plugins/nginx/fixture.ts';
import { listTextFiles } from '../plugins/precompress/precompress.ts';

const { values: flags } = parseArgs({
  options: {
    site: { type: 'string' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    skip: { type: 'string' },
  },
});

type Encode = (b: Buffer) => Promise<Uint8Array> | Uint8Array;
interface Candidate {
  encoding: 'gz' | 'br';
  name: string;
  encode: Encode;
}

const brotli = (quality: number, lgwin: number, text = true, hint = true): Encode => (b) =>
  brotliCompressSync(b, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
      ...(text ? { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } : {}),
      ...(hint ? { [constants.BROTLI_PARAM_SIZE_HINT]: b.length } : {}),
    },
  });

// The first of each encoding is the reference: maximum effort as the plugin defines it.
const candidates: Candidate[] = [
  { encoding: 'gz', name: 'zopfli 15 iterations (max)', encode: (b) => gzipAsync(b, { numiterations: 15 }) },
  { encoding: 'gz', name: 'zopfli 5 iterations', encode: (b) => gzipAsync(b, { numiterations: 5 }) },
  { encoding: 'gz', name: 'zopfli 1 iteration', encode: (b) => gzipAsync(b, { numiterations: 1 }) },
  ...[9, 6, 4, 1].map((level): Candidate => ({ encoding: 'gz', name: `zlib ${level}`, encode: (b) => gzipSync(b, { level, memLevel: 9 }) })),
  { encoding: 'br', name: 'brotli 11 lgwin 22 (max)', encode: brotli(11, 22) },
  { encoding: 'br', name: 'brotli 11 lgwin 24', encode: brotli(11, 24) },
  { encoding: 'br', name: 'brotli 11 lgwin 22 generic mode, no hint', encode: brotli(11, 22, false, false) },
  ...[10, 9, 8, 7, 6, 5].flatMap((q) => [22, 24].map((w): Candidate => ({ encoding: 'br', name: `brotli ${q} lgwin ${w}`, encode: brotli(q, w) }))),
  { encoding: 'br', name: 'brotli 10 lgwin 24 generic mode, no hint', encode: brotli(10, 24, false, false) },
  { encoding: 'br', name: 'brotli 9 lgwin 24 generic mode, no hint', encode: brotli(9, 24, false, false) },
];
const settings = candidates.filter((s) => (!flags.only || s.encoding === flags.only) && (!flags.skip || !new RegExp(flags.skip).test(s.name)));

const KINDS: Record<string, string> = { '.html': 'pages', '.xml': 'feeds', '.json': 'feeds' };
const kindOf = (file: string) => KINDS[extname(file)] ?? 'assets';
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const tmp = mkdtempSync(join(tmpdir(), 'precompress-bench-'));
try {
  const root = flags.site ?? writeFixtureSite(tmp).root;
  const paths = await listTextFiles(root, ['html', 'css', 'js', 'xml', 'json', 'svg', 'txt']);
  const groups = new Map<string, Buffer[]>();
  for (const path of paths) {
    const kind = kindOf(path);
    groups.set(kind, [...(groups.get(kind) ?? []), readFileSync(path)]);
  }
  const runs = Number(flags.runs);
  console.log(`# ${flags.site ?? 'fixture site from seed 002'}: ${paths.length} text files; ${runs} runs per setting (median CPU time), node ${process.version}`);
  for (const [kind, files] of groups) {
    const total = files.reduce((a, f) => a + f.length, 0);
    const largest = files.reduce((a, f) => Math.max(a, f.length), 0);
    console.log(`\n## ${kind}: ${files.length} files, ${total} bytes (largest ${largest}; e.g. ${relative(root, paths.find((p) => kindOf(p) === kind)!)})`);
    console.log('| setting | bytes | % of original | vs max | CPU | MB/CPU-s |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const reference = new Map<string, number>();
    for (const { encoding, name, encode } of settings) {
      await encode(files[0]!); // warm-up: zopfli compiles its WebAssembly on first use
      const times: number[] = [];
      let bytes = 0;
      for (let run = 0; run < runs; run++) {
        const started = cpuMs();
        bytes = 0;
        for (const f of files) bytes += (await encode(f)).length;
        times.push(cpuMs() - started);
      }
      if (!reference.has(encoding)) reference.set(encoding, bytes);
      const ms = median(times);
      const vs = ((bytes / reference.get(encoding)! - 1) * 100).toFixed(2);
      console.log(`| ${name} | ${bytes} | ${((bytes / total) * 100).toFixed(1)}% | ${Number(vs) >= 0 ? '+' : ''}${vs}% | ${ms.toFixed(0)} ms | ${(total / 1e6 / (ms / 1000)).toFixed(2)} |`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
