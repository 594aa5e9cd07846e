/**
 * `solarpress dither` as a user runs it, whole process from start to exit, against the same job
 * done in Python (bench/dither_pillow.py: Pillow + numpy, optimize=True), on ten photo-like images
 * of 0.3–1 MP, PNG and JPEG, generated deterministically (plugins/dither/test-helpers.ts, photo()).
 *
 *   node --import tsx bench/dither-command.ts [--runs 7] [--baseline CHECKOUT]
 *
 * The commands run alternately (ours, Python, ours, …) in the same run, so the shared machine's
 * load falls on all alike; --baseline adds another checkout's `solarpress dither` (before a change)
 * to the alternation, for a before/after measured back to back. Wall and CPU (user + system, from
 * /usr/bin/time) are medians. --without-extra-ca runs every command without NODE_EXTRA_CA_CERTS: where
 * it is set (this machine's sandbox sets it to the system's 220 kB bundle), Node parses it at every
 * start, ~0.12 s of CPU that a user's machine does not usually pay; Python ignores it. Before
 * timing it checks that the Python dither gives our indices (golden vectors, and our decoded pixels of
 * every test image) and that both write images of the same size. Prints Markdown.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createDitherer } from '../plugins/dither/fast.ts';
import { resolvePalette } from '../plugins/dither/palette.ts';
import { decode } from '../plugins/dither/process.ts';
import { defaultSettings, photo, projectRoot, vectorsDir } from '../plugins/dither/test-helpers.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' }, baseline: { type: 'string' }, 'without-extra-ca': { type: 'boolean' } } });
const runs = Number(args.runs);
const PYTHON = '/usr/bin/python3';
const script = path.join(projectRoot, 'bench/dither_pillow.py');
const cli = path.join(projectRoot, 'bin/solarpress.js');

/** Ten images, 0.3 to 1 MP, every other one a PNG, some portrait; made once per version of this list. */
async function testImages(): Promise<string[]> {
  const dir = path.join(tmpdir(), 'solarpress-dither-command-v1');
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 10; i++) {
    const mp = 0.3 + (0.7 * i) / 9;
    const long = Math.round(Math.sqrt(mp * 1e6 * 1.5));
    const short = Math.round(long / 1.5);
    const [w, h] = i % 3 === 2 ? [short, long] : [long, short];
    const ext = i % 2 === 0 ? 'jpg' : 'png';
    const file = path.join(dir, `photo-${i}-${w}x${h}.${ext}`);
    if (!existsSync(file)) {
      const image = photo(w, h, i + 1);
      writeFileSync(file, await (ext === 'jpg' ? image.jpeg({ quality: 88 }) : image.png()).toBuffer());
    }
    files.push(file);
  }
  return files;
}

interface Sample {
  wall: number;
  cpu: number;
}

/** One whole process: wall from spawn to exit, CPU of the process and its threads from /usr/bin/time. */
function timeProcess(command: string[], cwd: string): Sample {
  const timing = path.join(tmpdir(), `solarpress-bench-time-${process.pid}`);
  const t0 = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timing, ...command], { cwd, encoding: 'utf8', env: commandEnv });
  const wall = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  const [user, system] = readFileSync(timing, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  rmSync(timing, { force: true });
  return { wall, cpu: user + system };
}

const { NODE_EXTRA_CA_CERTS, ...withoutExtraCa } = process.env;
const commandEnv = args['without-extra-ca'] ? withoutExtraCa : process.env;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bytesIn = (dir: string) => Object.fromEntries(readdirSync(dir).map((n) => [n, statSync(path.join(dir, n)).size]));
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const files = await testImages();
const metas = await Promise.all(files.map((f) => sharp(f).metadata()));
const work = mkdtempSync(path.join(tmpdir(), 'solarpress-dither-command-'));

