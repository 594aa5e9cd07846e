/**
 * Is a port taken, and which is the next free one: so that a second `npm run dev` (or `serve`) says
 * so before it builds anything, instead of failing with EADDRINUSE afterwards.
 */
import { createServer } from 'node:net';

/** Whether something listens on host:port now (found by trying to listen there ourselves). */
export function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The first free port after `port` (up to 100 further), or undefined. */
export async function nextFreePort(host: string, port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 100, 65535); candidate++) {
    if (!(await portTaken(host, candidate))) return candidate;
  }
  return undefined;
}
