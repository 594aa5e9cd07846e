/**
 * `solarpress dither`: dither image files on their own, outside a site build.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeAtomic } from '../../src/cache/atomic.js';
import { FileCache } from '../../src/cache/file-cache.js';
import type { CommandEnv, CommandSpec } from '../../src/types.ts';
import { PLUGIN_VERSION, STORE } from './cache.ts';
import { ImageError } from './image-error.ts';
import { paletteSchema, settingsFor, thresholdSchema, type DitherOptions } from './options.ts';
import { DitherService, formatBytes } from './service.ts';

export const usage = `Usage: solarpress dither [--palette 3|6|11|FILE.json] [--threshold N|R,G,B] [--max-size N] --out DIR FILE...

Dither image files the way the site build does and write DIR/<basename>.png (indexed PNG).

  --palette P     3, 6 or 11 grey tones, or a JSON file holding a list of colours
                  ("#rrggbb" or [r, g, b]); default: the site's dither.palette (6)
  --threshold T   dither strength 0–255, one number or R,G,B (default 96)
  --max-size N    fit within N×N pixels, never enlarged (default 800)
  --out DIR       output folder (created if missing)
  -h, --help      show this help

Exit status: 0 all written, 1 an image could not be read, 2 bad command line.`;

class Usage extends Error {}

export function ditherCommand(defaults: DitherOptions): CommandSpec {
  return {
    name: 'dither',
    summary: 'dither image files to indexed PNGs (as the build does)',
    usage,
    async run(args, env) {
      let plan: Plan;
      try {
        plan = parse(args, defaults);
      } catch (error) {
        if (!(error instanceof Usage)) throw error;
        env.log.info(`solarpress dither: ${error.message}\n\n${usage}`);
        return 2;
      }
      if (plan === 'help') {
        env.stdout.write(usage + '\n');
        return 0;
      }
      return ditherFiles(plan, env);
    },
  };
}

interface Job {
  options: DitherOptions;
  out: string;
  files: string[];
}
type Plan = Job | 'help';

function parse(args: string[], defaults: DitherOptions): Plan {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        palette: { type: 'string' },
        threshold: { type: 'string' },
        'max-size': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new Usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (!values.out) throw new Usage('--out DIR is required');
  if (positionals.length === 0) throw new Usage('no image files given');
  const options: DitherOptions = { ...defaults, webp: false };
  if (values.palette !== undefined) options.palette = parsePalette(values.palette);
  if (values.threshold !== undefined) {
    const numbers = values.threshold.split(',').map((n) => (n.trim() === '' ? NaN : Number(n)));
    const threshold = thresholdSchema.safeParse(numbers.length === 1 ? numbers[0] : numbers);
    if (!threshold.success) throw new Usage(`--threshold ${values.threshold}: give a number 0–255, or R,G,B`);
    options.threshold = threshold.data;
  }
  if (values['max-size'] !== undefined) {
    const size = Number(values['max-size']);
    if (!Number.isInteger(size) || size < 16 || size > 4096) throw new Usage(`--max-size ${values['max-size']}: give a whole number of pixels, 16–4096`);
    options.maxSize = size;
  }
  const names = new Map<string, string>();
  for (const file of positionals) {
    const name = outputName(file);
    if (names.has(name)) throw new Usage(`${names.get(name)} and ${file} would both write ${name}: dither them into different --out folders`);
    names.set(name, file);
  }
  return { options, out: values.out, files: positionals };
}

function parsePalette(value: string): DitherOptions['palette'] {
  if (/^(3|6|11)$/.test(value)) return Number(value) as 3 | 6 | 11;
  if (!value.endsWith('.json')) throw new Usage(`--palette ${value}: give 3, 6, 11 or a FILE.json of colours`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(value, 'utf8'));
  } catch (error) {
    throw new Usage(`--palette ${value}: cannot read it as JSON (${(error as Error).message})`);
  }
  const list = json && typeof json === 'object' && !Array.isArray(json) && 'palette' in json ? (json as { palette: unknown }).palette : json;
  const palette = paletteSchema.safeParse(list);
  if (!palette.success) throw new Usage(`--palette ${value}: expected a list of 2–255 colours, each "#rrggbb" or [r, g, b]`);
  return palette.data;
}

function outputName(file: string): string {
  return `${path.basename(file, path.extname(file))}.png`;
}

async function ditherFiles({ options, out, files }: Job, env: CommandEnv): Promise<number> {
  mkdirSync(out, { recursive: true });
  // Jobs write into a temporary folder inside DIR, then each PNG is renamed into place: no half-written file.
  const scratch = mkdtempSync(path.join(out, '.tmp-dither-'));
  const service = new DitherService({ store: new FileCache(scratch).store(STORE, PLUGIN_VERSION), workers: files.length > 1 ? Math.min(files.length, options.workers ?? availableParallelism()) : 0 });
  const settings = settingsFor(options);
  let failed = 0;
  try {
    const results = await Promise.allSettled(
      files.map(async (file) => {
        if (!existsSync(file)) throw new ImageError({ reason: 'no such file', hint: 'check the path' });
        return service.dither(file, settings);
      }),
    );
    results.forEach((result, i) => {
      const file = files[i];
      if (result.status === 'rejected') {
        if (!(result.reason instanceof ImageError)) throw result.reason;
        failed++;
        env.log.info(`error ${file}: cannot dither: ${result.reason.reason}\n  → ${result.reason.hint}`);
        return;
      }
      const entry = result.value;
      const target = path.join(out, outputName(file));
      // Inputs with the same bytes share one cache entry: copied into place, never moved.
      writeAtomic(target, readFileSync(entry.png.file));
      const saving = (1 - entry.png.bytes / entry.sourceBytes) * 100;
      env.stdout.write(`${file} → ${target}  ${entry.width}×${entry.height}  ${formatBytes(entry.sourceBytes)} → ${formatBytes(entry.png.bytes)} (${saving >= 0 ? '−' : '+'}${Math.abs(saving).toFixed(1)} %)\n`);
    });
  } finally {
    await service.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return failed > 0 ? 1 : 0;
}