try {
  // 1. The Python dither is ours: golden vectors, then our own decoded pixels of every test image.
  const vectors = spawnSync(PYTHON, [script, '--vectors', vectorsDir], { encoding: 'utf8' });
  const vectorLine = vectors.stdout.trim().split('\n').at(-1);
  if (vectors.status !== 0) throw new Error(`the Python dither does not reproduce the golden vectors:\n${vectors.stdout}${vectors.stderr}`);
  const settings = defaultSettings();
  let sameIndices = 0;
  for (const file of files) {
    const decoded = await decode(readFileSync(file), settings);
    const ours = createDitherer(resolvePalette(6), [96, 96, 96]).dither(decoded.rgb, decoded.width, decoded.height);
    writeFileSync(path.join(work, 'rgb'), decoded.rgb);
    execFileSync(PYTHON, [script, '--indices', String(decoded.width), String(decoded.height), path.join(work, 'rgb'), path.join(work, 'idx')]);
    if (Buffer.from(ours).equals(readFileSync(path.join(work, 'idx')))) sameIndices++;
  }
  if (sameIndices !== files.length) throw new Error(`the Python dither gave other indices than ours on ${files.length - sameIndices}/${files.length} images`);

  // 2. Both commands, alternately; a warm-up run of each first (page cache, solarpress's bundle).
  const outOurs = path.join(work, 'ours');
  const outPython = path.join(work, 'python');
  const outBaseline = path.join(work, 'baseline');
  const ours = () => timeProcess([process.execPath, cli, 'dither', '--out', outOurs, ...files], projectRoot);
  const python = () => timeProcess([PYTHON, script, '--out', outPython, ...files], projectRoot);
  const baseline = args.baseline && (() => timeProcess([process.execPath, path.resolve(args.baseline!, 'bin/solarpress.js'), 'dither', '--out', outBaseline, ...files], projectRoot));
  const loadBefore = load();
  ours();
  python();
  if (baseline) baseline();
  const samples = { ours: [] as Sample[], python: [] as Sample[], baseline: [] as Sample[] };
  for (let r = 0; r < runs; r++) {
    samples.ours.push(ours());
    samples.python.push(python());
    if (baseline) samples.baseline.push(baseline());
  }
  // Start-up and fixed costs: both commands on one tiny image.
  const tiny = path.join(work, 'tiny.jpg');
  writeFileSync(tiny, await photo(64, 48, 1).jpeg().toBuffer());
  const start = { ours: [] as Sample[], python: [] as Sample[] };
  for (let r = 0; r < runs; r++) {
    start.ours.push(timeProcess([process.execPath, cli, 'dither', '--out', outOurs, tiny], projectRoot));
    start.python.push(timeProcess([PYTHON, script, '--out', outPython, tiny], projectRoot));
  }
  rmSync(path.join(outOurs, 'tiny.png'));
  rmSync(path.join(outPython, 'tiny.png'));
  const loadAfter = load();

  // 3. Same pictures out: same dimensions; bytes compared image by image.
  const oursBytes = bytesIn(outOurs);
  const pythonBytes = bytesIn(outPython);
  for (const name of Object.keys(pythonBytes)) {
    const [a, b] = await Promise.all([sharp(path.join(outOurs, name)).metadata(), sharp(path.join(outPython, name)).metadata()]);
    if (a.width !== b.width || a.height !== b.height) throw new Error(`${name}: ours ${a.width}×${a.height}, Python's ${b.width}×${b.height}`);
  }
  const larger = Object.keys(pythonBytes).filter((n) => oursBytes[n] > pythonBytes[n]);
  const baselineBytes = baseline ? bytesIn(outBaseline) : {};
  const sameAsBaseline = Object.keys(baselineBytes).filter((n) => readFileSync(path.join(outBaseline, n)).equals(readFileSync(path.join(outOurs, n)))).length;

  const wall = { ours: median(samples.ours.map((s) => s.wall)), python: median(samples.python.map((s) => s.wall)) };
  const cpu = { ours: median(samples.ours.map((s) => s.cpu)), python: median(samples.python.map((s) => s.cpu)) };
  const inputMP = metas.reduce((s, m) => s + (m.width! * m.height!) / 1e6, 0);
  const pngs = files.filter((f) => f.endsWith('.png')).length;
  console.log(`## solarpress dither, whole command, against Python (Pillow + numpy)

- command: \`node --import tsx bench/dither-command.ts --runs ${runs}\`; ${runs} runs of each, alternating, after one warm-up each; medians
- machine: ${cpus()[0].model}, ${availableParallelism()} cores, Node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ${execFileSync(PYTHON, ['-c', 'import sys, PIL, numpy; print("Python", sys.version.split()[0], "Pillow", PIL.__version__, "numpy", numpy.__version__)'], { encoding: 'utf8' }).trim()}
- load average: ${loadBefore} before, ${loadAfter} after (a shared machine: compare the ratio, not the seconds)
- NODE_EXTRA_CA_CERTS: ${NODE_EXTRA_CA_CERTS === undefined ? 'not set' : args['without-extra-ca'] ? `set here (${NODE_EXTRA_CA_CERTS}), removed for the commands (--without-extra-ca)` : `set (${NODE_EXTRA_CA_CERTS}): every Node start parses it`}
- input: ${files.length} images (${files.length - pngs} JPEG q88, ${pngs} PNG), ${inputMP.toFixed(1)} MP, ${(files.reduce((s, f) => s + statSync(f).size, 0) / 1e6).toFixed(1)} MB; ${metas.map((m) => `${m.width}×${m.height}`).join(', ')}
- output: 6 greys, threshold 96, fit within 800 px (the defaults); same dimensions from both
- the Python dither gives our indices: ${vectorLine}; and on our decoded pixels of ${sameIndices}/${files.length} test images

| command | wall s | CPU s | output bytes |
|---|---:|---:|---:|
| \`solarpress dither --out DIR …\` | ${wall.ours.toFixed(3)} | ${cpu.ours.toFixed(3)} | ${sum(oursBytes)} |
| \`python3 bench/dither_pillow.py --out DIR …\` | ${wall.python.toFixed(3)} | ${cpu.python.toFixed(3)} | ${sum(pythonBytes)} |
| **Python ÷ ours** | **${(wall.python / wall.ours).toFixed(2)}×** | **${(cpu.python / cpu.ours).toFixed(2)}×** | ours ${((sum(oursBytes) / sum(pythonBytes) - 1) * 100).toFixed(1)} % (larger on ${larger.length}/${files.length}${larger.length ? `: ${larger.join(', ')}` : ''}) |

${baseline ? `| \`solarpress dither\` of ${args.baseline} (before) | ${median(samples.baseline.map((s) => s.wall)).toFixed(3)} | ${median(samples.baseline.map((s) => s.cpu)).toFixed(3)} | ${sum(baselineBytes)} (byte-identical to ours on ${sameAsBaseline}/${files.length}) |
| **Python ÷ before** | **${(wall.python / median(samples.baseline.map((s) => s.wall))).toFixed(2)}×** | **${(cpu.python / median(samples.baseline.map((s) => s.cpu))).toFixed(2)}×** | |
` : ''}
| one 64×48 JPEG (start-up and fixed costs): \`solarpress dither\` | ${median(start.ours.map((s) => s.wall)).toFixed(3)} | ${median(start.ours.map((s) => s.cpu)).toFixed(3)} | |
| one 64×48 JPEG: Python | ${median(start.python.map((s) => s.wall)).toFixed(3)} | ${median(start.python.map((s) => s.cpu)).toFixed(3)} | |

All runs, wall s (ours / Python${baseline ? ' / before' : ''}): ${samples.ours.map((s, i) => `${s.wall.toFixed(2)}/${samples.python[i].wall.toFixed(2)}${baseline ? `/${samples.baseline[i].wall.toFixed(2)}` : ''}`).join(', ')}
`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
