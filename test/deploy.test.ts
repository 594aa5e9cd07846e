/**
 * solarpress deploy end to end against a real sshd on a loopback port, with throwaway keys.
 * The "board" is a temp directory reached over ssh as the current user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreSchema, type ResolvedConfig } from '../src/config.ts';
import { createDeployCommand, type BuildFunction } from '../src/deploy/index.ts';
import { ContentError } from '../src/errors.ts';
import type { CommandEnv, Logger } from '../src/types.ts';
import { CLI, removeSite, runCli, tempSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('/usr/sbin/sshd', 'ssh', 'rsync', 'ssh-keygen');

let work = '';
let port = 0;
let sshd: ChildProcess | undefined;
let sshdLog = '';
const user = userInfo().username;
const sshOptions = ['--ssh-option', 'StrictHostKeyChecking=no', '--ssh-option', 'UserKnownHostsFile=/dev/null', '--ssh-option', 'LogLevel=ERROR'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'solarpress-deploy-test', '-f', file]);
}

beforeAll(async () => {
  if (!ok) return;
  work = mkdtempSync(path.join(tmpdir(), 'solarpress-deploy-'));
  keygen(path.join(work, 'host_key'));
  keygen(path.join(work, 'user_key'));
  keygen(path.join(work, 'stranger_key'));
  writeFileSync(path.join(work, 'authorized_keys'), readFileSync(path.join(work, 'user_key.pub')));
  port = await freePort();
  const config = path.join(work, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${work}/host_key`,
      `AuthorizedKeysFile ${work}/authorized_keys`,
      `PidFile ${work}/sshd.pid`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  // sshd's privilege separation directory (Debian creates it in its service unit).
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // not root: sshd runs unprivileged for the same user
  }
  sshd = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr!.setEncoding('utf8').on('data', (chunk: string) => (sshdLog += chunk));
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('ssh', ['-p', String(port), '-i', path.join(work, 'user_key'), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${user}@127.0.0.1`, 'true'], { stdio: 'pipe' });
      break;
    } catch (error) {
      if (attempt >= 100 || sshd.exitCode !== null) throw new Error(`sshd did not come up: ${sshdLog}\n${(error as Error).message}`);
      await sleep(100);
    }
  }
});

afterAll(async () => {
  if (sshd && sshd.exitCode === null) {
    const exited = new Promise((resolve) => sshd!.once('exit', resolve));
    sshd.kill('SIGTERM');
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A new project root with a dist/ of the given files, and a new board directory. */
function project(files: Record<string, string | Buffer>) {
  const root = mkdtempSync(path.join(work, 'project-'));
  const board = path.join(root, 'board', 'www');
  writeDist(root, files);
  return { root, board, dist: path.join(root, 'dist') };
}

