/**
 * The deploy command's pieces that need no board: flags and config, quoting, rsync's itemized lines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coreSchema, type ResolvedConfig } from '../src/config.ts';
import { DeployError, DeployUsageError } from '../src/deploy/errors.ts';
import { parseDeployFlags, resolveDeployOptions, type DeployOptions } from '../src/deploy/options.ts';
import { RELEASE_PATTERN, releaseId, parseRemoteOutput } from '../src/deploy/remote.ts';
import { parseItemized, rsyncArgs } from '../src/deploy/rsync.ts';
import { rsyncShell, shellQuote, sshFailure } from '../src/deploy/ssh.ts';

const root = mkdtempSync(path.join(tmpdir(), 'deploy-units-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function config(deploy: Record<string, unknown>): ResolvedConfig {
  const core = coreSchema.parse({
    title: 'HBSC',
    url: 'https://homebrewserver.club',
    author: { name: 'HBSC' },
    license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
    deploy,
  });
  return { ...core, root, pluginOptions: {} };
}

const resolve = (args: string[], deploy: Record<string, unknown> = { host: 'board.local' }) =>
  resolveDeployOptions(parseDeployFlags(args).flags, config(deploy));

describe('deploy options', () => {
  it('takes the config section and lets flags override it', () => {
    writeFileSync(path.join(root, 'id_board'), 'not really a key');
    const fromConfig = resolve([], { host: 'solar.example', user: 'hbsc', port: 2222, path: '/srv/site/', key: 'id_board', keep: 3 });
    expect(fromConfig).toMatchObject({ host: 'solar.example', user: 'hbsc', port: 2222, path: '/srv/site', key: path.join(root, 'id_board'), keep: 3, build: true, dryRun: false });
    const flagged = resolve(['--host', 'other', '--user', 'admin', '--port', '22', '--path', '/var/www/x', '--keep', '9', '--no-build', '-n'], { host: 'solar.example', user: 'hbsc', port: 2222 });
    expect(flagged).toMatchObject({ host: 'other', user: 'admin', port: 22, path: '/var/www/x', keep: 9, build: false, dryRun: true });
  });

  it('refuses what would reach ssh or the remote shell as something else', () => {
    const refused = (args: string[], deploy?: Record<string, unknown>) => {
      try {
        resolve(args, deploy);
      } catch (error) {
        return error as DeployError;
      }
      throw new Error(`accepted ${args.join(' ')}`);
    };
    expect(refused(['--host=-oProxyCommand=touch /tmp/x']).message).toMatch(/--host: .* is not a host name/);
    expect(refused([], { host: '-oProxyCommand=x' }).message).toMatch(/deploy\.host in site\.config\.ts: .* is not a host name/);
    expect(refused([], { host: 'ok', user: 'a b' }).message).toMatch(/deploy\.user in site\.config\.ts: "a b" is not a user name/);
    for (const bad of ['relative/path', '/var/www/$(reboot)', "/var/www/it's", '/', '/var/www/../etc', '/var/www/a b']) {
      expect(refused(['--path', bad]).message, bad).toMatch(/--path: .* must be an absolute directory/);
    }
    expect(refused([], { host: '' }).message).toMatch(/deploy\.host is empty/);
  });

  it('reports usage errors as such (exit 2)', () => {
    for (const args of [['--nope'], ['--port', '0'], ['--port', '70000'], ['--keep', 'many'], ['--bwlimit', '-1'], ['extra'], ['--ssh-option', 'no-equals']]) {
      expect(() => parseDeployFlags(args), args.join(' ')).toThrow(DeployUsageError);
    }
  });
});

describe('deploy quoting', () => {
  const options = (o: Partial<DeployOptions>): DeployOptions => ({ host: 'h', user: 'u', port: 22, path: '/p', keep: 5, build: true, dryRun: false, rollback: false, sshOptions: [], ...o });

  it('quotes words for the remote shell so they arrive as they were', () => {
    for (const word of ['plain', 'with space', "it's", '$(reboot)', '`id`', 'a"b', '']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
    }
  });

  it('passes a key path with spaces to rsync’s ssh intact', () => {
    const e = rsyncShell(options({ key: '/home/me/my keys/id', port: 2222, sshOptions: ['UserKnownHostsFile=/dev/null'] }));
    expect(e).toBe("ssh -p 2222 -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=15 -i '/home/me/my keys/id' -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null");
    expect(rsyncArgs(options({ bwlimit: 100 }))).toEqual(expect.arrayContaining(['--checksum', '--compress', '--exclude=/api', '--bwlimit=100']));
    expect(rsyncArgs(options({}))).not.toContain('--times');
  });
});

describe('rsync itemized output', () => {
  it('reads new, changed and deleted files and skips the rest', () => {
    expect(parseItemized('<f+++++++++ media/photo.png')).toEqual({ kind: 'new', path: 'media/photo.png' });
    expect(parseItemized('cd+++++++++ guides/new/')).toEqual({ kind: 'new', path: 'guides/new/' });
    expect(parseItemized('<fcs....... index.html')).toEqual({ kind: 'changed', path: 'index.html' });
    expect(parseItemized('*deleting   old page/index.html')).toEqual({ kind: 'deleted', path: 'old page/index.html' });
    expect(parseItemized('.d..t...... ./')).toBeUndefined();
    expect(parseItemized('.f...p..... assets/x.css')).toBeUndefined();
    expect(parseItemized('sending incremental file list')).toBeUndefined();
  });
});

describe('releases', () => {
  it('names releases so that names sort by time', () => {
    const a = releaseId(new Date('2026-11-23T19:00:00.000Z'));
    const b = releaseId(new Date('2026-11-23T19:00:00.001Z'));
    const c = releaseId(new Date('2027-01-01T00:00:00.000Z'));
    expect([c, b, a].sort()).toEqual([a, b, c]);
    for (const id of [a, b, c]) expect(id).toMatch(RELEASE_PATTERN);
    expect(parseRemoteOutput('stale=.incoming-1\ncurrent=\npruned=a\npruned=b\nnoise')).toEqual(
      new Map([['stale', ['.incoming-1']], ['current', ['']], ['pruned', ['a', 'b']]]),
    );
  });

  it('tells connection, key and host-key failures apart', () => {
    const o = options();
    const fail = (stderr: string) => sshFailure({ code: 255, signal: null, stdout: '', stderr }, o)?.message;
    expect(fail('ssh: connect to host h port 22: Connection refused\n')).toMatch(/cannot reach the board/);
    expect(fail('ssh: Could not resolve hostname h: Name or service not known\n')).toMatch(/cannot reach the board/);
    expect(fail('u@h: Permission denied (publickey).\n')).toMatch(/refused the ssh login/);
    expect(fail('Host key verification failed.\n')).toMatch(/does not trust the board's host key/);
    expect(sshFailure({ code: 3, signal: null, stdout: '', stderr: 'solarpress-remote: no release' }, o)).toBeUndefined();

    function options(): DeployOptions {
      return { host: 'h', user: 'u', port: 22, path: '/p', keep: 5, build: true, dryRun: false, rollback: false, sshOptions: [] };
    }
  });
});

describe('the CLI', () => {
  it('finds the deploy command and prints its help', async () => {
    const { main } = await import('../src/cli.ts');
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      expect(await main(['deploy', '--help'], root)).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(chunks.join('')).toMatch(/Usage: solarpress deploy/);
  });
});
