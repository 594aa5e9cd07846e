/**
 * `solarpress serve` through the real command, probed with curl: precompressed siblings, the nginx
 * plugin's headers, the 404 page, redirects, and addresses that try to leave the folder. Then the
 * same requests against the generated nginx config in a real nginx: the answers must agree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, freePorts, selfSignedCertificate, startNginx, type RunningNginx } from '../plugins/nginx/harness.ts';
import { DEFAULT_CSP } from '../plugins/nginx/options.ts';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { CLI, removeSite, runCli, tempSite } from './support/site.ts';
import { requireTools } from './support/tools.ts';

const ok = requireTools('curl');
const withNginx = ok && requireTools('nginx', 'openssl');

/** Start `solarpress serve` and wait for its "serving … on" line. */
async function startServe(root: string, args: string[]): Promise<{ child: ChildProcess; url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const m = /serving .* on (http:\/\/\S+) /.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    url: url.replace(/\/$/, ''),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe.skipIf(!ok)('solarpress serve', () => {
  let root: string;
  let dist: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let nginx: RunningNginx | undefined;
  let nginxUrl = '';
  let port: number;

  beforeAll(async () => {
    root = tempSite({
      'static/404.html': '<!doctype html><title>Not here</title><p>Nothing lives at this address.</p>\n'.repeat(4),
      'static/.well-known/security.txt': 'Contact: mailto:club@example.org\n',
      // A text type precompression leaves alone, big enough for nginx's on-the-fly gzip.
      'static/club.rss': `<rss version="2.0"><channel><title>Club</title>${'<item><title>Meeting</title></item>'.repeat(20)}</channel></rss>\n`,
    });
    await build({ root, log: createLogger({ quiet: true }) });
    dist = path.join(root, 'dist');
    // What solarpress never publishes, put there by hand: a dot-file and a link out of the folder.
    mkdirSync(path.join(dist, '.git'));
    writeFileSync(path.join(dist, '.git/config'), '[core]\n');
    symlinkSync('/etc/passwd', path.join(dist, 'passwd'));
    [port] = await freePorts(1);
    serve = await startServe(root, ['--port', String(port)]);
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await nginx?.stop();
    if (root) removeSite(root);
  });

  it('listens on 127.0.0.1 only, on the port asked for', () => {
    expect(serve.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('sends the .br or .gz sibling by Accept-Encoding, with Vary, and the file itself otherwise', async () => {
    const br = await curl(`${serve.url}/hello/`, ['-H', 'Accept-Encoding: gzip, deflate, br']);
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(br.body.equals(readFileSync(path.join(dist, 'hello/index.html.br')))).toBe(true);

    const gz = await curl(`${serve.url}/hello/`, ['-H', 'Accept-Encoding: gzip, br;q=0']);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.equals(readFileSync(path.join(dist, 'hello/index.html.gz')))).toBe(true);

    const identity = await curl(`${serve.url}/hello/`);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toBe('Accept-Encoding');
    expect(identity.body.equals(readFileSync(path.join(dist, 'hello/index.html')))).toBe(true);
    expect(Number(identity.headers['content-length'])).toBe(identity.body.length);

    const head = await curl(`${serve.url}/hello/`, ['-I']);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(identity.body.length));
    expect(head.body.toString()).not.toContain('<html');
  });

  it('sends the nginx config’s Cache-Control and security headers', async () => {
    const css = readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.css'))!;
    const expected: Record<string, string> = {
      '/': 'no-cache',
      '/hello/': 'public, max-age=86400',
      [`/assets/${css}`]: 'public, max-age=31536000, immutable',
      '/feed.xml': 'public, max-age=3600',
      '/robots.txt': 'public, max-age=86400',
      '/api/stats.json': 'no-cache',
    };
    for (const [url, cacheControl] of Object.entries(expected)) {
      const r = await curl(serve.url + url);
      expect(r.status, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe(cacheControl);
      expect(r.headers['content-security-policy'], url).toBe(DEFAULT_CSP);
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['strict-transport-security'], url).toBeUndefined();
    }
    const etag = (await curl(`${serve.url}/hello/`)).headers.etag;
    expect((await curl(`${serve.url}/hello/`, ['-H', `If-None-Match: ${etag}`])).status).toBe(304);
  });

  it('answers a missing page with the 404 page, a folder without its slash with a redirect', async () => {
    const missing = await curl(`${serve.url}/no/such/page/`);
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('Nothing lives at this address.');
    expect(missing.headers['cache-control']).toBeUndefined();
    expect(missing.headers['content-security-policy']).toBe(DEFAULT_CSP);

    const folder = await curl(`${serve.url}/hello?x=1`);
    expect(folder.status).toBe(301);
    expect(folder.headers.location).toBe('/hello/?x=1');
  });

  it('never leaves the folder: climbing addresses are refused, dot-files forbidden, links out not followed', async () => {
    for (const url of ['/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/hello/..%2f..%2f..%2fetc/passwd']) {
      const r = await curl(serve.url + url, ['--path-as-is']);
      expect(r.status, url).toBe(400);
      expect(r.body.toString(), url).not.toContain('root:');
    }
    expect((await curl(`${serve.url}/passwd`)).status).toBe(404);
    expect((await curl(`${serve.url}/.git/config`)).status).toBe(403);
    expect((await curl(`${serve.url}/.well-known/security.txt`)).status).toBe(200);
    // Within the folder, dots resolve as nginx resolves them.
    expect((await curl(`${serve.url}/assets/../hello/`, ['--path-as-is'])).status).toBe(200);
  });

  it('answers malformed addresses and other methods with 400 and 405, and keeps serving', async () => {
    for (const url of ['/%zz', '/%E0%A4%A', '/hello%00/']) expect((await curl(serve.url + url, ['--path-as-is'])).status, url).toBe(400);
    expect((await curl(`${serve.url}/`, ['-X', 'POST'])).status).toBe(405);
    expect((await curl(`${serve.url}/`)).status).toBe(200);
  });

  it('says so when the port is taken, offering the next free one, and refuses an unbuilt site', async () => {
    const busy = runCli(root, ['serve', '--port', String(port)]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use .*: try --port \\d+`));
    const unbuilt = runCli(root, ['serve', '--dir', path.join(root, 'nothing-here')]);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toContain("does not exist\n  → run 'npm run build' first");
  });

  it.skipIf(!withNginx)('answers as the generated nginx config does in a real nginx', async () => {
    chmodSync(root, 0o755); // nginx's workers run as nobody
    const [http, https] = await freePorts(2);
    const prefix = path.join(root, 'nginx');
    mkdirSync(prefix, { mode: 0o755 });
    const { cert, key } = await selfSignedCertificate(prefix);
    const conf = path.join(prefix, 'nginx.conf');
    const rendered = runCli(root, [
      'nginx', '--standalone', '--prefix', prefix, '--server-name', 'localhost', '--listen', '127.0.0.1',
      '--http-port', String(http), '--https-port', String(https), '--root', dist, '--api-dir', path.join(root, 'no-api'),
      '--cert', cert, '--key', key, '--out', conf,
    ]);
    expect(rendered.code, rendered.stderr).toBe(0);
    nginx = await startNginx(prefix, conf, https);
    nginxUrl = `https://127.0.0.1:${https}`;
    const css = readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.css'))!;
    const compared = ['content-type', 'cache-control', 'content-encoding', 'vary', 'content-security-policy', 'x-content-type-options', 'referrer-policy', 'location'];
    for (const [url, args] of [
      ['/', ['-H', 'Accept-Encoding: br']],
      ['/hello/', ['-H', 'Accept-Encoding: gzip']],
      ['/hello/', []],
      ['/hello', []],
      [`/assets/${css}`, ['-H', 'Accept-Encoding: br, gzip']],
      ['/feed.xml', ['-H', 'Accept-Encoding: gzip']],
      ['/robots.txt', []],
      ['/robots.txt', ['-H', 'Accept-Encoding: br']],
      ['/club.rss', ['-H', 'Accept-Encoding: gzip']],
      ['/club.rss', []],
      ['/no/such/page/', ['-H', 'Accept-Encoding: gzip, br']],
      ['/sitemap.xml', ['-H', 'Accept-Encoding: br']],
      ['/no/such/page/', []],
      ['/.git/config', []],
      ['/.well-known/security.txt', []],
    ] as const) {
      const ours = await curl(serve.url + url, [...args]);
      const theirs = await curl(nginxUrl + url, [...args]);
      expect(ours.status, url).toBe(theirs.status);
      // On-the-fly gzip may differ in its header bytes: compare what it holds.
      const bytes = (r: typeof ours) => (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body);
      if (ours.status === 200 || ours.status === 404) expect(bytes(ours).equals(bytes(theirs)), url).toBe(true);
      for (const header of compared) {
        if (ours.status === 403 && header === 'content-type') continue; // nginx's own error page is HTML
        expect(ours.headers[header], `${url} ${header}`).toBe(theirs.headers[header]);
      }
    }
  });
});
