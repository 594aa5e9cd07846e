/** `solarpress serve`: the built output folder on 127.0.0.1, answered as the board's nginx answers it. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { contentRedirects } from '../content/redirects.ts';
import { serverSchema, type ServerOptions } from '../../plugins/nginx/options.ts';
import { parseFlags, portFlag } from '../cli/flags.ts';
import { ContentError, contentErrorsOf } from '../errors.ts';
import { nextFreePort, portTaken } from '../port.ts';
import type { CommandEnv, CommandSpec, ResolvedConfig } from '../types.ts';
import { startStaticServer } from './server.ts';

export const DEFAULT_SERVE_PORT = 8080;

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'serve the built site as the board will',
  usage: `Usage: solarpress serve [--port N] [--host ADDRESS] [--dir DIR]

Serves the built output folder (config outDir, default dist/) on http://127.0.0.1:${DEFAULT_SERVE_PORT}
as the board's nginx will: the precompressed .br/.gz files, the same Cache-Control and security
headers as 'solarpress nginx' writes (from the \`server\` section), its 301s for moved pages
(aliases: in the content), the theme's 404 page. Nothing is
built: run 'npm run build' (or 'build --watch' beside it) first. Sample power statistics stand in
for /api/ unless the folder has its own.

  --port N        port (default ${DEFAULT_SERVE_PORT})
  --host ADDRESS  address to listen on (default 127.0.0.1: only this machine)
  --dir DIR       serve this folder instead of outDir`,
  async run(args, env) {
    const { values } = parseFlags(args, { port: { type: 'string' }, host: { type: 'string' }, dir: { type: 'string' } });
    const port = portFlag(values.port) ?? DEFAULT_SERVE_PORT;
    const host = values.host ?? '127.0.0.1';
    const config = await env.loadConfig();
    const dir = values.dir ? path.resolve(values.dir) : path.resolve(env.root, config.outDir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ContentError(`nothing to serve: ${path.relative(env.root, dir) || dir} does not exist`, undefined, "run 'npm run build' first (or pass --dir)");
    }
    if (await portTaken(host, port)) {
      const free = await nextFreePort(host, port);
      env.log.warn(`port ${port} on ${host} is in use (another server, or a 'solarpress serve' already running)${free ? `: try --port ${free}` : ''}`);
      return 1;
    }
    // The board's settings when the nginx plugin is on; its defaults when it is off.
    const server = (config.pluginOptions.server as ServerOptions | undefined) ?? serverSchema.parse({});
    const running = await startStaticServer({
      dir,
      host,
      port,
      server,
      timezone: config.board.timezone,
      redirects: movedPages(config, env),
      onError: (message) => env.log.warn(`serve: ${message}`),
    });
    env.log.info(`serving ${path.relative(env.root, dir) || dir} on ${running.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop).off('SIGTERM', stop);
        void running.close().then(resolve);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
    });
    return 0;
  },
};

/** The content's moved pages; a content error costs the 301s only (the built folder is still worth serving). */
function movedPages(config: ResolvedConfig, env: CommandEnv): Array<{ from: string; to: string }> {
  try {
    return contentRedirects(config);
  } catch (error) {
    const problems = contentErrorsOf(error);
    if (!problems) throw error;
    env.log.warn(`moved pages (aliases:) are not redirected: the content has ${problems.length} problem${problems.length === 1 ? '' : 's'} (solarpress check names them)`);
    return [];
  }
}
