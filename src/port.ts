/**
 * Is a port taken, and which is the next free one: so that a second `npm run dev` (or `serve`) says
 * so before it builds anything, instead of failing with EADDRINUSE afterwards.
 */
import { createServer } from 'node:net';
import { ContentError } from './errors.ts';

/** Why nothing can listen on host:port, said for people (a host that is no address here, a port kept for root). */
const CANNOT_LISTEN: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  EADDRNOTAVAIL: 'not an address of this machine',
  EACCES: 'permission denied (ports below 1024 need root)',
};

/** Whether something listens on host:port now (found by trying to listen there ourselves). */
export function portTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') return resolve(true);
      const reason = CANNOT_LISTEN[error.code ?? ''];
      if (!reason) return reject(error);
      reject(new ContentError(`cannot listen on ${host} port ${port}: ${reason}`, undefined, 'listen on an address of this machine (--host, or dev.host in site.config.ts: 127.0.0.1; 0.0.0.0 for every network) and a free port from 1024 up'));
    });
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
