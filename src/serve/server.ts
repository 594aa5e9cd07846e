/**
 * `solarpress serve`'s server: the built output folder answered as the board's nginx answers it —
 * the precompressed .br/.gz siblings chosen by Accept-Encoding (with Vary), Cache-Control by the
 * nginx plugin's rules and its security headers (plugins/nginx/headers.ts, the one definition),
 * directory redirects, the theme's 404 page, 405 for methods other than GET and HEAD, 403 for
 * dot-files, 400 for a malformed address or one that climbs out of the folder. Sample power
 * statistics stand in for the board's /api/ unless the folder has its own.
 */
import { createReadStream, realpathSync, statSync, type Stats } from 'node:fs';
import http from 'node:http';
import { movedAddresses } from '../content/redirects.ts';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';
import path from 'node:path';
import { cacheControlFor, cacheRules, ON_THE_FLY_GZIP, securityHeaders } from '../../plugins/nginx/headers.ts';
import type { ServerOptions } from '../../plugins/nginx/options.ts';
import { contentTypeOf } from '../content-types.ts';
import { sampleStats } from '../dev/sample-stats.ts';
import { accepts } from './encoding.ts';

export interface StaticServerOptions {
  /** The built site (dist/). */
  dir: string;
  host: string;
  port: number;
  /** The nginx plugin's settings: cache lifetimes and the Content-Security-Policy. */
  server: Pick<ServerOptions, 'htmlMaxAge' | 'feedMaxAge' | 'csp' | 'hstsMaxAge'>;
  /** For the sample power statistics. */
  timezone?: string;
  /** A request that could not be answered (500): a bug worth a line. */
  onError?(message: string): void;
  /** Old addresses of moved pages and their permalinks (aliases:): a 301, as the generated nginx config answers. */
  redirects?: ReadonlyArray<{ from: string; to: string }>;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** What nginx's `location ~ /\.(?!well-known/)` denies. */
const DOTFILE = /\/\.(?!well-known\/)/;

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = realpathSync(options.dir);
  const table = cacheRules(options.server);
  const moved = movedAddresses(options.redirects ?? []);
  // Plain HTTP on loopback: no HSTS, as the board's plain-HTTP server sends none.
  const always = securityHeaders(options.server, false).filter((h) => h.always);

