/**
 * The preview server: builds in memory, serves the last good build on 127.0.0.1, watches the
 * sources, rebuilds what changed and tells open pages to reload (server-sent events). A failed
 * build is shown over the last good page; nothing is written to the output folder.
 */
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SiteBuilder, type BuildResult } from '../build.ts';
import { movedAddresses } from '../content/redirects.ts';
import { contentTypeOf } from '../content-types.ts';
import { contentErrorsOf } from '../errors.ts';
import { createLogger } from '../log.ts';
import { outputPathOf } from '../output.ts';
import type { Logger } from '../types.ts';
import { DEFAULT_CSP, type ServerOptions } from '../../plugins/nginx/options.ts';
import { hostAllowed, hostNameOf } from './allowed-host.ts';
import { sampleStats } from './sample-stats.ts';
import { themeDirOf } from '../package-root.ts';
import { isCode, watchSources } from '../watch/sources.ts';

export interface DevServerOptions {
  root: string;
  port?: number;
  host?: string;
  drafts?: boolean;
  log?: Logger;
  /** Called when code (theme or plugin modules, site.config.ts) changed: the process must restart to load it. */
  onCodeChange?: (file: string) => void;
}

export interface DevServer {
  url: string;
  close(): Promise<void>;
  /** Resolves after the next build finishes (for tests and benchmarks). */
  nextBuild(): Promise<BuildState>;
  state(): BuildState;
}

export interface BuildState {
  id: number;
  error?: string;
  result?: BuildResult;
  ms?: number;
}


const CLIENT = readFileSync(new URL('./client.js', import.meta.url));


