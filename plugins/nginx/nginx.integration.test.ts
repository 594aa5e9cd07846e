/**
 * The generated config in a real nginx: rendered standalone for 127.0.0.1 with a self-signed
 * certificate, a small site precompressed by the precompress plugin, probed with curl.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/types.ts';
import { requireTools } from '../../test/support/tools.ts';
import { precompressDir, precompressSchema } from '../precompress/index.ts';
import { PRECOMPRESS_VERSION, STORE } from '../precompress/precompress.ts';
import { FileCache } from '../../src/cache/file-cache.js';
import { CSS_URL, writeFixtureSite, type FixtureSite } from './fixture.ts';
import { curl, freePorts, nginxTest, selfSignedCertificate, startNginx, type RunningNginx } from './harness.ts';
import nginx, { serverSchema, type ServerOptionsInput } from './index.ts';

const ok = requireTools('nginx', 'openssl', 'curl');
// Debian's own nginx.conf (package nginx-common): the board's layout.
const debianNginx = requireTools('/etc/nginx/nginx.conf');

/** Render through the real command, as an admin would: config section + flags. */
async function render(section: ServerOptionsInput, args: string[]): Promise<void> {
  const command = nginx.definition.setup(serverSchema.parse(section), { url: 'https://homebrewserver.club' } as never).commands![0];
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

/** A feed over the precompress plugin's large-file size: its .gz is written in parts (precompress/gzip-parts.ts). */
const LARGE_FEED = 'large-feed.xml';
function largeFeed(): string {
  let xml = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n';
  for (let i = 0; xml.length < 1.5 * 1024 * 1024; i++) {
    xml += `<item><title>Log ${i}</title><description>The panel gave ${(i * 37) % 251} Wh, the battery held ${(i * 13) % 97} % at ${(i * 7) % 24}:00.</description></item>\n`;
  }
  return `${xml}</channel></rss>\n`;
}

describe.skipIf(!ok)('generated nginx config, served by real nginx', () => {
  let dir: string;
  let fx: FixtureSite;
  let http: number;
  let https: number;
  let server: RunningNginx | undefined;
  let legacy: RunningNginx | undefined;
  let legacyHttp: number;
  let legacyHttps: number;
  let standalone: string;
  let siteFile: string;
  let cert: string;
  let key: string;
  const H = () => `https://127.0.0.1:${https}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'solarpress-nginx-'));
    // nginx started as root runs its workers as nobody: they must be able to read the site.
    chmodSync(dir, 0o755);
    fx = writeFixtureSite(dir);
    writeFileSync(join(fx.root, LARGE_FEED), largeFeed());
    await precompressDir({
      outputDir: fx.root,
      store: new FileCache(join(dir, 'cache')).store(STORE, PRECOMPRESS_VERSION),
      options: precompressSchema.parse({ zopfliIterations: 5, workers: 2 }),
    });
    ({ cert, key } = await selfSignedCertificate(dir));
    [http, https, legacyHttp, legacyHttps] = await freePorts(4);

    const section: ServerOptionsInput = { acmeRoot: fx.acmeRoot, accessLog: 'anonymized' };
    const common = ['--server-name', 'localhost', '--listen', '127.0.0.1', '--root', fx.root, '--api-dir', join(fx.root, 'api'), '--cert', cert, '--key', key];
    standalone = join(dir, 'nginx.conf');
    await render(section, [...common, '--http-port', String(http), '--https-port', String(https), '--standalone', '--prefix', dir, '--out', standalone]);
    siteFile = join(dir, 'site.conf');
    await render(section, [...common, '--out', siteFile]);

    server = await startNginx(dir, standalone, https);

    // A second instance with the legacy profile and plain HTTP: shows the TLS 1.1 refusal above is the profile's doing.
    const legacyDir = join(dir, 'legacy');
    const legacyConf = join(dir, 'legacy.conf');
    mkdirSync(legacyDir, { mode: 0o755 });
    await render({ ...section, tls: 'legacy', plainHttp: true }, [
      ...common, '--http-port', String(legacyHttp), '--https-port', String(legacyHttps), '--standalone', '--prefix', legacyDir, '--out', legacyConf,
    ]);
    legacy = await startNginx(legacyDir, legacyConf, legacyHttps);
  });

  afterAll(async () => {
    await server?.stop();
    await legacy?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nginx -t accepts the standalone file and the site file inside a minimal http block', async () => {
    await expect(nginxTest(dir, standalone)).resolves.toMatch(/test is successful/);
    const wrapper = join(dir, 'wrapper.conf');
    const brotli = readFileSync(standalone, 'utf8').match(/^load_module .*;$/m)?.[0] ?? '';
    writeFileSync(
      wrapper,
      `pid ${dir}/t.pid;\nerror_log ${dir}/t.log;\n${brotli}\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include ${siteFile};\n}\n`,
    );
    await expect(nginxTest(dir, wrapper)).resolves.toMatch(/test is successful/);
  });

  it.skipIf(!debianNginx)("nginx -t accepts the production site file under Debian's own nginx.conf", async () => {
    // The board's layout: Debian's nginx.conf including the site file from sites-enabled/, default listen/ports/paths.
    const production = join(dir, 'production.conf');
    await render({}, ['--cert', cert, '--key', key, '--out', production]);
    const debian = readFileSync('/etc/nginx/nginx.conf', 'utf8')
      .replace(/include \/etc\/nginx\/sites-enabled\/\*;/, `include ${production};`)
      .replace(/^pid .*;$/m, `pid ${dir}/debian.pid;`)
      .replace(/^error_log .*;$/m, `error_log ${dir}/debian-error.log;`)
      .replace(/access_log \/var\/log\/nginx\/access\.log;/, `access_log ${dir}/debian-access.log;`);
    expect(debian).toContain(`include ${production};`);
    const conf = join(dir, 'debian-nginx.conf');
    writeFileSync(conf, debian);
    // Debian's compiled-in prefix: its modules-enabled/ files load `modules/…` relative to it.
    await expect(nginxTest('/usr/share/nginx/', conf)).resolves.toMatch(/test is successful/);
  });

  it('redirects HTTP to HTTPS with 301, but serves ACME challenges from the webroot', async () => {
    const redirect = await curl(`http://127.0.0.1:${http}/low-tech-website/?x=1`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://localhost:${https}/low-tech-website/?x=1`);

    const challenge = await curl(`http://127.0.0.1:${http}/.well-known/acme-challenge/${fx.acmeToken}`);
    expect(challenge.status).toBe(200);
    expect(challenge.body.toString()).toBe(`${fx.acmeToken}.thumbprint\n`);
    expect(challenge.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('negotiates HTTP/2', async () => {
    const r = await curl(`${H()}/`, ['--http2']);
    expect(r.status).toBe(200);
    expect(r.httpVersion).toBe('2');
  });

  it('serves the precompressed .gz and .br files as they are', async () => {
    const file = join(fx.root, 'low-tech-website', 'index.html');
    const gz = await curl(`${H()}/low-tech-website/`, ['-H', 'Accept-Encoding: gzip']);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.equals(readFileSync(`${file}.gz`))).toBe(true);
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);

    const br = await curl(`${H()}/low-tech-website/`, ['-H', 'Accept-Encoding: gzip, deflate, br']);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.equals(readFileSync(`${file}.br`))).toBe(true);

    const css = await curl(`${H()}${CSS_URL}`, ['-H', 'Accept-Encoding: br']);
    expect(css.headers['content-encoding']).toBe('br');
    expect(css.body.equals(readFileSync(join(fx.root, `${CSS_URL}.br`)))).toBe(true);

    const plain = await curl(`${H()}/low-tech-website/`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(readFileSync(file))).toBe(true);
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves a large file\'s .gz made of parts, which curl decodes to the file', async () => {
    const file = join(fx.root, LARGE_FEED);
    const gz = await curl(`${H()}/${LARGE_FEED}`, ['-H', 'Accept-Encoding: gzip']);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.equals(readFileSync(`${file}.gz`))).toBe(true);
    const decoded = await curl(`${H()}/${LARGE_FEED}`, ['-H', 'Accept-Encoding: gzip', '--compressed']);
    expect(decoded.exitCode).toBe(0);
    expect(decoded.headers['content-encoding']).toBe('gzip');
    expect(decoded.body.equals(readFileSync(file))).toBe(true);
  });

  it('sets cache lifetimes per type', async () => {
    const cc = async (path: string) => (await curl(`${H()}${path}`)).headers['cache-control'];
    expect(await cc('/low-tech-website/')).toBe('public, max-age=86400');
    expect(await cc('/')).toBe('no-cache');
    expect(await cc(CSS_URL)).toBe('public, max-age=31536000, immutable');
    expect(await cc('/feed.xml')).toBe('public, max-age=3600');
    expect(await cc('/feed.json')).toBe('public, max-age=3600');
    expect(await cc('/api/stats.json')).toBe('no-cache');
  });

  it('does not let anything cache /api/stats.json, and still compresses it', async () => {
    const r = await curl(`${H()}/api/stats.json`, ['-H', 'Accept-Encoding: gzip']);
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers.expires).toBeUndefined();
    expect(r.headers['content-encoding']).toBe('gzip');
  });

  it('sends HSTS and the security headers, without the nginx version', async () => {
    const r = await curl(`${H()}/low-tech-website/`);
    expect(r.headers['strict-transport-security']).toBe('max-age=63072000');
    expect(r.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(r.headers['content-security-policy']).not.toMatch(/https?:|\*/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers.server).toBe('nginx');
  });

  it('answers unknown pages with the site\'s 404 page', async () => {
    const r = await curl(`${H()}/no/such/page/`);
    expect(r.status).toBe(404);
    expect(r.body.toString()).toBe(readFileSync(join(fx.root, '404.html'), 'utf8'));
    expect(r.headers['strict-transport-security']).toBeDefined();
    expect(r.headers['cache-control']).toBeUndefined();
    // Dead links leave no trace (with the visitor's address) in the error log.
    expect(existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '').not.toContain('/no/such/page/');
  });

  it('refuses dotfiles, but not /.well-known/', async () => {
    expect((await curl(`${H()}/.secret`)).status).toBe(403);
    expect((await curl(`${H()}/.git/config`)).status).toBe(403);
    expect((await curl(`${H()}/.well-known/nothing-here`)).status).toBe(404);
  });

  it('accepts only GET and HEAD', async () => {
    expect((await curl(`${H()}/`, ['-I'])).status).toBe(200);
    expect((await curl(`${H()}/`, ['-X', 'POST', '-d', 'x=1'])).status).toBe(405);
    expect((await curl(`${H()}/api/stats.json`, ['-X', 'PUT', '-d', '{}'])).status).toBe(405);
    expect((await curl(`http://127.0.0.1:${http}/`, ['-X', 'DELETE'])).status).toBe(405);
  });

  it('redirects a directory without its slash relatively', async () => {
    const r = await curl(`${H()}/low-tech-website`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/low-tech-website/');
  });

  it('refuses TLS 1.1 but speaks TLS 1.2 and 1.3', async () => {
    // The client is allowed TLS 1.1 (SECLEVEL=0): a refusal is the server's.
    const old = await curl(`${H()}/`, ['--tlsv1.1', '--tls-max', '1.1', '--ciphers', 'DEFAULT@SECLEVEL=0']);
    expect(old.exitCode).not.toBe(0);
    expect((await curl(`${H()}/`, ['--tlsv1.2', '--tls-max', '1.2'])).status).toBe(200);
    expect((await curl(`${H()}/`, ['--tlsv1.3'])).status).toBe(200);
  });

  it('the legacy profile accepts TLS 1.1 and plainHttp serves the site over HTTP', async () => {
    const old = await curl(`https://127.0.0.1:${legacyHttps}/`, ['--tlsv1.1', '--tls-max', '1.1', '--ciphers', 'DEFAULT@SECLEVEL=0']);
    expect(old.exitCode).toBe(0);
    expect(old.status).toBe(200);
    const plain = await curl(`http://127.0.0.1:${legacyHttp}/low-tech-website/`, ['-H', 'Accept-Encoding: gzip']);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('logs requests without IP addresses, on both servers', async () => {
    await curl(`${H()}/feed.xml`);
    await curl(`http://127.0.0.1:${http}/redirect-me`);
    const log = readFileSync(join(dir, 'access.log'), 'utf8');
    expect(log).toContain('"GET /feed.xml HTTP/2.0" 200');
    expect(log).not.toContain('127.0.0.1');
    expect(log).toMatch(/^127\.0\.0\.0 \[/m);
    expect(log).toContain('"GET /redirect-me HTTP/1.1" 301');
  });

  it('the standalone config starts as an ordinary user', async () => {
    // Run as nobody when the tests run as root; as the current user otherwise.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
    const prefix = join(dir, 'unprivileged');
    mkdirSync(prefix, { mode: 0o755 });
    // The key must be readable by that user; ports are high.
    const ownKey = join(prefix, 'key.pem');
    writeFileSync(ownKey, readFileSync(key), { mode: 0o600 });
    const [p1, p2] = await freePorts(2);
    const conf = join(prefix, 'nginx.conf');
    await render({ accessLog: 'anonymized', acmeRoot: fx.acmeRoot }, [
      '--listen', '127.0.0.1', '--root', fx.root, '--cert', cert, '--key', ownKey,
      '--http-port', String(p1), '--https-port', String(p2), '--standalone', '--prefix', prefix, '--out', conf,
    ]);
    if (user) {
      chownSync(prefix, user.uid, user.gid);
      chownSync(ownKey, user.uid, user.gid);
      chownSync(conf, user.uid, user.gid);
    }
    const unprivileged = await startNginx(prefix, conf, p2, user);
    try {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${unprivileged.masterPid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).toBe(user?.uid ?? process.getuid?.());
      expect(Number(uid)).not.toBe(0);
      const r = await curl(`https://127.0.0.1:${p2}/low-tech-website/`, ['-H', 'Accept-Encoding: br']);
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect((await curl(`http://127.0.0.1:${p1}/`)).status).toBe(301);
      // Everything nginx wrote is under the prefix.
      expect(existsSync(join(prefix, 'nginx.pid'))).toBe(true);
      expect(readFileSync(join(prefix, 'access.log'), 'utf8')).toContain('/low-tech-website/');
    } finally {
      await unprivileged.stop();
    }
  });
});
