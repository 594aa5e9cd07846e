/**
 * A complete nginx.conf around the site, for `nginx -p PREFIX -c FILE`: everything nginx writes
 * (pid, logs, temp files) stays under PREFIX, so it runs without touching /etc or /var.
 */
import { posix } from 'node:path';
import { blank, block, comment, directive, printConf, type ConfNode } from './conf.ts';
import type { ResolvedServerOptions } from './options.ts';
import { configHeader, siteNodes } from './site.ts';
import type { Redirect } from './redirects.ts';

/** Where Debian's libnginx-mod-http-brotli-static puts the module. */
export const DEBIAN_BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';
export const DEBIAN_MIME_TYPES = '/etc/nginx/mime.types';

export interface StandaloneEnvironment {
  /** A mime.types file to include; without it an inline `types` block is written. */
  mimeTypesFile?: string;
  /** The brotli_static module to load when options.brotli is on (default: Debian's path). */
  brotliModule?: string;
  /** Worker processes (default 1: the benchmark and tests want exactly one). */
  workerProcesses?: number | 'auto';
}

/** Types the site publishes, for machines without /etc/nginx/mime.types. */
const INLINE_TYPES: [string, string[]][] = [
  ['text/html', ['html', 'htm']],
  ['text/css', ['css']],
  ['text/plain', ['txt']],
  ['text/xml', ['xml']],
  ['application/javascript', ['js', 'mjs']],
  ['application/json', ['json']],
  ['application/rss+xml', ['rss']],
  ['application/atom+xml', ['atom']],
  ['image/svg+xml', ['svg']],
  ['image/png', ['png']],
  ['image/gif', ['gif']],
  ['image/jpeg', ['jpg', 'jpeg']],
  ['image/webp', ['webp']],
  ['image/x-icon', ['ico']],
  ['font/woff2', ['woff2']],
  ['application/pdf', ['pdf']],
];

function mimeTypes(env: StandaloneEnvironment): ConfNode {
  if (env.mimeTypesFile) return directive('include', [env.mimeTypesFile], "File types from the system's nginx.");
  return block(
    'types',
    [],
    INLINE_TYPES.map(([type, exts]) => directive(type, exts)),
    'No mime.types on this machine: the types the site publishes.',
  );
}

function tempPaths(prefix: string): ConfNode[] {
  const names = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];
  return names.map((name, i) =>
    directive(
      `${name}_temp_path`,
      [posix.join(prefix, `${name}_temp`)],
      i === 0 ? 'Temp folders under the prefix, so nginx needs no write access to /var/lib/nginx.' : undefined,
    ),
  );
}

/** The whole nginx.conf for `nginx -p prefix -c file`. `prefix` must be absolute. */
export function renderStandaloneConfig(
  o: ResolvedServerOptions,
  prefix: string,
  env: StandaloneEnvironment = {},
  redirects: readonly Redirect[] = [],
): string {
  if (!posix.isAbsolute(prefix)) throw new Error(`--prefix must be an absolute path, got "${prefix}"`);
  const dir = prefix.replace(/(.)\/+$/, '$1');
  const main: ConfNode[] = [
    ...configHeader(o, 'Standalone nginx.conf'),
    comment(`Start: nginx -p ${dir} -c <this file> [-g 'daemon off;']`),
    comment('As root, the workers run as the compiled-in user (nobody): the site and the prefix must be readable by it.'),
    blank,
    directive('worker_processes', [env.workerProcesses ?? 1]),
    directive('pid', [posix.join(dir, 'nginx.pid')]),
    directive('error_log', [posix.join(dir, 'error.log'), 'warn']),
  ];
  if (o.brotli) {
    main.push(
      directive('load_module', [env.brotliModule ?? DEBIAN_BROTLI_MODULE], 'Serves the precompressed .br files (brotli_static).'),
    );
  }
  main.push(
    blank,
    block('events', [], [directive('worker_connections', [512])]),
    blank,
    block('http', [], [
      mimeTypes(env),
      directive('default_type', ['application/octet-stream']),
      directive('sendfile', ['on'], 'Files go from the page cache to the socket without a copy (plain HTTP).'),
      directive('tcp_nopush', ['on']),
      directive('keepalive_timeout', ['65s']),
      ...tempPaths(dir),
      blank,
      ...siteNodes(o, o.accessLogPath ?? posix.join(dir, 'access.log'), redirects),
    ]),
  );
  return printConf(main);
}
