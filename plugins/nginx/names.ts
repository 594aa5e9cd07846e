/**
 * What `server_name` and `listen` may hold. Both go into the config as nginx tokens: a `;`, a
 * brace, a quote or a line break in them would end the directive and start another (another
 * server name, an `include`). Only the forms below are accepted, so nothing else can get in.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** RFC 1123 labels: letters, digits and inner hyphens, at most 63 characters. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isHostName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

/**
 * Why one `server_name` entry is refused, or undefined when nginx takes it as meant: a host name,
 * an IP address, a wildcard at either end (`*.example.org`, `example.*`), `.example.org` (it and
 * its subdomains), or `_` (matches nothing, for catch-all servers). Regular expressions are not
 * offered: they are the one form whose meaning a typo changes silently.
 */
export function serverNameProblem(name: string): string | undefined {
  if (name === '_' || isIPv4(name) || (name.startsWith('[') && name.endsWith(']') && isIPv6(name.slice(1, -1)))) return undefined;
  const bare = name.startsWith('*.') ? name.slice(2) : name.endsWith('.*') ? name.slice(0, -2) : name.startsWith('.') ? name.slice(1) : name;
  if (isHostName(bare)) return undefined;
  if (name.startsWith('~')) return `server name "${name}": regular expressions are not supported, list the host names`;
  if (bare.includes('*')) return `server name "${name}": a wildcard may only stand for whole labels at the start (*.example.org) or the end (example.*)`;
  return `server name ${JSON.stringify(name)} is not a host name (RFC 1123: letters, digits, hyphens and dots; separate several names with spaces)`;
}

/** The names of a `serverName` setting, split on spaces and tabs only (a line break is refused). */
export function serverNames(value: string): string[] {
  return value.split(/[ \t]+/).filter(Boolean);
}

/**
 * Why a `listen` address is refused, or undefined: `*` (every IPv4 address), an IPv4 address, an
 * IPv6 address in brackets (`[::]`, `[::1]`) or a host name. Ports are their own settings.
 */
export function listenProblem(address: string): string | undefined {
  if (address === '*' || isIPv4(address) || isHostName(address)) return undefined;
  if (address.startsWith('[') && address.endsWith(']') && isIPv6(address.slice(1, -1))) return undefined;
  if (isIPv6(address)) return `listen address "${address}": write an IPv6 address in brackets, [${address}]`;
  if (/^(\*|[\w.-]+|\[[0-9a-f:.]+\]):\d+$/i.test(address)) return `listen address "${address}": give the address alone, the ports are httpPort and httpsPort (--http-port, --https-port)`;
  return `listen address ${JSON.stringify(address)} is not an address: use *, an IPv4 address, [IPv6] or a host name`;
}
