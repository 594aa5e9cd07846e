/**
 * Load benchmark: the generated nginx config (precompressed files, gzip_static/brotli_static)
 * against the seed's (dynamic gzip level 6), one nginx worker each, wrk on loopback.
 *
 *   npx tsx bench/nginx-load.ts [--duration 30] [--runs 3] [--connections 8] [--site DIR --path /x/]
 *
 * Prints one line per run and a Markdown table of medians. Needs nginx, openssl and wrk (apt).
 * Without --site it renders a long article page from seed 002's low-tech website guide.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { detectStandaloneEnvironment } from '../plugins/nginx/environment.ts';
import { articlePage, CSS_URL } from '../plugins/nginx/fixture.ts';
import { freePorts, selfSignedCertificate, startNginx, type RunningNginx } from '../plugins/nginx/harness.ts';
import { renderStandaloneConfig, resolveServerOptions, serverSchema } from '../plugins/nginx/index.ts';
import { precompressDir, precompressSchema } from '../plugins/precompress/index.ts';
import { PRECOMPRESS_VERSION, STORE } from '../plugins/precompress/precompress.ts';
import { FileCache } from '../src/cache/file-cache.js';
import { seedNginxConfig } from './nginx-seed-config.ts';

const run = promisify(execFile);

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    site: { type: 'string' },
    path: { type: 'string', default: '/low-tech-website/' },
    encodings: { type: 'string', default: 'gzip, deflate, br|gzip' },
    variants: { type: 'string', default: 'generated,seed,seed-nolog' },
  },
});

interface Variant {
  name: string;
  describe: string;
  conf: string;
  port: number;
}

interface RunResult {
  variant: string;
  acceptEncoding: string;
  requests: number;
  seconds: number;
  bytesRead: number;
  errors: number;
  non2xx: number;
  cpuSeconds: number;
}

/** utime + stime of a process, in seconds. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command name start at field 3: utime is field 14, stime 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
let CLK_TCK = 100;

function parseSize(text: string): number {
  const m = /^([\d.]+)([KMGT]?B)$/.exec(text);
  if (!m) throw new Error(`wrk size "${text}"`);
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[m[2]]!;
  return Number(m[1]) * unit;
}

function parseWrk(output: string): Omit<RunResult, 'variant' | 'acceptEncoding' | 'cpuSeconds'> {
  const total = /(\d+) requests in ([\d.]+)(m?s), ([\d.]+[KMGT]?B) read/.exec(output);
  if (!total) throw new Error(`cannot read wrk's output:\n${output}`);
  const seconds = Number(total[2]) / (total[3] === 'ms' ? 1000 : 1);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return { requests: Number(total[1]), seconds, bytesRead: parseSize(total[4]), errors, non2xx };
}

async function measure(nginx: RunningNginx, variant: Variant, acceptEncoding: string, url: string): Promise<RunResult> {
  const [worker] = nginx.workerPids();
  if (!worker) throw new Error(`${variant.name}: no nginx worker found`);
  const before = cpuSecondsOf(worker);
  const { stdout } = await run('wrk', ['-t1', `-c${flags.connections}`, `-d${flags.duration}s`, '-H', `Accept-Encoding: ${acceptEncoding}`, url], {
    maxBuffer: 1 << 20,
  });
  const cpuSeconds = cpuSecondsOf(worker) - before;
  return { variant: variant.name, acceptEncoding, cpuSeconds, ...parseWrk(stdout) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function prepareSite(dir: string): Promise<{ root: string; path: string; source: string }> {
  const root = join(dir, 'site');
  if (flags.site) {
    cpSync(flags.site, root, { recursive: true });
    return { root, path: flags.path!, source: `built site ${flags.site}, page ${flags.path}` };
  }
  const page = join(root, flags.path!.replace(/^\/+/, ''), 'index.html');
  mkdirSync(join(page, '..'), { recursive: true });
  writeFileSync(page, articlePage());
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, CSS_URL), 'body { max-width: 40em; margin: auto; }\n');
  return { root, path: flags.path!, source: "seed 002's \"How to build a Low-Tech website\" as one article page" };
}

async function main(): Promise<void> {
  CLK_TCK = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
  const dir = mkdtempSync(join(tmpdir(), 'solarpress-nginx-bench-'));
  chmodSync(dir, 0o755);
  const running: RunningNginx[] = [];
  try {
    const site = await prepareSite(dir);
    const pre = await precompressDir({ outputDir: site.root, store: new FileCache(join(dir, 'cache')).store(STORE, PRECOMPRESS_VERSION), options: precompressSchema.parse({}) });
    const pageFile = join(site.root, site.path.replace(/^\/+/, ''), 'index.html');
    const sizes = {
      html: readFileSync(pageFile).length,
      gz: existsSync(`${pageFile}.gz`) ? readFileSync(`${pageFile}.gz`).length : 0,
      br: existsSync(`${pageFile}.br`) ? readFileSync(`${pageFile}.br`).length : 0,
    };
    const { cert, key } = await selfSignedCertificate(dir);
    const machine = detectStandaloneEnvironment();
    const wanted = new Set(flags.variants!.split(','));
    const variants: Variant[] = [];
    const ports = await freePorts(4);

    if (wanted.has('generated')) {
      const port = ports[0];
      const prefix = join(dir, 'generated');
      mkdirSync(prefix, { mode: 0o755 });
      const options = resolveServerOptions(
        serverSchema.parse({ serverName: 'localhost', listen: ['127.0.0.1'], httpPort: ports[1], httpsPort: port, root: site.root, cert, key }),
        { brotliAvailable: machine.brotliModule !== undefined },
      );
      const conf = join(prefix, 'nginx.conf');
      writeFileSync(conf, renderStandaloneConfig(options, prefix, machine));
      variants.push({ name: 'generated', describe: 'solarpress nginx --standalone (gzip_static, brotli_static, access log off)', conf, port });
    }
    for (const [name, accessLog, port] of [['seed', true, ports[2]], ['seed-nolog', false, ports[3]]] as const) {
      if (!wanted.has(name)) continue;
      const prefix = join(dir, name);
      mkdirSync(prefix, { mode: 0o755 });
      const conf = join(prefix, 'nginx.conf');
      writeFileSync(conf, seedNginxConfig({ prefix, port, root: site.root, cert, key, accessLog, mimeTypesFile: machine.mimeTypesFile }));
      variants.push({ name, describe: accessLog ? "seed 002's config (gzip_comp_level 6, access log)" : "seed 002's config without its access log", conf, port });
    }

    const servers = new Map<string, RunningNginx>();
    for (const v of variants) {
      const server = await startNginx(join(v.conf, '..'), v.conf, v.port);
      running.push(server);
      servers.set(v.name, server);
    }

    const nginxVersion = (await run('nginx', ['-v'])).stderr.trim();
    const wrkVersion = (await run('wrk', ['-v']).catch((e) => e)).stdout?.split('\n')[0]?.trim() ?? 'wrk';
    console.log(`# ${nginxVersion}; ${wrkVersion}; ${cpus()[0]?.model} × ${cpus().length}; Linux ${release()}`);
    console.log(`# page: ${site.source}: ${sizes.html} B, .gz ${sizes.gz} B, .br ${sizes.br} B`);
    console.log(`# precompression of the page: ${(pre.wallMs / 1000).toFixed(2)} s`);

    const results: RunResult[] = [];
    const encodings = flags.encodings!.split('|');
    for (let i = 0; i < Number(flags.runs); i++) {
      for (const enc of encodings) {
        // Interleaved, so drift on the shared machine hits every variant alike.
        for (const v of variants) {
          const r = await measure(servers.get(v.name)!, v, enc, `https://127.0.0.1:${v.port}${site.path}`);
          results.push(r);
          console.log(
            `run ${i + 1} ${v.name.padEnd(10)} AE="${enc}" ${(r.requests / r.seconds).toFixed(0)} req/s, ` +
              `${(r.bytesRead / r.requests).toFixed(0)} B/resp, ${(r.requests / r.cpuSeconds).toFixed(0)} req/CPU-s, ` +
              `cpu ${r.cpuSeconds.toFixed(2)} s, errors ${r.errors}, non-2xx ${r.non2xx}`,
          );
        }
      }
    }

    console.log(`\n| Accept-Encoding | config | req/s | bytes/response | worker CPU-s | req per CPU-s | errors |`);
    console.log(`|---|---|---:|---:|---:|---:|---:|`);
    for (const enc of encodings) {
      const perVariant = new Map<string, number>();
      for (const v of variants) {
        const rs = results.filter((r) => r.variant === v.name && r.acceptEncoding === enc);
        const perCpu = median(rs.map((r) => r.requests / r.cpuSeconds));
        perVariant.set(v.name, perCpu);
        console.log(
          `| \`${enc}\` | ${v.name} | ${median(rs.map((r) => r.requests / r.seconds)).toFixed(0)} | ` +
            `${median(rs.map((r) => r.bytesRead / r.requests)).toFixed(0)} | ${median(rs.map((r) => r.cpuSeconds)).toFixed(1)} | ` +
            `${perCpu.toFixed(0)} | ${rs.reduce((a, r) => a + r.errors + r.non2xx, 0)} |`,
        );
      }
      if (perVariant.has('generated') && perVariant.has('seed')) {
        console.log(`\n# ${enc}: generated serves ${(perVariant.get('generated')! / perVariant.get('seed')!).toFixed(2)}× the seed's requests per CPU-second`);
      }
    }
  } finally {
    for (const server of running) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
