/**
 * The `server` section of site.config.ts: how the board's nginx serves the built site.
 * Paths that depend on other settings (certificates, the live /api/ folder) are optional here
 * and filled in by `resolveServerOptions`.
 */
import { posix } from 'node:path';
import * as z from 'zod';
import { listenProblem, serverNameProblem, serverNames } from './names.ts';

/**
 * The site loads nothing from anywhere else; images may also be data: URLs (the theme's favicon is
 * one, so that no request is made for it). The preview server sends the same header.
 */
export const DEFAULT_CSP = "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const port = z.number().int().min(1).max(65535);
const seconds = z.number().int().min(0);

export const serverSchema = z.strictObject({
  /** Host name(s) nginx answers to; default: the host of the site's `url`. */
  serverName: z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      if (/[\r\n]/.test(value)) return void ctx.addIssue({ code: 'custom', message: 'server names cannot hold a line break: separate them with spaces' });
      const names = serverNames(value);
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one host name' });
      for (const name of names) {
        const problem = serverNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .optional(),
  /** The live site (deploy swaps `current` to a new release). */
  root: z.string().min(1).default('/var/www/solarpress/current'),
  /** Folder served at /api/ (stats written by the board); default: `api` beside `current`, else inside root. */
  apiDir: z.string().min(1).optional(),
  /** Addresses to listen on; '*' is every IPv4 address, '[::]' every IPv6 one. */
  listen: z
    .array(
      z
        .string()
        .min(1)
        .superRefine((address, ctx) => {
          const problem = listenProblem(address);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
    )
    .min(1)
    .default(['*', '[::]']),
  httpPort: port.default(80),
  httpsPort: port.default(443),
  /** Certificate chain and key; default: Let's Encrypt's live paths for the first server name. */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Version of the board's nginx: decides the HTTP/2 syntax. Debian 12 ships 1.22.1. */
  nginxVersion: z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'must look like 1.22.1')
    .default('1.22.1'),
  /** 'intermediate': TLS 1.2/1.3 (Mozilla); 'legacy': also TLS 1.0/1.1 and old ciphers, for old machines. */
  tls: z.enum(['intermediate', 'legacy']).default('intermediate'),
  /** Serve the site over plain HTTP too, instead of redirecting to HTTPS (for clients without modern TLS). */
  plainHttp: z.boolean().default(false),
  /** OCSP stapling (Let's Encrypt stopped running OCSP in 2025: leave off for its certificates). */
  ocspStapling: z.boolean().default(false),
  /** Chain for OCSP verification; default: Let's Encrypt's chain.pem beside the certificate. */
  trustedCertificate: z.string().min(1).optional(),
  /** DNS resolver nginx uses to reach the OCSP responder. */
  resolver: z.array(z.string().min(1)).min(1).default(['127.0.0.1']),
  /** Strict-Transport-Security max-age in seconds; 0 sends no HSTS header. */
  hstsMaxAge: seconds.default(63072000),
  /** Cache lifetime of HTML pages (not the home page, which is revalidated every time). */
  htmlMaxAge: seconds.default(86400),
  /** Cache lifetime of feeds (.xml, .rss, .atom, feed.json). */
  feedMaxAge: seconds.default(3600),
  /** While the battery is low (low-power mode): pages, the home page and feeds are cached at least this long. */
  lowPowerMaxAge: seconds.default(21600),
  /** Content-Security-Policy: by default only the site itself. */
  csp: z.string().min(1).default(DEFAULT_CSP),
  /** 'off', or a log without IP addresses (last IPv4 byte / IPv6 host part zeroed, no user agent). */
  accessLog: z.enum(['off', 'anonymized']).default('off'),
  /** Where the anonymized access log goes; default /var/log/nginx/<name>.access.log (standalone: under the prefix). */
  accessLogPath: z.string().min(1).optional(),
  /** `brotli_static on`: 'auto' when the module is installed where the config is rendered. */
  brotli: z.union([z.literal('auto'), z.boolean()]).default('auto'),
  /** Webroot certbot writes http-01 challenges into (`certbot certonly --webroot -w …`). */
  acmeRoot: z.string().min(1).default('/var/www/letsencrypt'),
});

export type ServerOptionsInput = z.input<typeof serverSchema>;
export type ServerOptions = z.output<typeof serverSchema>;

/** Every setting decided: what the generators take. */
export interface ResolvedServerOptions
  extends Omit<ServerOptions, 'serverName' | 'cert' | 'key' | 'apiDir' | 'trustedCertificate' | 'brotli' | 'accessLogPath'> {
  serverName: string;
  cert: string;
  key: string;
  apiDir: string;
  trustedCertificate: string;
  /** Whether `brotli_static` is in the output ('auto' already decided). */
  brotli: boolean;
  /** Explicit access log path; otherwise /var/log/nginx/<name>.access.log, or <prefix>/access.log standalone. */
  accessLogPath?: string;
}

/** Fill the defaults that depend on other settings. `siteUrl` gives the default server name. */
export function resolveServerOptions(
  options: ServerOptions,
  context: { siteUrl?: string; brotliAvailable: boolean },
): ResolvedServerOptions {
  const serverName = options.serverName ?? (context.siteUrl ? new URL(context.siteUrl).hostname : 'localhost');
  const certName = firstServerName(serverName);
  const live = `/etc/letsencrypt/live/${certName}`;
  const root = options.root.replace(/(.)\/+$/, '$1');
  const apiDir =
    options.apiDir ?? (posix.basename(root) === 'current' ? posix.join(posix.dirname(root), 'api') : posix.join(root, 'api'));
  return {
    ...options,
    root,
    serverName,
    apiDir,
    cert: options.cert ?? `${live}/fullchain.pem`,
    key: options.key ?? `${live}/privkey.pem`,
    trustedCertificate: options.trustedCertificate ?? `${live}/chain.pem`,
    brotli: options.brotli === 'auto' ? context.brotliAvailable : options.brotli,
  };
}

export function firstServerName(serverName: string): string {
  return serverNames(serverName)[0];
}

/** Compare dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
