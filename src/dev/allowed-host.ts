/**
 * Which Host headers the preview server answers. A web page can point a name it controls at
 * 127.0.0.1 (DNS rebinding) and read the drafts: such a request carries that name as its Host.
 * Answered: IP addresses (a page can only send one as Host from that very address, so it is the
 * preview's own origin), `localhost` and `*.localhost` (browsers resolve them to loopback
 * themselves), the configured `dev.host`, and the names in `dev.allowedHosts`.
 */
import { isIP } from 'node:net';

/** The host name of a Host header, lower-case, without port or IPv6 brackets; undefined when malformed. */
export function hostNameOf(header: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^\s:[\]/@]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return undefined;
  return (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '');
}

export function hostAllowed(name: string, allowed: readonly string[]): boolean {
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((entry) => {
    const host = entry.toLowerCase().replace(/\.$/, '');
    // '.example.org' allows example.org and every name under it.
    return host.startsWith('.') ? name === host.slice(1) || name.endsWith(host) : name === host;
  });
}
