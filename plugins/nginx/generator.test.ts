import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/types.ts';
import { printConf, directive, block, quoteArg } from './conf.ts';
import nginx, { renderSiteConfig, renderStandaloneConfig, resolveServerOptions, serverSchema } from './index.ts';
import type { ServerOptionsInput } from './options.ts';

function site(input: ServerOptionsInput = {}, brotliAvailable = true) {
  return resolveServerOptions(serverSchema.parse(input), { siteUrl: 'https://homebrewserver.club', brotliAvailable });
}

/** The text of the server block that listens on `port` (blocks are printed one directive per line). */
function serverBlock(conf: string, marker: string): string {
  const blocks = conf.split(/\n(?=    server \{|server \{)/);
  const found = blocks.find((b) => b.includes(marker));
  if (!found) throw new Error(`no server block with ${marker}`);
  return found;
}

const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe('conf printer', () => {
  it('quotes arguments nginx would split and keeps regex escapes', () => {
    expect(quoteArg('max-age=60')).toBe('max-age=60');
    expect(quoteArg('public, max-age=60')).toBe('"public, max-age=60"');
    expect(quoteArg("default-src 'self'")).toBe(`"default-src 'self'"`);
    expect(quoteArg('~^/a/.+\\.[0-9a-f]{8,}$')).toBe('"~^/a/.+\\.[0-9a-f]{8,}$"');
    expect(quoteArg('/\\.')).toBe('/\\.');
    expect(quoteArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteArg('')).toBe('""');
    expect(() => quoteArg('a\nb')).toThrow(/line break/);
  });

  it('prints nested blocks with comments above their directive', () => {
    const text = printConf([block('server', [], [directive('listen', [80], 'why 80'), block('location', ['/'], [directive('return', [204])])])]);
    expect(text).toBe('server {\n    # why 80\n    listen 80;\n    location / {\n        return 204;\n    }\n}\n');
  });
});

describe('renderSiteConfig', () => {
  it('defaults: names and paths from the site url and Let\'s Encrypt', () => {
    const conf = renderSiteConfig(site());
    const l = lines(conf);
    expect(l).toContain('server_name homebrewserver.club;');
    expect(l).toContain('ssl_certificate /etc/letsencrypt/live/homebrewserver.club/fullchain.pem;');
    expect(l).toContain('ssl_certificate_key /etc/letsencrypt/live/homebrewserver.club/privkey.pem;');
    expect(l).toContain('root /var/www/solarpress/current;');
    expect(l).toContain('alias /var/www/solarpress/api/;');
    expect(l).toContain('root /var/www/letsencrypt;');
    expect(l).toContain('listen 80;');
    expect(l).toContain('listen [::]:80;');
    expect(l).toContain('server_tokens off;');
    expect(l).toContain('charset utf-8;');
    expect(l).toContain('ssl_buffer_size 4k;');
    expect(l).toContain('access_log off;');
    expect(l).toContain('error_page 404 /404.html;');
    expect(l).toContain('log_not_found off;');
    expect(l).toContain('gzip_static on;');
    expect(l).toContain('gzip_vary on;');
    expect(l).toContain('add_header Strict-Transport-Security max-age=63072000 always;');
    expect(l).toContain('add_header X-Content-Type-Options nosniff always;');
    expect(conf).toMatch(/add_header Content-Security-Policy "default-src 'self';[^"]*" always;/);
  });

  it('api folder sits inside the root unless the root is a release symlink', () => {
    expect(renderSiteConfig(site({ root: '/srv/www/' }))).toContain('alias /srv/www/api/;');
    expect(renderSiteConfig(site({ root: '/srv/x', apiDir: '/run/stats' }))).toContain('alias /run/stats/;');
  });

  it('HTTP/2 syntax follows the nginx version', () => {
    for (const v of ['1.22.1', '1.25.0', '1.18']) {
      const l = lines(renderSiteConfig(site({ nginxVersion: v })));
      expect(l).toContain('listen 443 ssl http2;');
      expect(l).toContain('listen [::]:443 ssl http2;');
      expect(l).not.toContain('http2 on;');
    }
    for (const v of ['1.25.1', '1.26.3', '2.0']) {
      const l = lines(renderSiteConfig(site({ nginxVersion: v })));
      expect(l).toContain('listen 443 ssl;');
      expect(l).toContain('http2 on;');
      expect(l.some((x) => /listen .*http2/.test(x))).toBe(false);
    }
  });

  it('intermediate TLS by default, legacy on request', () => {
    const inter = lines(renderSiteConfig(site()));
    expect(inter).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(inter).toContain('ssl_prefer_server_ciphers off;');
    expect(inter.find((x) => x.startsWith('ssl_ciphers'))).not.toMatch(/SHA;|SHA:|3DES|DES-CBC3|SECLEVEL/);
    const legacy = lines(renderSiteConfig(site({ tls: 'legacy' })));
    expect(legacy).toContain('ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;');
    expect(legacy.find((x) => x.startsWith('ssl_ciphers'))).toMatch(/AES128-SHA:.*@SECLEVEL=0;$/);
    expect(legacy).toContain('ssl_prefer_server_ciphers on;');
  });

  it('redirects plain HTTP, except ACME challenges; plainHttp serves the site instead', () => {
    const redirect = serverBlock(renderSiteConfig(site()), 'listen 80;');
    expect(redirect).toContain('location ^~ /.well-known/acme-challenge/ {');
    expect(redirect).toContain('return 301 https://$server_name$request_uri;');
    expect(redirect).not.toContain('root /var/www/solarpress/current;');

    const otherPort = serverBlock(renderSiteConfig(site({ httpsPort: 8443 })), 'listen 80;');
    expect(otherPort).toContain('return 301 https://$server_name:8443$request_uri;');

    const plain = serverBlock(renderSiteConfig(site({ plainHttp: true })), 'listen 80;');
    expect(plain).not.toContain('return 301');
    expect(plain).toContain('location ^~ /.well-known/acme-challenge/ {');
    expect(plain).toContain('root /var/www/solarpress/current;');
    expect(plain).toContain('gzip_static on;');
    expect(plain).not.toContain('Strict-Transport-Security');
  });

  it('OCSP stapling only when asked', () => {
    const off = lines(renderSiteConfig(site()));
    expect(off).toContain('ssl_stapling off;');
    expect(off.some((x) => x.startsWith('resolver'))).toBe(false);
    const on = lines(renderSiteConfig(site({ ocspStapling: true, resolver: ['192.168.1.1'] })));
    expect(on).toContain('ssl_stapling on;');
    expect(on).toContain('ssl_stapling_verify on;');
    expect(on).toContain('ssl_trusted_certificate /etc/letsencrypt/live/homebrewserver.club/chain.pem;');
    expect(on).toContain('resolver 192.168.1.1 valid=300s;');
  });

  it('cache lifetimes follow the options', () => {
    const l = lines(renderSiteConfig(site({ htmlMaxAge: 600, feedMaxAge: 120 })));
    expect(l).toContain('~\\.html$ "public, max-age=600";');
    expect(l).toContain('~(?:\\.(?:xml|rss|atom)|/feed\\.json)$ "public, max-age=120";');
    expect(l).toContain('/index.html no-cache;');
    expect(l).toContain('~^/api/ no-cache;');
  });

  it('brotli_static only when the module is there or forced; HSTS 0 means none', () => {
    expect(renderSiteConfig(site({}, false))).not.toMatch(/^\s*brotli_static/m);
    expect(renderSiteConfig(site({}, true))).toMatch(/^\s*brotli_static on;/m);
    expect(renderSiteConfig(site({ brotli: true }, false))).toMatch(/^\s*brotli_static on;/m);
    expect(renderSiteConfig(site({ brotli: false }, true))).not.toMatch(/^\s*brotli_static/m);
    expect(renderSiteConfig(site({ hstsMaxAge: 0 }))).not.toContain('Strict-Transport-Security');
  });

  it('the redirect server logs like the site, never through the http-level default', () => {
    expect(serverBlock(renderSiteConfig(site()), 'listen 80;')).toContain('access_log off;');
    expect(serverBlock(renderSiteConfig(site({ accessLog: 'anonymized' })), 'listen 80;')).toContain('solarpress_anonymized;');
    const plain = serverBlock(renderSiteConfig(site({ plainHttp: true })), 'listen 80;');
    expect(plain.match(/access_log/g)).toHaveLength(1);
  });

  it('anonymized access log: no address, no user agent', () => {
    const conf = renderSiteConfig(site({ accessLog: 'anonymized' }));
    expect(conf).toContain('access_log /var/log/nginx/homebrewserver.club.access.log solarpress_anonymized;');
    const format = lines(conf).find((x) => x.startsWith('log_format'))!;
    expect(format).not.toContain('$remote_addr');
    expect(format).not.toContain('user_agent');
  });

  it('every directive of a server block has a reason nearby (comment lines in the output)', () => {
    const conf = renderSiteConfig(site());
    expect(conf.split('\n').filter((x) => x.trim().startsWith('#')).length).toBeGreaterThan(25);
  });
});

describe('renderStandaloneConfig', () => {
  it('keeps pid, logs and temp folders under the prefix', () => {
    const conf = renderStandaloneConfig(site({ accessLog: 'anonymized' }), '/tmp/ngx', { mimeTypesFile: '/etc/nginx/mime.types' });
    const l = lines(conf);
    expect(l).toContain('pid /tmp/ngx/nginx.pid;');
    expect(l).toContain('error_log /tmp/ngx/error.log warn;');
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) expect(l).toContain(`${t}_temp_path /tmp/ngx/${t}_temp;`);
    expect(l).toContain('include /etc/nginx/mime.types;');
    expect(l).toContain('access_log /tmp/ngx/access.log solarpress_anonymized;');
    expect(l).toContain('load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;');
  });

  it('inline types without a mime.types file; no load_module without brotli', () => {
    const conf = renderStandaloneConfig(site({ brotli: false }), '/tmp/ngx', {});
    expect(conf).toMatch(/types \{[^}]*text\/css css;/);
    expect(conf).not.toContain('load_module');
  });

  it('refuses a relative prefix', () => {
    expect(() => renderStandaloneConfig(site(), 'tmp/ngx')).toThrow(/absolute/);
  });
});

describe('solarpress nginx command', () => {
  function env() {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c) => (out += c));
    const warnings: string[] = [];
    const infos: string[] = [];
    const e: CommandEnv = {
      root: '/nonexistent',
      stdout,
      log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m), progress: () => ({ tick() {}, done() {} }) },
      loadConfig: async () => {
        throw new Error('the command must use its own options');
      },
    };
    return { e, out: () => out, warnings, infos };
  }
  const command = () =>
    nginx.definition.setup(serverSchema.parse({ serverName: 'hbsc.example' }), { url: 'https://homebrewserver.club' } as never).commands![0];

  it('prints the site file, flags over config', async () => {
    const t = env();
    const code = await command().run(['--root', '/srv/site', '--https-port', '8443', '--nginx-version', '1.27.0'], t.e);
    expect(code).toBe(0);
    const l = lines(t.out());
    expect(l).toContain('server_name hbsc.example;');
    expect(l).toContain('root /srv/site;');
    expect(l).toContain('listen 8443 ssl;');
    expect(l).toContain('http2 on;');
  });

  it('--standalone --prefix prints a whole nginx.conf', async () => {
    const t = env();
    expect(await command().run(['--standalone', '--prefix', '/tmp/p', '--listen', '127.0.0.1'], t.e)).toBe(0);
    expect(t.out()).toMatch(/^events \{/m);
    expect(lines(t.out())).toContain('pid /tmp/p/nginx.pid;');
    expect(lines(t.out())).toContain('listen 127.0.0.1:443 ssl http2;');
  });

  it('--help prints the usage', async () => {
    const t = env();
    expect(await command().run(['--help'], t.e)).toBe(0);
    expect(t.out()).toContain('--standalone');
  });

  it.each([
    [['--bogus'], /bogus/],
    [['--http-port', 'eighty'], /--http-port must be a port number/],
    [['--https-port', '70000'], /--https-port: /],
    [['--nginx-version', 'latest'], /--nginx-version: must look like 1.22.1/],
    [['--tls', 'modern'], /--tls: /],
    [['--brotli', 'maybe'], /--brotli must be auto, on or off/],
    [['--standalone'], /--standalone needs --prefix/],
    [['--prefix', '/tmp/x'], /--prefix only makes sense with --standalone/],
    [['stray'], /stray|positional/i],
    [['--server-name', 'a; include /etc/passwd'], /--server-name: server name "a;" is not a host name/],
    [['--server-name', 'hbsc.example\nevil.example'], /--server-name: server names cannot hold a line break/],
    [['--server-name', 'a{b}'], /server name "a\{b\}" is not a host name/],
    [['--server-name', 'x"y'], /is not a host name/],
    [['--server-name', '~^(www\.)?hbsc$'], /regular expressions are not supported/],
    [['--server-name', 'www.*.org'], /a wildcard may only stand for whole labels/],
    [['--server-name=-bad-.org'], /is not a host name/],
    [['--server-name', `${'a'.repeat(64)}.org`], /is not a host name/],
    [['--listen', '127.0.0.1; include /etc/passwd'], /--listen: listen address .* is not an address/],
    [['--listen', '127.0.0.1:8080'], /give the address alone, the ports are httpPort and httpsPort/],
    [['--listen', '::1'], /write an IPv6 address in brackets, \[::1\]/],
    [['--listen', '*', '--listen', '127.0.0.1 default_server'], /--listen: listen address "127.0.0.1 default_server"/],
  ])('exits 2 on %j with a clear message, labelled an error', async (args, message) => {
    const t = env();
    expect(await command().run(args as string[], t.e)).toBe(2);
    expect(t.warnings).toEqual([]);
    expect(t.infos.join('\n')).toMatch(/^error: solarpress nginx: /);
    expect(t.infos.join('\n')).toMatch(message);
    expect(t.infos.join('\n')).toContain('--help');
    expect(t.out()).toBe('');
  });

  it('takes host names as nginx does: wildcards at either end, .name, _, IP addresses', async () => {
    const t = env();
    const names = '*.hbsc.example hbsc.* .solar.example _ 192.0.2.7 [2001:db8::1] xn--bcher-kva.example';
    expect(await command().run(['--server-name', `${names}\t solar.example`, '--listen', '*', '--listen', '[::]', '--listen', '192.0.2.7', '--listen', 'localhost'], t.e)).toBe(0);
    expect(lines(t.out())).toContain(`server_name ${names} solar.example;`);
    expect(lines(t.out())).toContain('listen 192.0.2.7:443 ssl http2;');
  });

  it('validates server names and listen addresses in site.config.ts too', () => {
    const messages = (input: ServerOptionsInput) => {
      const r = serverSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ serverName: 'hbsc.example;' })).toEqual(['serverName: server name "hbsc.example;" is not a host name (RFC 1123: letters, digits, hyphens and dots; separate several names with spaces)']);
    expect(messages({ serverName: 'a.example\nb.example' })[0]).toMatch(/^serverName: server names cannot hold a line break/);
    expect(messages({ listen: ['*', '[::]:80'] })[0]).toMatch(/^listen\.1: listen address "\[::\]:80": give the address alone/);
    expect(messages({ serverName: 'hbsc.example www.hbsc.example', listen: ['*', '[::]'] })).toEqual([]);
  });

  it('--out writes the file; an unwritable target exits 1 and leaves the old file alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-cmd-'));
    try {
      const file = join(dir, 'site.conf');
      const t = env();
      expect(await command().run(['--out', file], t.e)).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain('server_name hbsc.example;');
      expect(t.out()).toBe('');

      writeFileSync(file, 'previous');
      const bad = env();
      expect(await command().run(['--out', join(dir, 'missing', 'site.conf')], bad.e)).toBe(1);
      expect(bad.infos.join('\n')).toMatch(/^error: solarpress nginx: cannot write /);
      expect(bad.infos.join('\n')).toContain(join(dir, 'missing', 'site.conf'));
      // A usage error never touches --out either.
      expect(await command().run(['--out', file, '--http-port', 'x'], env().e)).toBe(2);
      expect(readFileSync(file, 'utf8')).toBe('previous');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the plugin registers under the `server` key and rejects unknown keys', () => {
    expect(nginx.definition.configKey).toBe('server');
    const bad = serverSchema.safeParse({ sever_name: 'x' });
    expect(bad.success).toBe(false);
    expect(serverSchema.safeParse({ tls: 'modern' }).success).toBe(false);
  });
});