  const server = http.createServer((request, response) => {
    for (const header of always) response.setHeader(header.name, header.value);
    try {
      answer(request, response);
    } catch (error) {
      options.onError?.(`${request.method} ${request.url}: ${(error as Error).message}`);
      if (!response.headersSent) plain(response, 500, 'Internal server error\n');
      else response.destroy();
    }
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const answer = (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Only GET and HEAD\n');
    const uri = normalizedUri(request.url ?? '');
    if (uri === undefined) return plain(response, 400, 'Bad request: malformed address\n');
    if (DOTFILE.test(uri)) return plain(response, 403, 'Forbidden\n');
    const head = request.method === 'HEAD';
    const target = moved.get(uri);
    if (target) {
      response.setHeader('cache-control', cacheControlFor(uri, table));
      response.writeHead(301, { location: encodeURI(target), 'content-type': 'text/html' });
      return response.end(head ? undefined : '<html><body>Moved permanently</body></html>\n');
    }

    const found = lookup(root, uri);
    if (found === 'directory') {
      // Relative, like nginx with absolute_redirect off.
      const query = (request.url ?? '').includes('?') ? (request.url ?? '').slice((request.url ?? '').indexOf('?')) : '';
      response.setHeader('cache-control', cacheControlFor(uri, table));
      response.writeHead(301, { location: encodeURI(`${uri}/`) + query, 'content-type': 'text/html' });
      return response.end(head ? undefined : '<html><body>Moved permanently</body></html>\n');
    }
    if (found) return sendFile(request, response, found.file, found.uri, found.stat, 200, head);

    if (uri === '/api/stats.json' || uri === '/api/battery.css') {
      const sample = sampleStats(new Date(), options.timezone);
      response.setHeader('cache-control', cacheControlFor(uri, table));
      response.writeHead(200, { 'content-type': contentTypeOf(path.extname(uri)) });
      return response.end(head ? undefined : uri.endsWith('.json') ? sample.stats : sample.css);
    }
    const notFound = lookup(root, '/404.html');
    if (notFound && notFound !== 'directory') return sendFile(request, response, notFound.file, notFound.uri, notFound.stat, 404, head);
    plain(response, 404, 'Not found\n');
  };

  const sendFile = (request: http.IncomingMessage, response: http.ServerResponse, file: string, uri: string, stat: Stats, status: number, head: boolean) => {
    // nginx adds Cache-Control (no `always`) to successful answers only, judged by the final $uri (after index).
    if (status === 200) response.setHeader('cache-control', cacheControlFor(uri, table));
    response.setHeader('content-type', contentTypeOf(path.extname(file)));
    // As nginx's brotli_static, gzip_static and gzip filters decide (measured against nginx: see test/serve.test.ts).
    const acceptEncoding = request.headers['accept-encoding'];
    const br = sibling(file, '.br');
    const gz = sibling(file, '.gz');
    let served = { file, stat };
    let onTheFly = false;
    // A .gz sibling, or a type nginx would compress, varies the answer even when the client takes neither.
    let vary = gz !== undefined || compressible(file, stat);
    if (br && accepts(acceptEncoding, 'br')) {
      served = br;
      vary = true;
      response.setHeader('content-encoding', 'br');
    } else if (gz && accepts(acceptEncoding, 'gzip')) {
      served = gz;
      response.setHeader('content-encoding', 'gzip');
    } else if (compressible(file, stat) && accepts(acceptEncoding, 'gzip')) {
      onTheFly = true;
      response.setHeader('content-encoding', 'gzip');
    }
    if (vary) response.setHeader('vary', 'Accept-Encoding');
    const strong = `"${Math.floor(served.stat.mtimeMs / 1000).toString(16)}-${served.stat.size.toString(16)}"`;
    // Compressing changes the bytes: nginx keeps only a weak ETag then.
    const etag = onTheFly ? `W/${strong}` : strong;
    if (status === 200) {
      response.setHeader('etag', etag);
      response.setHeader('last-modified', served.stat.mtime.toUTCString());
      if (notModified(request, etag, served.stat)) {
        response.removeHeader('content-type');
        response.removeHeader('content-encoding');
        response.writeHead(304);
        return response.end();
      }
    }
    if (!onTheFly) response.setHeader('content-length', served.stat.size);
    response.writeHead(status);
    if (head) return response.end();
    const stream = createReadStream(served.file).on('error', () => response.destroy());
    if (onTheFly) stream.pipe(createGzip({ level: ON_THE_FLY_GZIP.level })).pipe(response);
    else stream.pipe(response);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The request's path decoded and with `.` and `..` resolved, as nginx does before it looks for a
 * file; undefined when it is malformed (bad percent-encoding, a NUL, not starting with '/') or
 * climbs above the root.
 */
export function normalizedUri(raw: string): string | undefined {
  const pathPart = raw.split(/[?#]/)[0];
  if (!pathPart.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const segments: string[] = [];
  const parts = decoded.split('/').slice(1);
  for (const [i, part] of parts.entries()) {
    if (part === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else if (part !== '.' && (part !== '' || i === parts.length - 1)) segments.push(part);
  }
  return `/${segments.join('/')}`;
}

type Found = { file: string; uri: string; stat: Stats };

/** The file a URI names inside root (a folder's index.html), 'directory' when it needs a trailing slash, or undefined. */
function lookup(root: string, uri: string): Found | 'directory' | undefined {
  const finalUri = uri.endsWith('/') ? `${uri}index.html` : uri;
  const file = path.join(root, ...finalUri.split('/'));
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  // A symbolic link in the folder never reaches outside it.
  if (real !== root && !real.startsWith(root + path.sep)) return undefined;
  const stat = statSync(real);
  if (stat.isDirectory()) return uri.endsWith('/') ? undefined : statIsFile(path.join(real, 'index.html')) ? 'directory' : undefined;
  return stat.isFile() ? { file: real, uri: finalUri, stat } : undefined;
}

function statIsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const GZIP_TYPES = new Set(['text/html', ...ON_THE_FLY_GZIP.types]);

/** What nginx's gzip filter would compress on the fly: a text type, at least gzip_min_length bytes. */
function compressible(file: string, stat: Stats): boolean {
  return stat.size >= ON_THE_FLY_GZIP.minLength && GZIP_TYPES.has(contentTypeOf(path.extname(file)).split(';')[0]);
}

function sibling(file: string, ext: '.br' | '.gz'): { file: string; stat: Stats } | undefined {
  try {
    const stat = statSync(file + ext);
    return stat.isFile() ? { file: file + ext, stat } : undefined;
  } catch {
    return undefined;
  }
}

function notModified(request: http.IncomingMessage, etag: string, stat: Stats): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = request.headers['if-modified-since'];
  return since !== undefined && Math.floor(stat.mtimeMs / 1000) <= Math.floor(Date.parse(since) / 1000);
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  if (status === 405) response.setHeader('allow', 'GET, HEAD');
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
