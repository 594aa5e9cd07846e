/** The preview server process started by `solarpress dev` (see command.ts). */
import { RESTART } from './command.ts';
import { createLogger } from '../log.ts';
import { startDevServer } from './server.ts';

const options = JSON.parse(process.argv[2]) as { root: string; port?: number; host?: string; drafts: boolean };
const log = createLogger({ root: options.root });
try {
  const server = await startDevServer({
    ...options,
    log,
    onCodeChange: async (file) => {
      log.info(`${file} changed`);
      await server.close();
      process.exit(RESTART);
    },
  });
  log.info(`previewing on ${server.url} (Ctrl-C to stop)`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  log.warn(e.code === 'EADDRINUSE' ? `port in use: stop the other server or pass --port` : String(e.stack ?? e));
  process.exit(1);
}
