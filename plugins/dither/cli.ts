/**
 * `solarpress dither`: dither image files on their own, outside a site build.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeAtomicAsync } from '../../src/cache/atomic.js';
import type { CommandEnv, CommandSpec } from '../../src/types.ts';
import { ImageError } from './image-error.ts';
import type { DitherOptions } from './options.ts';
import { decodePixels, ditheredPng } from './process.ts';
import { formatBytes } from './sizes.ts';
import { settingsFor, type DitherSettings } from './settings.ts';
import { parseFlags } from '../../src/cli/flags.ts';
import { reportError } from '../../src/cli/report.ts';
import { UsageError } from '../../src/errors.ts';

export const usage = `Usage: solarpress dither [--palette 3|6|11|FILE.json] [--threshold N|R,G,B] [--max-size N] --out DIR FILE...

Dither image files the way the site build does and write DIR/<basename>.png (indexed PNG).

  --palette P     3, 6 or 11 grey tones, or a JSON file holding a list of colours
                  ("#rrggbb" or [r, g, b]); default: the site's dither.palette (6)
  --threshold T   dither strength 0–255, one number or R,G,B (default 96)
  --max-size N    fit within N×N pixels, never enlarged (default 800)
  --out DIR       output folder (created if missing)
  -h, --help      show this help

Exit status: 0 all written, 1 an image could not be read, 2 bad command line.`;

export function ditherCommand(defaults: DitherOptions): CommandSpec {
  return {
    name: 'dither',
    summary: 'dither image files to indexed PNGs (as the build does)',
    usage,
    run: (args, env) => runDither(args, defaults, env),
  };
}

/** What the command needs of its surroundings: no site config (its entry loads only the `dither` section). */
export type DitherEnv = Pick<CommandEnv, 'root' | 'log' | 'stdout'>;

/** The command itself, run by the CLI (ditherCommand) or from its own entry (cli-main.ts). */
export async function runDither(args: string[], defaults: DitherOptions, env: DitherEnv): Promise<number> {
  let plan: Plan;
  try {
    plan = await parse(args, defaults);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return reportError(error, { root: env.root, write: (text) => env.log.info(text), command: 'solarpress dither', usage });
  }
  if (plan === 'help') {
    env.stdout.write(usage + '\n');
    return 0;
  }
  return ditherFiles(plan, env);
}

interface Job {
  options: DitherOptions;
  out: string;
  files: string[];
}
type Plan = Job | 'help';

