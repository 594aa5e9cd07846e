/**
 * A tiny static file server for browser tests: serves a built site from 127.0.0.1 on a free port,
 * with per-test overrides (the board's /api/ files) and a log of every path requested.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  origin: string;
  /** Responses by path that take precedence over files (set per test; delete to get a 404). */
  overrides: Map<string, { body: string | Buffer; type: string; status?: number }>;
  requested: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Serve the build's precompressed .gz files and long cache lifetimes for assets, as nginx on the board does. */
  likeNginx?: boolean;
}

export async function serveStatic(dir: string, options: ServeOptions = {}): Promise<StaticServer> {
  const overrides: StaticServer['overrides'] = new Map();
  const requested: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requested.push(path);
    const o = overrides.get(path);
    if (o) {
      res.writeHead(o.status ?? 200, { 'content-type': o.type, 'cache-control': 'no-store' });
      res.end(o.body);
      return;
    }
    let file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const headers: Record<string, string> = { 'content-type': types[extname(file)] ?? 'application/octet-stream' };
      let body = await readFile(file);
      if (options.likeNginx) {
        if (/^\/(assets|media)\//.test(path)) headers['cache-control'] = 'public, max-age=31536000, immutable';
        const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? await readFile(`${file}.gz`).catch(() => undefined) : undefined;
        if (gz) {
          body = gz;
          headers['content-encoding'] = 'gzip';
          headers.vary = 'Accept-Encoding';
        }
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      const notFound = await readFile(join(dir, '404.html')).catch(() => Buffer.from('not found'));
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(notFound);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    overrides,
    requested,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
