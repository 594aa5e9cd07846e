/**
 * Running a real nginx for tests and benchmarks: free loopback ports, a self-signed certificate,
 * start/stop as a child process, and curl.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import type { CommandEnv } from '../../src/types.ts';
import nginx, { serverSchema, type ServerOptionsInput } from './index.ts';

const run = promisify(execFile);

/** Render a config through the real `solarpress nginx` command, as an admin would: config section + flags. */
export async function renderThroughCommand(section: ServerOptionsInput, args: string[], siteUrl = 'https://homebrewserver.club'): Promise<void> {
  const command = nginx.definition.setup(serverSchema.parse(section), { url: siteUrl } as never).commands![0];
  const warnings: string[] = [];
  const env: CommandEnv = {
    root: process.cwd(),
    stdout: new PassThrough(),
    log: { info() {}, warn: (m) => warnings.push(m), progress: () => ({ tick() {}, done() {} }) },
    loadConfig: async () => {
      throw new Error('not needed');
    },
  };
  const code = await command.run(args, env);
  if (code !== 0) throw new Error(`solarpress nginx ${args.join(' ')} exited ${code}: ${warnings.join('\n')}`);
}

/** `count` distinct ports nobody listens on right now (127.0.0.1): all held open until all are found. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** A throwaway certificate for localhost/127.0.0.1. */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { cert, key };
}

/** `nginx -t` on a config; resolves with its output, rejects with it on failure. */
export async function nginxTest(prefix: string, conf: string): Promise<string> {
  try {
    const { stderr } = await run('nginx', ['-t', '-p', prefix, '-c', conf]);
    return stderr;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`nginx -t failed for ${conf}:\n${e.stderr ?? e.message}`);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningNginx {
  process: ChildProcess;
  masterPid: number;
  /** The single worker's pid (for CPU accounting). */
  workerPids(): number[];
  stop(): Promise<void>;
}

/** Start `nginx -p prefix -c conf -g 'daemon off;'` and wait until `port` accepts connections. */
export async function startNginx(prefix: string, conf: string, port: number, user?: { uid: number; gid: number }): Promise<RunningNginx> {
  const child = spawn('nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'], ...user });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  for (let i = 0; i < 200 && !exited; i++) {
    if (await portOpen(port)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (exited || !(await portOpen(port))) {
    child.kill('SIGKILL');
    const log = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
    throw new Error(`nginx did not start (${conf}):\n${stderr}\n${log}`);
  }
  const masterPid = child.pid!;
  return {
    process: child,
    masterPid,
    workerPids() {
      const path = `/proc/${masterPid}/task/${masterPid}/children`;
      return existsSync(path) ? readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export interface CurlResult {
  /** curl's exit code (0 when the transfer worked, whatever the HTTP status). */
  exitCode: number;
  status: number;
  httpVersion: string;
  headers: Record<string, string>;
  body: Buffer;
  stderr: string;
}

/** Run curl against a URL; the body is kept raw (never decompressed). */
export async function curl(url: string, args: string[] = []): Promise<CurlResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'curl-'));
  const bodyFile = join(tmp, 'body');
  try {
    // Headers to stdout, body to a file (curl 7.88 crashes writing headers to /dev/stderr on a pipe).
    const child = spawn('curl', ['-sS', '-k', '-D', '-', '-o', bodyFile, '-w', '\n%{http_code} %{http_version}', ...args, url]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const exitCode: number = await new Promise((resolve) => child.once('close', (code) => resolve(code ?? -1)));
    const cut = out.lastIndexOf('\n');
    const [status, httpVersion] = out.slice(cut + 1).split(' ');
    const headers: Record<string, string> = {};
    for (const line of out.slice(0, cut).split(/\r?\n/)) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) headers[m[1].toLowerCase()] = m[2];
    }
    const body = existsSync(bodyFile) ? readFileSync(bodyFile) : Buffer.alloc(0);
    return { exitCode, status: Number(status), httpVersion, headers, body, stderr: err };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
