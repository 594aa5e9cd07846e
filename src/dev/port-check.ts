/**
 * Before `solarpress dev` builds anything: is its port free? A second `npm run dev` says that a
 * preview already runs there (or which port another program holds) and offers the next free port —
 * asked on a terminal, printed as the command to run otherwise.
 */
import http from 'node:http';
import { createInterface } from 'node:readline/promises';
import { nextFreePort, portTaken } from '../port.ts';
import type { Logger } from '../types.ts';

/** Whether a solarpress preview answers there (its reload client is a path only it serves). */
function isPreview(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // A plain request, torn down when done: a program that accepts and never answers must not keep this process alive.
    const request = http.get({ host, port, path: '/__solarpress/client.js', agent: false, timeout: 2000 }, (response) => {
      resolve(response.statusCode === 200);
      request.destroy();
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.on('close', () => resolve(false));
  });
}

/**
 * The port to preview on: `port` when free; else, on a terminal, the next free one if the person
 * says yes. undefined: do not start (the reason was printed).
 */
export async function choosePort(host: string, port: number, log: Logger, interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<number | undefined> {
  if (!(await portTaken(host, port))) return port;
  const what = (await isPreview(host, port))
    ? `a solarpress preview is already running on http://${host}:${port}/ (another \`npm run dev\`?)`
    : `port ${port} on ${host} is used by another program`;
  const free = await nextFreePort(host, port);
  if (free === undefined) {
    log.warn(`${what}, and no port up to ${port + 100} is free: stop a server or pass --port`);
    return undefined;
  }
  if (!interactive) {
    log.warn(`${what}.\nPort ${free} is free: npm run dev -- --port ${free}`);
    return undefined;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`${what}.\nPreview this one on port ${free} instead? [Y/n] `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes' ? free : undefined;
  } finally {
    prompt.close();
  }
}