async function parse(args: string[], defaults: DitherOptions): Promise<Plan> {
  const parsed = parseFlags(args, {
    palette: { type: 'string' },
    threshold: { type: 'string' },
    'max-size': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (!values.out) throw new UsageError('--out DIR is required');
  if (positionals.length === 0) throw new UsageError('no image files given');
  const options: DitherOptions = { ...defaults, webp: false };
  // The schemas (and zod with them) are loaded only for a value that needs checking.
  if (values.palette !== undefined) options.palette = await parsePalette(values.palette);
  if (values.threshold !== undefined) {
    const { thresholdSchema } = await import('./options.ts');
    const numbers = values.threshold.split(',').map((n) => (n.trim() === '' ? NaN : Number(n)));
    const threshold = thresholdSchema.safeParse(numbers.length === 1 ? numbers[0] : numbers);
    if (!threshold.success) throw new UsageError(`--threshold ${values.threshold}: give a number 0–255, or R,G,B`);
    options.threshold = threshold.data;
  }
  if (values['max-size'] !== undefined) {
    const size = Number(values['max-size']);
    if (!Number.isInteger(size) || size < 16 || size > 4096) throw new UsageError(`--max-size ${values['max-size']}: give a whole number of pixels, 16–4096`);
    options.maxSize = size;
  }
  const out = statSync(values.out, { throwIfNoEntry: false });
  if (out && !out.isDirectory()) throw new UsageError(`--out ${values.out} is a file: give a folder (created if missing)`);
  const names = new Map<string, string>();
  for (const file of positionals) {
    const name = outputName(file);
    if (names.has(name)) throw new UsageError(`${names.get(name)} and ${file} would both write ${name}: dither them into different --out folders`);
    // A PNG dithered into its own folder is written over itself: the original would be lost.
    if (sameFile(file, path.join(values.out, name))) throw new UsageError(`${file} would be written over by its dithered copy: give another --out folder`);
    names.set(name, file);
  }
  return { options, out: values.out, files: positionals };
}

async function parsePalette(value: string): Promise<DitherOptions['palette']> {
  if (/^(3|6|11)$/.test(value)) return Number(value) as 3 | 6 | 11;
  if (!value.endsWith('.json')) throw new UsageError(`--palette ${value}: give 3, 6, 11 or a FILE.json of colours`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(value, 'utf8'));
  } catch (error) {
    throw new UsageError(`--palette ${value}: cannot read it as JSON (${(error as Error).message})`);
  }
  const { paletteSchema } = await import('./options.ts');
  const list = json && typeof json === 'object' && !Array.isArray(json) && 'palette' in json ? (json as { palette: unknown }).palette : json;
  const palette = paletteSchema.safeParse(list);
  if (!palette.success) throw new UsageError(`--palette ${value}: expected a list of 2–255 colours, each "#rrggbb" or [r, g, b]`);
  return palette.data;
}

/** Whether a and b are the same file (links included); false when either is missing. */
function sameFile(a: string, b: string): boolean {
  const one = statSync(a, { throwIfNoEntry: false });
  const other = statSync(b, { throwIfNoEntry: false });
  return one !== undefined && other !== undefined && one.dev === other.dev && one.ino === other.ino;
}

function outputName(file: string): string {
  return `${path.basename(file, path.extname(file))}.png`;
}

/**
 * Each image read, dithered and written in this thread, a few at a time: libvips works in libuv's
 * thread pool, so the images in flight use the cores, without the start-up of worker threads or a
 * cache (a one-off command has nothing to reuse). Only the PNG is made.
 */
async function ditherFiles({ options, out, files }: Job, env: DitherEnv): Promise<number> {
  mkdirSync(out, { recursive: true });
  const settings = settingsFor(options);
  // One more than the cores: while an image is in JavaScript (the dither), the others keep libvips busy.
  const inFlight = Math.max(1, options.workers ?? availableParallelism() + 1);
  // Largest files first: the last image to finish is then a small one, not a big one on one core
  // while the other waits (results are still printed in the order given).
  const inputs = files.map((file, i) => ({ i, ...checkInput(file) }));
  const order = [...inputs].sort((a, b) => ('size' in b ? b.size : 0) - ('size' in a ? a.size : 0));
  // One libvips thread per image: the images in flight share the cores between them.
  sharp.concurrency(1);
  const results: PromiseSettledResult<Written>[] = new Array(files.length);
  let next = 0;
  const lane = async () => {
    for (let n = next++; n < order.length; n = next++) {
      const input = order[n];
      const written = 'source' in input ? ditherFile(input.source, input.size, path.join(out, outputName(files[input.i])), settings) : Promise.reject(input.error);
      results[input.i] = await written.then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, files.length) }, lane));
  let failed = 0;
  results.forEach((result, i) => {
    const file = files[i];
    if (result.status === 'rejected') {
      if (!(result.reason instanceof ImageError)) throw result.reason;
      failed++;
      env.log.info(`error ${file}: cannot dither: ${result.reason.reason}\n  → ${result.reason.hint}`);
      return;
    }
    const { target, width, height, sourceBytes, bytes } = result.value;
    const saving = (1 - bytes / sourceBytes) * 100;
    env.stdout.write(`${file} → ${target}  ${width}×${height}  ${formatBytes(sourceBytes)} → ${formatBytes(bytes)} (${saving >= 0 ? '−' : '+'}${Math.abs(saving).toFixed(1)} %)\n`);
  });
  return failed > 0 ? 1 : 0;
}

/**
 * An input file's size, or the ImageError that says why it cannot be read. sharp reads a regular
 * file itself, in its own thread: no copy of it in this one (10-13 ms of this thread for the bench's
 * ten photos, and the fresh memory's page faults). Anything else (a pipe, /dev/stdin) is read here.
 */
function checkInput(file: string): { source: string | Buffer; size: number } | { error: ImageError } {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return { error: new ImageError({ reason: 'a folder, not an image file', hint: 'give the image files in it' }) };
    if (!stat.isFile()) {
      const bytes = readFileSync(file);
      return { source: bytes, size: bytes.length };
    }
    // Readable, or the error a read would give.
    closeSync(openSync(file, 'r'));
    return { source: file, size: stat.size };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return { error: new ImageError({ reason: 'no such file', hint: 'check the path' }) };
    return { error: new ImageError({ reason: `cannot read it (${message})`, hint: 'check the file and its permissions' }) };
  }
}

interface Written {
  target: string;
  width: number;
  height: number;
  sourceBytes: number;
  bytes: number;
}

async function ditherFile(source: string | Buffer, sourceBytes: number, target: string, settings: DitherSettings): Promise<Written> {
  const pixels = await decodePixels(source, settings);
  const { png } = await ditheredPng(pixels, settings);
  // Written whole or not at all: never a half-written PNG.
  await writeAtomicAsync(target, png);
  return { target, width: pixels.width, height: pixels.height, sourceBytes, bytes: png.length };
}
