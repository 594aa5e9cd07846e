/**
 * The site file (for /etc/nginx/sites-enabled/): maps, the HTTP server (ACME challenges and the
 * redirect) and the HTTPS server, built as a tree of commented nodes.
 */
import { blank, block, comment, directive, printConf, type ConfNode } from './conf.ts';
import { cacheRules, ON_THE_FLY_GZIP, securityHeaders } from './headers.ts';
import { compareVersions, firstServerName, type ResolvedServerOptions } from './options.ts';
import { CACHE_NORMAL_VAR, powerModeGuard, powerModeMaps } from './power-mode.ts';
import { tlsDirectives } from './tls.ts';
import { redirectGuard, redirectMap, type Redirect } from './redirects.ts';


const CACHE_VAR = '$solarpress_cache_control';
const ANON_VAR = '$solarpress_remote_addr_anon';
const LOG_FORMAT = 'solarpress_anonymized';
/** nginx 1.25.1 replaced `listen … http2` by the `http2` directive. */
const HTTP2_DIRECTIVE_SINCE = '1.25.1';

export function usesHttp2Directive(nginxVersion: string): boolean {
  return compareVersions(nginxVersion, HTTP2_DIRECTIVE_SINCE) >= 0;
}

function listenAddress(address: string, port: number): string {
  return address === '*' ? String(port) : `${address}:${port}`;
}

/** Cache-Control per path, computed once in a map so that one server-level add_header covers every location. */
function cacheMap(o: ResolvedServerOptions): ConfNode {
  const table = cacheRules(o);
  return block(
    'map',
    ['$uri', CACHE_NORMAL_VAR],
    [table.default, ...table.rules].map((rule) => directive(rule.match, [rule.value], rule.comment)),
    `Cache-Control by path. Set by one add_header at server level: an add_header inside a location\nwould silently drop the security headers there.`,
  );
}

/** Access log without IP addresses: a map that zeroes the host part, and a format without user agents. */
function anonymizedLogFormat(): ConfNode[] {
  return [
    block(
      'map',
      ['$remote_addr', ANON_VAR],
      [
        directive('~(?P<net>\\d+\\.\\d+\\.\\d+)\\.\\d+$', ['$net.0'], 'IPv4: drop the last byte.'),
        directive('~(?P<net>[^:]*:[^:]*:[^:]*):', ['$net::'], 'IPv6: keep the first 48 bits.'),
        directive('default', ['0.0.0.0']),
      ],
      'Privacy: visitors are not logged by address; the network part is enough to spot abuse.',
    ),
    directive('log_format', [LOG_FORMAT, `${ANON_VAR} [$time_local] "$request" $status $body_bytes_sent "$http_referer"`]),
  ];
}

function accessLog(o: ResolvedServerOptions, logPath: string): ConfNode {
  return o.accessLog === 'off'
    ? directive('access_log', ['off'], 'Privacy, and SD-card wear: no access log.')
    : directive('access_log', [logPath, LOG_FORMAT], 'Access log without IP addresses or user agents.');
}

/** Only GET and HEAD: a static site has nothing to POST to. */
function methodGuard(): ConfNode {
  return block(
    'if',
    ['($request_method', '!~', '^(?:GET|HEAD)$)'],
    [directive('return', [405])],
    'Only GET and HEAD: a static site accepts nothing else.',
  );
}

function acmeLocation(o: ResolvedServerOptions): ConfNode {
  return block(
    'location',
    ['^~', '/.well-known/acme-challenge/'],
    [
      directive('root', [o.acmeRoot]),
      directive('default_type', ['text/plain']),
      directive('try_files', ['$uri', '=404']),
    ],
    `ACME http-01 challenges, from certbot's webroot (certbot certonly --webroot -w ${o.acmeRoot}),\nso certificates renew while nginx keeps serving.`,
  );
}

/** What both servers share when they serve the site itself. */
function siteBody(o: ResolvedServerOptions, https: boolean, logPath: string, redirects: readonly Redirect[]): ConfNode[] {
  const headers: ConfNode[] = [
    directive('add_header', ['Cache-Control', CACHE_VAR], 'Cache lifetime per path (see the map above); only on successful responses.'),
  ];
  for (const header of securityHeaders(o, https)) {
    headers.push(directive('add_header', [header.name, header.value, ...(header.always ? ['always'] : [])], header.comment));
  }

  const compression: ConfNode[] = [
    directive(
      'gzip_static',
      ['on'],
      'Serve the .gz files made at build time (precompress plugin): the board never compresses pages itself.',
    ),
  ];
  if (o.brotli) {
    compression.push(directive('brotli_static', ['on'], 'And the .br files (brotli quality 11), smaller still, to browsers that accept them.'));
  } else {
    compression.push(
      comment('brotli_static: module not found when this file was rendered (apt install libnginx-mod-http-brotli-static).'),
    );
  }
  compression.push(
    directive(
      'gzip',
      ['on'],
      'On-the-fly gzip only for files without a precompressed sibling (the live /api/ files): a cheap level.',
    ),
    directive('gzip_comp_level', [ON_THE_FLY_GZIP.level]),
    directive('gzip_min_length', [ON_THE_FLY_GZIP.minLength]),
    directive('gzip_types', ON_THE_FLY_GZIP.types),
    directive('gzip_vary', ['on'], 'Vary: Accept-Encoding, so caches keep compressed and plain copies apart.'),
  );

  return [
    directive('root', [o.root], 'The live release (deploy switches this symlink atomically).'),
    directive('index', ['index.html']),
    directive('charset', ['utf-8'], 'Declare the encoding in the header, so browsers need not sniff it.'),
    directive('charset_types', ['text/css', 'text/plain', 'text/xml', 'application/javascript', 'application/json', 'application/rss+xml', 'application/atom+xml', 'image/svg+xml']),
    directive('absolute_redirect', ['off'], 'Directory redirects (/about → /about/) stay relative: right behind any port or proxy.'),
    directive('error_page', [404, '/404.html'], "The theme's own 404 page."),
    directive(
      'log_not_found',
      ['off'],
      'A dead link is the 404 page\'s business: otherwise the error log keeps the address of everyone who follows one.',
    ),
    accessLog(o, logPath),
    blank,
    methodGuard(),
    blank,
    ...redirectGuard(redirects),
    blank,
    ...powerModeGuard(o),
    blank,
    ...compression,
    blank,
    ...headers,
    blank,
    block(
      'location',
      ['^~', '/api/'],
      [
        directive('alias', [`${o.apiDir.replace(/\/+$/, '')}/`]),
        block('location', ['~', '/\\.'], [directive('deny', ['all'])]),
      ],
      'Live power statistics: written by the board, outside the releases deploy replaces.',
    ),
    blank,
    block(
      'location',
      ['~', '/\\.(?!well-known/)'],
      [directive('deny', ['all'])],
      'Dotfiles (.git, .env, editor leftovers) are never served; /.well-known/ is.',
    ),
  ];
}