function writeDist(root: string, files: Record<string, string | Buffer>) {
  const dist = path.join(root, 'dist');
  rmSync(dist, { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    writeFileSync(path.join(dist, file), content);
  }
}

function configFor(root: string, board: string, deploy: Record<string, unknown> = {}): ResolvedConfig {
  const core = coreSchema.parse({
    title: 'Homebrew Server Club',
    url: 'https://homebrewserver.club',
    author: { name: 'HBSC' },
    license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
    deploy: { host: '127.0.0.1', port, user, path: board, key: path.join(work, 'user_key'), keep: 5, ...deploy },
  });
  return { ...core, root, pluginOptions: {} };
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  info: string[];
}

async function deploy(root: string, board: string, args: string[] = [], opts: { deploy?: Record<string, unknown>; build?: BuildFunction } = {}): Promise<Outcome> {
  const stdout = new Collect();
  const stderr = new Collect();
  const info: string[] = [];
  const log: Logger = {
    info: (m) => info.push(m),
    warn: (m) => info.push(`warning: ${m}`),
    progress: () => ({ tick() {}, done() {} }),
  };
  const env: CommandEnv = { root, log, stdout, loadConfig: async () => configFor(root, board, opts.deploy) };
  const build: BuildFunction = opts.build ?? (async () => {
    throw new Error('this test deploys with --no-build');
  });
  const code = await createDeployCommand({ build, stderr }).run([...args, ...sshOptions], env);
  return { code, stdout: stdout.text, stderr: stderr.text, info };
}

const live = (board: string) => readlinkSync(path.join(board, 'current'));
const releases = (board: string) => readdirSync(path.join(board, 'releases')).sort();

/** Every file under dir (following no symlinks) with its content hash. */
function contents(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) contents(full, base, out);
    else if (entry.isFile()) out[path.relative(base, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

/** Everything about a tree that a change would alter: type, inode, mtime, content, link target. */
function snapshot(dir: string, out: Record<string, string> = {}): Record<string, string> {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out[full] = `link ${readlinkSync(full)}`;
    else if (st.isDirectory()) {
      out[full] = `dir ${st.ino}`;
      snapshot(full, out);
    } else out[full] = `file ${st.ino} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
  }
  return out;
}

const site = {
  'index.html': '<!doctype html><title>HBSC</title><p>home',
  'yes-were-config/index.html': '<!doctype html><title>Yes We’re Config!</title>',
  'assets/solar.3f2a1b9c.css': 'body{font:1rem/1.5 serif}',
  'media/switchboard.png': randomBytes(3000),
  // The theme's sample for the preview server: must never replace the board's live stats.
  'api/stats.json': '{"schema":1,"sample":true}',
};

describe.skipIf(!ok)('solarpress deploy over ssh', () => {
  it('sends a first release, makes it current, and links the board’s own api/', async () => {
    const { root, board, dist } = project(site);
    mkdirSync(path.join(board, 'api'), { recursive: true });
    writeFileSync(path.join(board, 'api', 'stats.json'), '{"schema":1,"from":"board"}');

    const r = await deploy(root, board, ['--no-build']);
    expect(r.code, r.stderr + sshdLog.slice(-2000)).toBe(0);
    expect(live(board)).toMatch(/^releases\/\d{8}T\d{6}\.\d{3}Z$/);
    expect(releases(board)).toEqual([path.basename(live(board))]);

    const sent = contents(dist);
    delete sent['api/stats.json'];
    const current = path.join(board, 'current');
    expect(contents(current)).toEqual(sent); // contents() does not follow the api symlink
    expect(readlinkSync(path.join(current, 'api'))).toBe('../../api');
    expect(readFileSync(path.join(current, 'api', 'stats.json'), 'utf8')).toBe('{"schema":1,"from":"board"}');
    // nginx reads as another user: files are world-readable whatever the local umask.
    expect(statSync(path.join(current, 'index.html')).mode & 0o777).toBe(0o644);
    expect(r.info.join('\n')).toMatch(/live: .*current → releases\//);
  });

  it('hard-links unchanged files to the previous release, even when the build rewrote them', async () => {
    const { root, board, dist } = project(site);
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    const first = path.join(board, live(board));

    // A new build: the same bytes with new mtimes, one page changed, one added, one removed.
    writeDist(root, { ...site, 'index.html': '<!doctype html><title>HBSC</title><p>new home', 'zine/9/index.html': 'issue 9' });
    rmSync(path.join(dist, 'yes-were-config'), { recursive: true });
    const later = new Date(Date.now() + 3600_000);
    utimesSync(path.join(dist, 'assets/solar.3f2a1b9c.css'), later, later);

    const r = await deploy(root, board, ['--no-build']);
    expect(r.code, r.stderr).toBe(0);
    const second = path.join(board, live(board));
    expect(second).not.toBe(first);
    const ino = (dir: string, file: string) => statSync(path.join(dir, file)).ino;
    expect(ino(second, 'assets/solar.3f2a1b9c.css')).toBe(ino(first, 'assets/solar.3f2a1b9c.css'));
    expect(ino(second, 'media/switchboard.png')).toBe(ino(first, 'media/switchboard.png'));
    expect(ino(second, 'index.html')).not.toBe(ino(first, 'index.html'));
    expect(readFileSync(path.join(second, 'index.html'), 'utf8')).toContain('new home');
    expect(existsSync(path.join(second, 'zine/9/index.html'))).toBe(true);
    expect(existsSync(path.join(second, 'yes-were-config'))).toBe(false);
    // The previous release is whole, for --rollback.
    expect(readFileSync(path.join(first, 'yes-were-config/index.html'), 'utf8')).toContain('Config');
    expect(r.info.join('\n')).toMatch(/\(2 of 5 files sent, [\d.]+ K?B on the wire/);
  });

  it('keeps the last N releases and nothing it did not make', async () => {
    const { root, board } = project(site);
    mkdirSync(path.join(board, 'releases', 'notes-by-the-admin'), { recursive: true });
    mkdirSync(path.join(board, 'api'), { recursive: true });
    writeFileSync(path.join(board, 'api', 'stats.json'), '{"schema":1}');
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      writeDist(root, { ...site, 'index.html': `home ${i}` });
      const r = await deploy(root, board, ['--no-build', '--keep', '2']);
      expect(r.code, r.stderr).toBe(0);
      made.push(path.basename(live(board)));
    }
    expect(releases(board)).toEqual([...made.slice(-2), 'notes-by-the-admin'].sort());
    expect(live(board)).toBe(`releases/${made[3]}`);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe('home 3');
    // Pruned releases took their api symlink with them, not what it points to.
    expect(readFileSync(path.join(board, 'api', 'stats.json'), 'utf8')).toBe('{"schema":1}');
  });

  it('rolls back to the previous release, and says when there is none', async () => {
    const { root, board } = project({ ...site, 'index.html': 'version 1' });
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    const v1 = live(board);
    writeDist(root, { ...site, 'index.html': 'version 2' });
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    const v2 = live(board);

    const dry = await deploy(root, board, ['--rollback', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would make ${v1} live`);
    expect(live(board)).toBe(v2);

    const back = await deploy(root, board, ['--rollback']);
    expect(back.code, back.stderr).toBe(0);
    expect(live(board)).toBe(v1);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe('version 1');
    expect(releases(board)).toHaveLength(2); // the rolled-back release stays, to roll forward by hand

    const none = await deploy(root, board, ['--rollback']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no release older than/);
    expect(live(board)).toBe(v1);
  });

  it('lists what a deploy would change and changes nothing (--dry-run)', async () => {
    const { root, board, dist } = project(site);
    const empty = await deploy(root, board, ['--no-build', '--dry-run']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/nothing is live .* every file is new/);
    expect(empty.stdout).toMatch(/new\s+index\.html/);
    expect(existsSync(board)).toBe(false); // not even created

    mkdirSync(path.join(board, 'api'), { recursive: true });
    writeFileSync(path.join(board, 'api', 'stats.json'), '{}');
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    writeDist(root, { ...site, 'index.html': 'changed home', 'guides/new/index.html': 'a new guide' });
    rmSync(path.join(dist, 'media'), { recursive: true });
    const before = snapshot(board);

    const r = await deploy(root, board, ['--no-build', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const listed = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(listed).toEqual(
      expect.arrayContaining([
        ['changed', 'index.html'],
        ['new', 'guides/new/index.html'],
        ['deleted', 'media/switchboard.png'],
      ]),
    );
    const paths = listed.map(([, p]) => p);
    expect(paths).not.toContain('assets/solar.3f2a1b9c.css'); // same bytes, rewritten: no change
    expect(paths.some((p) => p.startsWith('api'))).toBe(false);
    expect(r.stdout).toMatch(/nothing was changed on the board/);
    expect(snapshot(board)).toEqual(before);
  });

  it('leaves the live site whole when the upload is killed midway', async () => {
    const { root, board } = project(site);
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    const before = live(board);
    const whole = contents(path.join(board, 'current'));

    // A big release, sent slowly: 300 incompressible files of 16 KiB at 256 KiB/s.
    const big: Record<string, Buffer | string> = { 'index.html': 'the big release' };
    for (let i = 0; i < 300; i++) big[`media/photo-${String(i).padStart(3, '0')}.png`] = randomBytes(16 * 1024);
    writeDist(root, big);
    const running = deploy(root, board, ['--no-build', '--bwlimit', '256']);

    // Wait until the upload has written files on the board, then kill our rsync child.
    const incoming = () => readdirSync(path.join(board, 'releases')).find((n) => n.startsWith('.incoming-'));
    let rsyncPid: number | undefined;
    for (let i = 0; i < 300 && rsyncPid === undefined; i++) {
      const dir = incoming();
      const uploaded = dir && existsSync(path.join(board, 'releases', dir, 'media')) ? readdirSync(path.join(board, 'releases', dir, 'media')).length : 0;
      if (uploaded >= 5) rsyncPid = childNamed('rsync');
      else await sleep(50);
    }
    expect(rsyncPid, 'the upload never started').toBeDefined();
    process.kill(rsyncPid!, 'SIGKILL');

    const r = await running;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rsync was killed \(SIGKILL\)/);
    expect(r.stderr).toMatch(/live site is unchanged/);
    expect(live(board)).toBe(before);
    expect(contents(path.join(board, 'current'))).toEqual(whole);

    // The next deploy clears the leftover and goes through.
    const again = await deploy(root, board, ['--no-build']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.info.join('\n')).toMatch(/removed \.incoming-.*interrupted deploy/);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe('the big release');
    expect(readdirSync(path.join(board, 'releases')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a killed solarpress deploy stops its upload: no rsync or ssh left, here or on the board', async () => {
    const board = path.join(mkdtempSync(path.join(work, 'killed-')), 'www');
    const root = tempSite({ 'site.config.ts': cliConfig(board) });
    try {
      writeDist(root, site);
      expect(runCli(root, ['deploy', '--no-build', ...sshOptions]).code).toBe(0);
      const before = live(board);
      writeDist(root, bigRelease(200));
      const cli = spawn(process.execPath, [CLI, 'deploy', '--no-build', '--bwlimit', '128', ...sshOptions], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      cli.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      expect(await uploadStarted(board), `the upload never started: ${stderr}`).toBe(true);
      expect(processesMentioning(board).length).toBeGreaterThan(0); // rsync, its ssh, and the board's rsync --server

      cli.kill('SIGTERM'); // solarpress alone, as `kill PID` would
      expect(await exited).toBe(1);
      expect(stderr).toMatch(/deploy: stopped by SIGTERM/);
      expect(await noneLeft(() => processesMentioning(board))).toEqual([]);
      expect(live(board)).toBe(before);
      expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe(site['index.html']);
      // The lock went with the killed session: the next deploy goes through.
      writeDist(root, site);
      const again = runCli(root, ['deploy', '--no-build', ...sshOptions]);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      removeSite(root);
    }
  });

  it('two deploys at once: the second fails at once, the first goes live whole', async () => {
    const { root, board } = project(site);
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    const big = bigRelease(60);
    writeDist(root, big);
    const first = deploy(root, board, ['--no-build', '--bwlimit', '128']);
    expect(await uploadStarted(board), 'the first upload never started').toBe(true);

    const other = project({ ...site, 'index.html': 'the second deploy' });
    const second = await deploy(other.root, board, ['--no-build']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another deploy is running on the board \(.*\.deploy-lock is held by .*\(pid \d+\) since /);
    expect(second.stderr).toMatch(/wait for it to finish/);
    const rollback = await deploy(other.root, board, ['--rollback']);
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toMatch(/another deploy is running/);

    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(contents(path.join(board, 'current'))).toEqual(contents(path.join(root, 'dist')));
    // Once it is done, the lock is free.
    const third = await deploy(other.root, board, ['--no-build']);
    expect(third.code, third.stderr).toBe(0);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe('the second deploy');
  });

  it('a reader on the board never finds current missing or a release partial while deploys switch', async () => {
    const version = (n: number) => ({ ...site, 'index.html': `v${n}`, 'guide/index.html': `v${n}`.repeat(20_000) });
    const { root, board } = project(version(1));
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    // Reads through `current` as nginx does, and both pages of the release it points to.
    const reader = spawn('sh', ['-c', String.raw`
      cd "$1"
      while [ ! -e stop ]; do
        page=$(cat current/index.html 2>/dev/null) || page=MISSING
        release=$(readlink current) || release=MISSING
        a=$(cat "$release/index.html" 2>/dev/null) || a=MISSING
        b=$(cat "$release/guide/index.html" 2>/dev/null | head -c 2) || b=MISSING
        guide=$(wc -c <"$release/guide/index.html" 2>/dev/null) || guide=0
        echo "$page $a $b $guide"
      done`, 'reader', board], { stdio: ['ignore', 'pipe', 'inherit'] });
    let log = '';
    reader.stdout!.setEncoding('utf8').on('data', (c: string) => (log += c));
    const readerDone = new Promise((resolve) => reader.once('exit', resolve));
    try {
      for (let n = 2; n <= 4; n++) {
        writeDist(root, version(n));
        const r = await deploy(root, board, ['--no-build']);
        expect(r.code, r.stderr).toBe(0);
      }
      await sleep(200);
    } finally {
      writeFileSync(path.join(board, 'stop'), '');
      await readerDone;
    }
    const reads = log.trim().split('\n');
    expect(reads.length).toBeGreaterThan(20);
    let newest = 1;
    for (const read of reads) {
      const [page, a, b, guide] = read.split(' ');
      expect(read, 'current was missing or a release incomplete').toMatch(/^v\d v\d v\d \s*\d+$/);
      expect(b).toBe(a); // both pages of one release
      expect(Number(guide)).toBe(2 * 20_000);
      // Never back to an older release.
      expect(Number(page.slice(1))).toBeGreaterThanOrEqual(newest);
      newest = Number(page.slice(1));
    }
    expect(newest).toBe(4);
  });

  it('builds first unless --no-build, and deploys nothing when the build fails', async () => {
    const { root, board } = project({});
    let builds = 0;
    const build: BuildFunction = async (buildRoot) => {
      builds++;
      writeDist(buildRoot, { 'index.html': 'freshly built' });
      return path.join(buildRoot, 'dist');
    };
    const r = await deploy(root, board, [], { build });
    expect(r.code, r.stderr).toBe(0);
    expect(builds).toBe(1);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe('freshly built');

    const before = snapshot(board);
    const failing: BuildFunction = async () => {
      throw new ContentError('front matter: date is not a date', { file: path.join(root, 'content/guides/x.md'), line: 3 });
    };
    const bad = await deploy(root, board, [], { build: failing });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/content\/guides\/x\.md:3: front matter/);
    expect(bad.stderr).toMatch(/nothing was deployed/);
    expect(snapshot(board)).toEqual(before);
  });

  it('says clearly when there is nothing built, no board, or a wrong key', async () => {
    const { root, board } = project({});
    const nothing = await deploy(root, board, ['--no-build']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/nothing to deploy: dist\/ does not exist/);

    writeDist(root, site);
    const closed = await freePort();
    const unreachable = await deploy(root, board, ['--no-build', '--port', String(closed)]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the board at .*127\.0\.0\.1 port \d+ \(.*Connection refused/);

    const stranger = await deploy(root, board, ['--no-build', '--key', path.join(work, 'stranger_key')]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/the board refused the ssh login/);
    expect(stranger.stderr).toContain('stranger_key');

    const noHost = await deploy(root, board, ['--no-build'], { deploy: { host: '' } });
    expect(noHost.code).toBe(1);
    expect(noHost.stderr).toMatch(/deploy\.host is empty/);

    const noKey = await deploy(root, board, ['--no-build', '--key', 'missing_key']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(path.join(root, 'missing_key'));

    expect(existsSync(board)).toBe(false);
  });

  it('refuses to replace a current that is a real directory', async () => {
    const { root, board } = project(site);
    mkdirSync(path.join(board, 'current'), { recursive: true });
    writeFileSync(path.join(board, 'current', 'index.html'), 'hand-made');
    const r = await deploy(root, board, ['--no-build']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/current is a real directory or file, not a symlink/);
    expect(readFileSync(path.join(board, 'current', 'index.html'), 'utf8')).toBe('hand-made');
  });

  it('`solarpress deploy` builds the project and sends it, from the real CLI', () => {
    const board = path.join(mkdtempSync(path.join(work, 'cli-')), 'www');
    const root = tempSite({
      'site.config.ts': cliConfig(board),
    });
    try {
      const r = runCli(root, ['deploy', ...sshOptions]);
      expect(r.code, r.stderr).toBe(0);
      const built = contents(path.join(root, 'dist'));
      expect(Object.keys(built)).toContain('index.html');
      // The output folder's marker is the build's own business: everything else is sent, it is not.
      expect(Object.keys(built)).toContain('.solarpress-output');
      delete built['.solarpress-output'];
      expect(contents(path.join(board, 'current'))).toEqual(built);
      expect(r.stderr + r.stdout).toMatch(/live: .*current → releases\//);
    } finally {
      removeSite(root);
    }
  });

  it('`solarpress deploy` publishes release-effort siblings where a plain build left edit effort; a plain build after it keeps them', () => {
    const board = path.join(mkdtempSync(path.join(work, 'release-')), 'www');
    // An article long enough that brotli 5 (edit) and 11 (release) write different bytes for the feed that carries it.
    let body = '';
    for (let i = 0; i < 400; i++) body += `Day ${i}: the panel gave ${(i * 37) % 251} Wh and the battery held ${(i * 13) % 97} %.\n\n`;
    const root = tempSite({
      'site.config.ts': cliConfig(board),
      'content/articles/log.md': `---\ntitle: The log\ndate: 2021-05-01\n---\n\n${body}`,
    });
    const brotli = (data: Buffer, quality: number) =>
      brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_LGWIN]: 22, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
    const feed = (dir: string) => readFileSync(path.join(dir, 'feed.xml'));
    const feedBr = (dir: string) => readFileSync(path.join(dir, 'feed.xml.br'));
    try {
      const plain = runCli(root, ['build']);
      expect(plain.code, plain.stderr).toBe(0);
      const dist = path.join(root, 'dist');
      expect(feedBr(dist).equals(brotli(feed(dist), 5))).toBe(true);
      expect(plain.stdout + plain.stderr).toMatch(/\d+ files? at edit effort: solarpress deploy and build --release bring (it|them) to release effort/);

      const r = runCli(root, ['deploy', ...sshOptions]);
      expect(r.code, r.stderr).toBe(0);
      const live = path.join(board, 'current');
      expect(feedBr(live).equals(brotli(feed(live), 11))).toBe(true);
      expect(brotliDecompressSync(feedBr(live)).equals(feed(live))).toBe(true);
      expect(gunzipSync(readFileSync(path.join(live, 'feed.xml.gz'))).equals(feed(live))).toBe(true);
      expect(r.stdout + r.stderr).not.toMatch(/at edit effort:/);

      // A page the feeds do not carry changes: the plain build keeps the feed's release siblings.
      writeFileSync(path.join(root, 'content/pages/about.md'), `${readFileSync(path.join(root, 'content/pages/about.md'), 'utf8')}\nOne more line.\n`);
      const after = runCli(root, ['build']);
      expect(after.code, after.stderr).toBe(0);
      expect(feed(dist).equals(feed(live))).toBe(true);
      expect(feedBr(dist).equals(feedBr(live))).toBe(true);
    } finally {
      removeSite(root);
    }
  });

  it('replaces a current whose release was deleted by hand', async () => {
    const { root, board } = project(site);
    expect((await deploy(root, board, ['--no-build'])).code).toBe(0);
    rmSync(path.join(board, live(board)), { recursive: true });
    const r = await deploy(root, board, ['--no-build']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(board, 'current/index.html'), 'utf8')).toBe(site['index.html']);
  });

  it('rejects bad command lines with exit 2 and answers --help', async () => {
    const { root, board } = project(site);
    expect((await deploy(root, board, ['--frobnicate'])).code).toBe(2);
    const badPort = await deploy(root, board, ['--port', 'twenty-two']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port wants a whole number/);
    expect((await deploy(root, board, ['--keep', '0'])).code).toBe(2);
    const help = await deploy(root, board, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--rollback/);
    expect(existsSync(board)).toBe(false);
  });
});

/** The pid of a direct child of this process with that command name. */
function childNamed(name: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m && m[1] === name && Number(m[2]) === process.pid) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** A release big enough to take a while at a low --bwlimit: incompressible 16 KiB files. */
function bigRelease(files: number): Record<string, Buffer | string> {
  const big: Record<string, Buffer | string> = { 'index.html': 'the big release' };
  for (let i = 0; i < files; i++) big[`media/photo-${String(i).padStart(3, '0')}.png`] = randomBytes(16 * 1024);
  return big;
}

/** Waits until an upload has written a few files into releases/.incoming-*. */
async function uploadStarted(board: string): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    const releasesDir = path.join(board, 'releases');
    const dir = existsSync(releasesDir) ? readdirSync(releasesDir).find((n) => n.startsWith('.incoming-')) : undefined;
    const media = dir ? path.join(releasesDir, dir, 'media') : '';
    if (media && existsSync(media) && readdirSync(media).length >= 5) return true;
    await sleep(50);
  }
  return false;
}

/** Every process whose command line names `text` (the board's path: local rsync and ssh, the board's rsync). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(text)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** Polls until `list()` is empty (the board's side ends a moment after its connection), at most 10 s. */
async function noneLeft(list: () => string[]): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    if (list().length === 0) return [];
    await sleep(100);
  }
  return list();
}

/** site.config.ts of a project deploying to `board` over the test's sshd. */
function cliConfig(board: string): string {
  const deploySection = { host: '127.0.0.1', port, user, path: board, key: path.join(work, 'user_key'), keep: 2 };
  return `export default {
  title: 'Fixture',
  url: 'https://example.org',
  author: { name: 'Tester' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  deploy: ${JSON.stringify(deploySection)},
};
`;
}