export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { root } = options;
  const log = options.log ?? createLogger({ root });
  const builder = new SiteBuilder({ root, mode: 'dev', drafts: options.drafts ?? true, write: false, log });
  let state: BuildState = { id: 0 };
  let lastGood: BuildResult | undefined;
  let waiting: Array<(s: BuildState) => void> = [];
  const clients = new Set<http.ServerResponse>();

  const announce = () => {
    const message = `event: build\ndata: ${JSON.stringify({ id: lastGoodId, error: state.error ?? null })}\n\n`;
    for (const client of clients) client.write(message);
  };
  let lastGoodId = 0;
  let lastSignature = '';
  let building = false;
  let again = false;

  /** Files saved since the last build began, and how each looked when the last build began. */
  const saved = new Set<string>();
  let seenByLastBuild = new Map<string, string>();

  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    seenByLastBuild = new Map([...saved].map((file) => [file, stampOf(file)]));
    saved.clear();
    const started = performance.now();
    let changed = true;
    try {
      const result = await builder.build();
      const signature = result.output.signature();
      // A rebuild that changed nothing (e.g. the safety rebuild after a burst of saves) reloads nothing.
      changed = signature !== lastSignature || state.error !== undefined;
      lastSignature = signature;
      lastGood = result;
      if (changed) {
        lastGoodId = state.id + 1;
        state = { id: lastGoodId, result, ms: Math.round(performance.now() - started) };
        log.info(`rebuilt in ${state.ms} ms (${result.stats.renderedBodies} pages rendered)`);
      }
    } catch (error) {
      const problems = contentErrorsOf(error);
      const text = problems ? problems.map((p) => p.format(root)).join('\n') : ((error as Error).stack ?? String(error));
      state = { id: state.id + 1, error: text, result: lastGood, ms: Math.round(performance.now() - started) };
      log.warn(`build failed, still serving the last good version:\n${text}`);
    } finally {
      building = false;
    }
    if (changed) announce();
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve(state);
    if (again) {
      again = false;
      await rebuild();
    }
  };

  await rebuild();

  const config = lastGood?.config;
  const host = options.host ?? config?.dev.host ?? '127.0.0.1';
  const allowedHosts = [host, ...(config?.dev.allowedHosts ?? [])];
  // The same policy as the board's nginx: what it would block, the preview blocks first.
  const csp = (config?.pluginOptions.server as ServerOptions | undefined)?.csp ?? DEFAULT_CSP;

  const server = http.createServer((request, response) => {
    // No request may stop the server: whatever throws while answering is answered 500.
    try {
      answer(request, response);
    } catch (error) {
      log.warn(`preview: ${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, 500, '.txt', `The preview could not answer this request: ${(error as Error).message}\n`);
      else response.destroy();
    }
  });
  // A client that sends garbage or goes away is its own problem, never the server's.
  server.on('clientError', (_error, socket) => {
    if (socket.writable && !socket.writableEnded) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const answer = (request: http.IncomingMessage, response: http.ServerResponse) => {
    response.setHeader('content-security-policy', csp);
    const hostName = hostNameOf(request.headers.host ?? '');
    if (hostName === undefined) return send(response, 400, '.txt', 'Bad request: no valid Host header\n');
    if (!hostAllowed(hostName, allowedHosts)) {
      return send(response, 403, '.txt', `The preview answers only its own host names, not "${hostName}": add it to dev.allowedHosts in site.config.ts to preview through that name.\n`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, '.txt', 'The preview answers GET and HEAD only\n');
    }
    const url = urlOf(request.url ?? '');
    if (!url) return send(response, 400, '.txt', 'Bad request: malformed path\n');
    if (url.pathname === '/__solarpress/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.on('error', () => clients.delete(response));
      response.write(`event: build\ndata: ${JSON.stringify({ id: lastGoodId, error: state.error ?? null })}\n\n`);
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    if (url.pathname === '/__solarpress/client.js') return send(response, 200, '.js', CLIENT);
    serveOutput(url.pathname, response);
  };

  /** Old addresses of moved pages (aliases:) → permalinks, per build: answered with a 301 as nginx does. */
  const movedBy = new WeakMap<BuildResult, Map<string, string>>();
  const movedTo = (pathname: string): string | undefined => {
    if (!lastGood) return undefined;
    let moved = movedBy.get(lastGood);
    if (!moved) {
      moved = movedAddresses(lastGood.site.pages.flatMap((p) => (p.aliases ?? []).map((from) => ({ from, to: p.url }))));
      movedBy.set(lastGood, moved);
    }
    try {
      return moved.get(decodeURIComponent(pathname));
    } catch {
      return undefined;
    }
  };

  const serveOutput = (pathname: string, response: http.ServerResponse) => {
    const target = movedTo(pathname);
    if (target) {
      response.writeHead(301, { location: target });
      return response.end();
    }
    const output = lastGood?.output;
    const outputPath = outputPathOf(pathname);
    if (output && outputPath && output.has(outputPath)) {
      const ext = path.extname(outputPath);
      const body = output.read(outputPath);
      return send(response, 200, ext, ext === '.html' ? withClient(body) : body);
    }
    if (output && outputPath && !pathname.endsWith('/') && output.has(`${outputPath}/index.html`)) {
      response.writeHead(301, { location: `${pathname}/` });
      return response.end();
    }
    if (pathname === '/api/stats.json' || pathname === '/api/battery.css') {
      const sample = sampleStats(new Date(), lastGood?.config.board.timezone);
      return send(response, 200, path.extname(pathname), pathname.endsWith('.json') ? sample.stats : sample.css);
    }
    if (output?.has('404.html')) return send(response, 404, '.html', withClient(output.read('404.html')));
    send(response, 404, '.txt', state.error ? `Build failed:\n${state.error}\n` : 'Not found\n');
  };

  const contentDir = path.resolve(root, lastGood?.config.contentDir ?? 'content');
  const themeDir = themeDirOf(root, lastGood ? lastGood.config.theme : undefined);
  const staticDir = path.resolve(root, lastGood?.config.staticDir ?? 'static');
  const dataFolders = [contentDir, path.join(themeDir, 'assets'), staticDir];
  let timer: NodeJS.Timeout | undefined;
  let trailing: NodeJS.Timeout | undefined;
  const watcher = await watchSources(
    {
      folders: [contentDir, staticDir],
      code: [themeDir, path.join(root, 'plugins'), path.join(root, 'site.config.ts')],
      ignored: (file) => file.includes(`${path.sep}node_modules${path.sep}`) || /\.test\.ts$/.test(file),
      log,
    },
    (file) => {
      if (isCode(file, dataFolders) && options.onCodeChange) return options.onCodeChange(file);
      saved.add(file);
      clearTimeout(timer);
      clearTimeout(trailing);
      // Editors save in bursts (write, rename, chmod): one rebuild per burst.
      timer = setTimeout(() => void rebuild(), 5);
      // chokidar (the theme's and plugins' watcher) drops a second change to a file within 50 ms: look
      // again once that window has passed, and rebuild only if a file is not as the last build found it
      // (a full no-op rebuild here would hold up the very page request the reload sends).
      trailing = setTimeout(() => {
        if ([...seenByLastBuild].some(([file, stamp]) => stampOf(file) !== stamp)) void rebuild();
      }, 80);
    },
  );


  const port = options.port ?? config?.dev.port ?? 4000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${host}:${address.port}/`,
    state: () => state,
    nextBuild: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      clearTimeout(timer);
      clearTimeout(trailing);
      await watcher.close();
      await builder.persistCaches();
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Size and modification time of a file, or 'gone'. */
function stampOf(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/** The request's path, parsed and percent-decodable; undefined when it is not. */
function urlOf(raw: string): URL | undefined {
  if (!raw.startsWith('/')) return undefined;
  try {
    const url = new URL(raw, 'http://preview');
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined; // URIError (`/%ff`) or an unparsable URL (`//`)
  }
}

function send(response: http.ServerResponse, status: number, ext: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': contentTypeOf(ext), 'cache-control': 'no-store' });
  response.end(body);
}

/** The reload client goes in at serve time only: built pages never carry it. */
function withClient(html: Buffer): Buffer {
  const text = html.toString('utf8');
  const tag = '<script src="/__solarpress/client.js" defer></script>';
  const at = text.lastIndexOf('</body>');
  return Buffer.from(at === -1 ? text + tag : text.slice(0, at) + tag + text.slice(at));
}