function httpServer(o: ResolvedServerOptions, logPath: string, redirects: readonly Redirect[]): ConfNode {
  const listen = o.listen.map((a) => directive('listen', [listenAddress(a, o.httpPort)]));
  const target = o.httpsPort === 443 ? 'https://$server_name' : `https://$server_name:${o.httpsPort}`;
  // The redirect server logs like the site (else it inherits Debian's http-level log, with addresses).
  const children: ConfNode[] = [
    ...listen,
    directive('server_name', o.serverName.split(/\s+/)),
    directive('server_tokens', ['off'], 'Do not advertise the nginx version.'),
  ];
  if (!o.plainHttp) children.push(accessLog(o, logPath));
  children.push(blank, acmeLocation(o), blank);
  if (o.plainHttp) {
    children.push(
      comment('plainHttp: the whole site over HTTP too, for machines that cannot do modern TLS (no HSTS here).'),
      ...siteBody(o, false, logPath, redirects),
    );
  } else {
    children.push(
      methodGuard(),
      blank,
      block(
        'location',
        ['/'],
        [directive('return', [301, `${target}$request_uri`])],
        'Everything else moves to HTTPS for good.',
      ),
    );
  }
  return block('server', [], children, o.plainHttp ? 'Plain HTTP: the site itself, and ACME challenges.' : 'Plain HTTP: ACME challenges, and a permanent redirect to HTTPS.');
}

function httpsServer(o: ResolvedServerOptions, logPath: string, redirects: readonly Redirect[]): ConfNode {
  const directiveSyntax = usesHttp2Directive(o.nginxVersion);
  const listenArgs = directiveSyntax ? ['ssl'] : ['ssl', 'http2'];
  const listen: ConfNode[] = o.listen.map((a, i) =>
    directive(
      'listen',
      [listenAddress(a, o.httpsPort), ...listenArgs],
      i === 0
        ? directiveSyntax
          ? `HTTP/2: nginx ${o.nginxVersion} takes the \`http2\` directive (1.25.1 and later).`
          : `HTTP/2: nginx ${o.nginxVersion} takes it as a listen parameter (before 1.25.1).`
        : undefined,
    ),
  );
  if (directiveSyntax) listen.push(directive('http2', ['on']));
  return block(
    'server',
    [],
    [
      ...listen,
      directive('server_name', o.serverName.split(/\s+/)),
      directive('server_tokens', ['off'], 'Do not advertise the nginx version.'),
      blank,
      ...tlsDirectives(o),
      blank,
      ...siteBody(o, true, logPath, redirects),
    ],
    'HTTPS: the site.',
  );
}

/** Header comment: what made the file and with which settings. */
function header(o: ResolvedServerOptions, what: string): ConfNode[] {
  return [
    comment(`${what} for ${o.serverName}, generated by \`solarpress nginx\` from site.config.ts (section \`server\`).`),
    comment('Edit the config and render again rather than editing this file.'),
    comment(
      `nginx ${o.nginxVersion}, TLS profile ${o.tls}${o.plainHttp ? ', plain HTTP served too' : ''}, ` +
        `root ${o.root}, HTTP ${o.httpPort}, HTTPS ${o.httpsPort}.`,
    ),
    blank,
  ];
}

/** The http-context nodes of the site: maps, log format, both servers. */
export function siteNodes(o: ResolvedServerOptions, logPath: string, redirects: readonly Redirect[] = []): ConfNode[] {
  return [
    cacheMap(o),
    blank,
    ...redirectMap(redirects).flatMap((node) => [node, blank]),
    ...powerModeMaps(o, CACHE_VAR).flatMap((node) => [node, blank]),
    ...(o.accessLog === 'anonymized' ? [...anonymizedLogFormat(), blank] : []),
    httpServer(o, logPath, redirects),
    blank,
    httpsServer(o, logPath, redirects),
  ];
}

/** The site file for /etc/nginx/sites-enabled/ (included in Debian's http block). */
export function renderSiteConfig(o: ResolvedServerOptions, redirects: readonly Redirect[] = []): string {
  const logPath = o.accessLogPath ?? `/var/log/nginx/${firstServerName(o.serverName)}.access.log`;
  return printConf([...header(o, 'nginx site'), ...siteNodes(o, logPath, redirects)]);
}

export { header as configHeader };
