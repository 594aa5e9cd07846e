/**
 * Low-power mode in a real nginx: the flags the board's stats script writes in the /api/ folder
 * switch what is served while nginx keeps running (no reload), and a flag flipping during a stream
 * of requests never gives a half answer.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../test/support/tools.ts';
import { CSS_URL, writeFixtureSite, type FixtureSite } from './fixture.ts';
import { curl, freePorts, renderThroughCommand, selfSignedCertificate, startNginx, type RunningNginx } from './harness.ts';
import { LOW_POWER_FLAG, TEXT_ONLY_FLAG } from './power-mode.ts';

const execFileAsync = promisify(execFile);
const ok = requireTools('nginx', 'openssl', 'curl');

const IMAGE = '/media/power-chain.3a9f0c21.png';
const JS = '/assets/solar.5e1d2c3b.js';
const CHART = '/api/power-history.svg';

describe.skipIf(!ok)('low-power mode, served by real nginx', () => {
  let dir: string;
  let fx: FixtureSite;
  let api: string;
  let https: number;
  let server: RunningNginx | undefined;
  const url = (path: string) => `https://127.0.0.1:${https}${path}`;
  const image = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 31) % 256));

  const setFlag = (name: string, on: boolean) => {
    // As the stats script does: a temporary file renamed into place, removed with rm.
    if (on) {
      writeFileSync(join(api, '.flag.tmp'), 'battery below threshold\n');
      renameSync(join(api, '.flag.tmp'), join(api, name));
    } else rmSync(join(api, name), { force: true });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solarpress-power-mode-'));
    chmodSync(dir, 0o755);
    fx = writeFixtureSite(dir);
    api = join(dir, 'api');
    mkdirSync(api);
    mkdirSync(join(fx.root, 'media'));
    writeFileSync(join(fx.root, IMAGE), image);
    writeFileSync(join(fx.root, JS), 'document.documentElement.dataset.js = "1";\n');
    writeFileSync(join(api, 'power-history.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n');
    writeFileSync(join(api, 'battery.css'), ':root{--battery-level:24%}\n');
    const { cert, key } = await selfSignedCertificate(dir);
    let http: number;
    [http, https] = await freePorts(2);
    const conf = join(dir, 'nginx.conf');
    await renderThroughCommand({ acmeRoot: fx.acmeRoot }, [
      '--server-name', 'localhost', '--listen', '127.0.0.1', '--root', fx.root, '--api-dir', api, '--cert', cert, '--key', key,
      '--http-port', String(http), '--https-port', String(https), '--standalone', '--prefix', dir, '--out', conf,
    ]);
    server = await startNginx(dir, conf, https);
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Status of each path, in one go. */
  async function statuses(paths: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of paths) out[p] = (await curl(url(p))).status;
    return out;
  }
  const all = ['/', '/low-tech-website/', CSS_URL, '/feed.xml', '/feed.json', '/api/battery.css', CHART, JS, IMAGE];

  it('switches normal -> low power -> text only -> normal while nginx runs, without a reload', async () => {
    const pid = server!.masterPid;
    expect(await statuses(all)).toEqual(Object.fromEntries(all.map((p) => [p, 200])));
    const served = await curl(url(IMAGE));
    expect(served.body.equals(image)).toBe(true);

    setFlag(LOW_POWER_FLAG, true);
    expect(await statuses(all)).toEqual({ ...Object.fromEntries(all.map((p) => [p, 200])), [IMAGE]: 503 });
    // The refusal is not cached, and carries the security headers; pages are kept longer.
    const refused = await curl(url(IMAGE));
    expect(refused.headers['cache-control']).toBeUndefined();
    expect(refused.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect((await curl(url('/'))).headers['cache-control']).toBe('public, max-age=21600');
    expect((await curl(url('/feed.xml'))).headers['cache-control']).toBe('public, max-age=21600');
    expect((await curl(url('/low-tech-website/index.html'))).headers['cache-control']).toBe('public, max-age=86400');
    expect((await curl(url('/api/battery.css'))).headers['cache-control']).toBe('no-cache');

    setFlag(TEXT_ONLY_FLAG, true);
    expect(await statuses(all)).toEqual({ ...Object.fromEntries(all.map((p) => [p, 200])), [IMAGE]: 503, [CHART]: 503, [JS]: 503 });

    setFlag(TEXT_ONLY_FLAG, false);
    setFlag(LOW_POWER_FLAG, false);
    expect(await statuses(all)).toEqual(Object.fromEntries(all.map((p) => [p, 200])));
    expect((await curl(url('/'))).headers['cache-control']).toBe('no-cache');
    // The same master process throughout: nothing was reloaded.
    expect(server!.masterPid).toBe(pid);
    expect(server!.process.exitCode).toBeNull();
  });

  it('gives whole answers while the flag flips under a stream of requests', async () => {
    const page = readFileSync(join(fx.root, 'low-tech-website', 'index.html'));
    const rounds = 150;
    // The board's side: the flag created (renamed into place) and removed, again and again.
    const flipper = execFileAsync('sh', [
      '-c',
      `i=0; while [ $i -lt ${rounds * 2} ]; do echo low > "$1/.f"; mv -f "$1/.f" "$1/${LOW_POWER_FLAG}"; rm -f "$1/${LOW_POWER_FLAG}"; i=$((i+1)); done`,
      'flip',
      api,
    ]);
    // The readers' side: the image and the page, fetched over and over (one curl, many URLs).
    const urls = Array.from({ length: rounds }, () => [url(IMAGE), url('/low-tech-website/')]).flat();
    const reader = execFileAsync(
      'curl',
      ['-sk', '-w', '%{http_code} %{size_download}\\n', ...urls.flatMap((u) => ['-o', '/dev/null', u])],
      { maxBuffer: 1 << 22 },
    );
    const [{ stdout }] = await Promise.all([reader, flipper]);
    const answers = stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
    expect(answers).toHaveLength(rounds * 2);
    answers.forEach(([status, size], i) => {
      if (i % 2 === 0) {
        // The image: all of it, or refused; never a part.
        expect([`200 ${image.length}`, '503'].some((a) => `${status} ${size}`.startsWith(a)), `${status} ${size}`).toBe(true);
      } else {
        expect(`${status} ${size}`).toBe(`200 ${page.length}`);
      }
    });
  });
});
