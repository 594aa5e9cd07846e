/**
 * `solarpress dev`: runs the preview server in a child process and starts a fresh one when theme,
 * plugin or config code changes (ES modules cannot be unloaded). Content and CSS edits never restart.
 */
import { parseFlags, portFlag } from '../cli/flags.ts';
import { startProcess } from '../threads.ts';
import { choosePort } from './port-check.ts';
import type { CommandSpec } from '../types.ts';

/** Exit code of the child asking to be started again. */
export const RESTART = 75;

export const devCommand: CommandSpec = {
  name: 'dev',
  summary: 'preview with live reload',
  usage: `Usage: solarpress dev [--port N] [--host ADDRESS] [--no-drafts]

Serves the site on http://127.0.0.1:4000 (config dev.port / dev.host), built in memory with
drafts. Saving a file in content/, theme/ or plugins/ rebuilds what changed and reloads the
open pages; a build error shows in the page while the last good version is still served.
When the port is taken (another \`npm run dev\`?), says so before building and offers the next
free one.
/api/stats.json and /api/battery.css serve sample power figures unless content provides them.`,
  async run(args, env) {
    const { values } = parseFlags(args, { port: { type: 'string' }, host: { type: 'string' }, 'no-drafts': { type: 'boolean' } });
    const portGiven = portFlag(values.port);
    // Said before anything is built: a second preview on the same port would only fail at the end.
    const config = await env.loadConfig();
    const port = await choosePort(values.host ?? config.dev.host, portGiven ?? config.dev.port, env.log);
    if (port === undefined) return 1;
    for (;;) {
      // From the bundle of the code as it is now: a restart after an edit of solarpress's own code runs the new code.
      const proc = await startProcess(new URL('./main.ts', import.meta.url), [JSON.stringify({ root: env.root, port, host: values.host, drafts: !values['no-drafts'] })], { stdio: 'inherit' });
      const code = await new Promise<number>((resolve) => {
        const stop = () => proc.kill('SIGTERM');
        process.once('SIGINT', stop).once('SIGTERM', stop);
        proc.on('exit', (c, signal) => {
          process.off('SIGINT', stop).off('SIGTERM', stop);
          resolve(signal ? 0 : (c ?? 0));
        });
      });
      if (code !== RESTART) return code;
      env.log.info('code changed: restarting the preview server');
    }
  },
};
