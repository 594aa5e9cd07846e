/**
 * A second `npm run dev` while one runs: it says so before building anything and offers the next
 * free port (printed as the command to run when not on a terminal), then exits 1.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../plugins/nginx/harness.ts';
import { CLI, runCliAsync } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const newSite = tempSites();

describe('a second preview on a taken port', () => {
  it('names the running preview, or the other program, and offers the next free port before building', async () => {
    const root = newSite();
    const [port, otherPort] = await freePorts(2);
    const first = spawn(process.execPath, [CLI, 'dev', '--port', String(port)], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk;
          if (output.includes('previewing on')) resolve();
        };
        first.stdout.on('data', onData);
        first.stderr.on('data', onData);
        first.once('exit', (code) => reject(new Error(`the first preview exited ${code}:\n${output}`)));
      });

      const second = await runCliAsync(root, ['dev', '--port', String(port)]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`a solarpress preview is already running on http://127.0.0.1:${port}/`);
      const offered = /Port (\d+) is free: npm run dev -- --port (\d+)/.exec(second.stderr);
      expect(offered, second.stderr).not.toBeNull();
      expect(Number(offered![1])).toBeGreaterThan(port);
      // Before building: no build ran, nothing was served.
      expect(second.stdout + second.stderr).not.toMatch(/rebuilt|previewing on/);
    } finally {
      first.kill('SIGTERM');
    }

    // Another program: accepts, reads and never answers.
    const other = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => other.listen(otherPort, '127.0.0.1', resolve));
    try {
      const blocked = await runCliAsync(root, ['dev', '--port', String(otherPort)]);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain(`port ${otherPort} on 127.0.0.1 is used by another program`);
      expect(blocked.stderr).toMatch(/npm run dev -- --port \d+/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  }, 180_000);
});

describe('a port or address the preview cannot listen on', () => {
  it('is named before building, for dev and serve alike: no internal error', async () => {
    const root = newSite({ 'dist/index.html': '<p>built</p>' });
    for (const [args, code, message] of [
      [['dev', '--port', '99999'], 2, /--port must be between 1 and 65535 \(got 99999\)/],
      [['dev', '--port', '0'], 2, /--port must be between 1 and 65535 \(got 0\)/],
      [['dev', '--host', 'no-such-host.invalid'], 1, /cannot listen on no-such-host\.invalid port 4000: no such host\n.*--host, or dev\.host/],
      [['serve', '--host', 'no-such-host.invalid'], 1, /cannot listen on no-such-host\.invalid port 8080: no such host/],
    ] as const) {
      const run = await runCliAsync(root, [...args]);
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
      expect(run.stdout + run.stderr).not.toMatch(/previewing on|serving/);
    }
  }, 60_000);
});
