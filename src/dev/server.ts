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
import { patchPages, type PatchedPage } from './page-patch.ts';

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
/**
 * Saves that change only bodies are shown at once (page-patch.ts); the rebuild that brings the rest
 * up to date waits for saves to pause this long, unless a request needs it first.
 */
const FOLLOW_UP_QUIET_MS = 1000;
/** Sample power figures, served when the site has none of its own. */
const SAMPLES = ['api/stats.json', 'api/battery.css'];


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
  /** What runs now: a save's pages being patched, or a build. */
  let running: 'patch' | 'build' | undefined;
  let again = false;

  /** Files saved since the last build began, and how each looked when the last build began. */
  const saved = new Set<string>();
  let seenByLastBuild = new Map<string, string>();
  const takeSaved = (): string[] => {
    const files = [...saved];
    seenByLastBuild = new Map(files.map((file) => [file, stampOf(file)]));
    saved.clear();
    return files;
  };

  /** Pages served ahead of the follow-up rebuild, by id and by output path; the last good build's otherwise. */
  let patched = new Map<string, PatchedPage>();
  let patchedPaths = new Map<string, Buffer>();
  /** Requests for anything else wait for the follow-up while there are patched pages. */
  let caughtUp: Array<() => void> = [];
  let followUp: NodeJS.Timeout | undefined;
  const setPatched = (pages: Map<string, PatchedPage>) => {
    patched = pages;
    patchedPaths = new Map([...pages.values()].map((p) => [p.outputPath, p.html]));
  };
  const followUpNow = () => {
    clearTimeout(followUp);
    // A build running now releases the waiting requests as it ends.
    if (running !== 'build') void rebuild();
  };

  /** A save: its pages patched at once if it changed only bodies, else a rebuild. */
  const update = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    const last = builder.lastBuild();
    const files = [...saved];
    if (last && files.length > 0 && last.result === lastGood && state.error === undefined && files.every((f) => last.files.has(f))) {
      running = 'patch';
      takeSaved();
      const started = performance.now();
      let pages: Map<string, PatchedPage> | undefined;
      try {
        pages = await patchPages(last, files, patched);
      } catch (error) {
        // Whatever it is (a theme's layout throwing?), the rebuild finds and reports it.
        log.warn(`could not show the save at once, rebuilding: ${(error as Error).message}`);
      } finally {
        running = undefined;
      }
      if (pages) {
        const changed = pages.size !== patched.size || [...pages].some(([id, p]) => !patched.get(id)?.html.equals(p.html));
        setPatched(pages);
        if (changed) {
          lastGoodId = state.id + 1;
          state = { id: lastGoodId, result: lastGood, ms: Math.round(performance.now() - started) };
          log.info(`shown in ${state.ms} ms (${files.length} page${files.length === 1 ? '' : 's'}), the rest follows`);
          announce();
        }
        clearTimeout(followUp);
        if (patched.size > 0) followUp = setTimeout(followUpNow, FOLLOW_UP_QUIET_MS);
        settle();
        if (again) {
          again = false;
          await update();
        }
        return;
      }
      for (const file of files) saved.add(file);
    }
    await rebuild();
  };

  const settle = () => {
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve(state);
  };

  const rebuild = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = 'build';
    clearTimeout(followUp);
    takeSaved();
    const started = performance.now();
    // Pages served ahead of this build are replaced by its output, or by the last good build's.
    const hadPatches = patched.size > 0;
    let changed = true;
    try {
      const result = await builder.build();
      const signature = result.output.signature();
      // A rebuild that changed nothing (e.g. the safety rebuild after a burst of saves) reloads nothing.
      changed = signature !== lastSignature || state.error !== undefined || hadPatches;
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
      running = undefined;
      setPatched(new Map());
      const released = caughtUp;
      caughtUp = [];
      for (const release of released) release();
    }
    if (changed) announce();
    settle();
    if (again) {
      again = false;
      await update();
    }
  };

  // The Markdown pipeline, which a build from the cache does without, is loaded meanwhile: the first
  // save that changes a body renders it, and must not wait for the modules.
  const pipeline = import('../markdown/processor.ts').catch(() => undefined);
  await rebuild();
  await pipeline;
  await builder.lastBuild()?.processors().catch(() => undefined); // its error, if any, is a render's to report

  const config = lastGood?.config;
  const host = options.host ?? config?.dev.host ?? '127.0.0.1';
  const allowedHosts = [host, ...(config?.dev.allowedHosts ?? [])];
  // The same policy as the board's nginx: what it would block, the preview blocks first.
  const csp = (config?.pluginOptions.server as ServerOptions | undefined)?.csp ?? DEFAULT_CSP;

  const server = http.createServer((request, response) => handle(request, response));
  const handle = (request: http.IncomingMessage, response: http.ServerResponse) => {
    // No request may stop the server: whatever throws while answering is answered 500.
    try {
      answer(request, response);
    } catch (error) {
      log.warn(`preview: ${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, 500, '.txt', `The preview could not answer this request: ${(error as Error).message}\n`);
      else response.destroy();
    }
  };
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
    if (patched.size > 0 && followUpMayChange(outputPathOf(url.pathname))) {
      caughtUp.push(() => handle(request, response));
      return followUpNow();
    }
    serveOutput(url.pathname, response);
  };

  /**
   * Whether the rebuild that follows patched pages may change what a path serves: anything made from
   * content may (a feed, a list, a new image), not a patched page, the theme's assets or sample figures.
   */
  const followUpMayChange = (outputPath: string | undefined): boolean => {
    if (outputPath === undefined || patchedPaths.has(outputPath)) return false;
    const published = lastGood?.output.has(outputPath) ?? false;
    return !(outputPath.startsWith('assets/') && published) && !(SAMPLES.includes(outputPath) && !published);
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
    const outputPath = outputPathOf(pathname);
    const page = outputPath && patchedPaths.get(outputPath);
    if (page) return send(response, 200, '.html', withClient(page));
    const target = movedTo(pathname);
    if (target) {
      response.writeHead(301, { location: target });
      return response.end();
    }
    const output = lastGood?.output;
    if (output && outputPath && output.has(outputPath)) {
      const ext = path.extname(outputPath);
      const body = output.read(outputPath);
      return send(response, 200, ext, ext === '.html' ? withClient(body) : body);
    }
    if (output && outputPath && !pathname.endsWith('/') && output.has(`${outputPath}/index.html`)) {
      response.writeHead(301, { location: `${pathname}/` });
      return response.end();
    }
    if (outputPath && SAMPLES.includes(outputPath)) {
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
      timer = setTimeout(() => void update(), 5);
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
      clearTimeout(followUp);
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
