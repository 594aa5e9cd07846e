/** `solarpress nginx`: print the site file (or a standalone nginx.conf) for the board. */
import { resolve } from 'node:path';
import { writeAtomic } from '../../src/cache/atomic.js';
import { parseFlags } from '../../src/cli/flags.ts';
import { reportError } from '../../src/cli/report.ts';
import { CommandError, UsageError } from '../../src/errors.ts';
import type { CommandEnv, CommandSpec } from '../../src/types.ts';
import { detectStandaloneEnvironment, systemNginxLoadsBrotli } from './environment.ts';
import { resolveServerOptions, serverSchema, type ServerOptions, type ServerOptionsInput } from './options.ts';
import { renderSiteConfig } from './site.ts';
import { renderStandaloneConfig } from './standalone.ts';
import type { Redirect } from './redirects.ts';

export const USAGE = `Usage: solarpress nginx [options]

Print the nginx config that serves the built site on the board, from the \`server\` section of
site.config.ts, with a 301 for every old address of a moved page (\`aliases:\` in the content's front
matter: render again after adding one). Every setting below overrides the config.

  --server-name NAME     host name(s) nginx answers to (default: the host of the site's url)
  --root DIR             the live site folder (default /var/www/solarpress/current)
  --api-dir DIR          folder served at /api/ (default: api/ beside "current")
  --listen ADDR          address to listen on, repeatable ('*', '[::]', '127.0.0.1')
  --http-port N          plain HTTP port (default 80)
  --https-port N         HTTPS port (default 443)
  --cert FILE            certificate chain (default: Let's Encrypt's fullchain.pem)
  --key FILE             private key (default: Let's Encrypt's privkey.pem)
  --nginx-version X.Y.Z  nginx on the board, decides the HTTP/2 syntax (default 1.22.1)
  --tls PROFILE          intermediate (default) or legacy
  --brotli auto|on|off   brotli_static (auto: if the module is installed on this machine)
  --out FILE             write to FILE (atomically) instead of standard output
  --standalone           a complete nginx.conf instead of a site file; needs --prefix
  --prefix DIR           absolute folder for pid, logs and temp files (nginx -p DIR -c FILE)
  --help                 show this help

Examples:
  solarpress nginx --out /etc/nginx/sites-available/solarpress
  solarpress nginx --standalone --prefix /tmp/ngx --listen 127.0.0.1 --http-port 8080 --https-port 8443 \\
    --root ./dist --cert cert.pem --key key.pem --out /tmp/ngx/nginx.conf
`;

const FLAG_OF: Record<string, string> = {
  serverName: '--server-name',
  root: '--root',
  apiDir: '--api-dir',
  listen: '--listen',
  httpPort: '--http-port',
  httpsPort: '--https-port',
  cert: '--cert',
  key: '--key',
  nginxVersion: '--nginx-version',
  tls: '--tls',
  brotli: '--brotli',
};

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a port number, got "${value}"`);
  return Number(value);
}

function brotliFlag(value: string | undefined): ServerOptionsInput['brotli'] | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return 'auto';
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new UsageError(`--brotli must be auto, on or off, got "${value}"`);
}

function parse(args: string[]) {
  return parseFlags(args, {
    'server-name': { type: 'string' },
    root: { type: 'string' },
    'api-dir': { type: 'string' },
    listen: { type: 'string', multiple: true },
    'http-port': { type: 'string' },
    'https-port': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'nginx-version': { type: 'string' },
    tls: { type: 'string' },
    brotli: { type: 'string' },
    out: { type: 'string' },
    standalone: { type: 'boolean' },
    prefix: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }).values;
}

/** Relative paths on the command line are relative to where the admin typed them. */
function abs(path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(path);
}

/** Apply the flags over the config's section and validate the result like the config itself. */
function overrideOptions(base: ServerOptions, flags: ReturnType<typeof parse>): ServerOptions {
  const overrides: Partial<ServerOptionsInput> = {
    serverName: flags['server-name'],
    root: abs(flags.root),
    apiDir: abs(flags['api-dir']),
    listen: flags.listen,
    httpPort: port('--http-port', flags['http-port']),
    httpsPort: port('--https-port', flags['https-port']),
    cert: abs(flags.cert),
    key: abs(flags.key),
    nginxVersion: flags['nginx-version'],
    tls: flags.tls as ServerOptionsInput['tls'],
    brotli: brotliFlag(flags.brotli),
  };
  const merged = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  const result = serverSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const where = FLAG_OF[key] && (overrides as Record<string, unknown>)[key] !== undefined ? FLAG_OF[key] : `server.${issue.path.join('.')}`;
    throw new UsageError(`${where}: ${issue.message}`);
  }
  return result.data;
}

export interface NginxCommandContext {
  /** The validated `server` section. */
  options: ServerOptions;
  /** The site's public URL (default server name). */
  siteUrl?: string;
  /** Old addresses of moved pages and where they went (front matter `aliases:`), read when rendering. */
  redirects?: () => Redirect[];
}

export function nginxCommand(context: NginxCommandContext): CommandSpec {
  return {
    name: 'nginx',
    summary: 'print the nginx config for the board (or a standalone nginx.conf)',
    usage: USAGE,
    async run(args: string[], env: CommandEnv): Promise<number> {
      let flags: ReturnType<typeof parse>;
      let text: string;
      try {
        flags = parse(args);
        if (flags.help) {
          env.stdout.write(USAGE);
          return 0;
        }
        if (flags.standalone && !flags.prefix) throw new UsageError('--standalone needs --prefix DIR (where nginx keeps its pid, logs and temp files)');
        if (flags.prefix && !flags.standalone) throw new UsageError('--prefix only makes sense with --standalone');
        const options = overrideOptions(context.options, flags);
        const redirects = context.redirects?.() ?? [];
        if (flags.standalone) {
          const machine = detectStandaloneEnvironment();
          const resolved = resolveServerOptions(options, { siteUrl: context.siteUrl, brotliAvailable: machine.brotliModule !== undefined });
          text = renderStandaloneConfig(resolved, resolve(flags.prefix!), machine, redirects);
        } else {
          const resolved = resolveServerOptions(options, { siteUrl: context.siteUrl, brotliAvailable: systemNginxLoadsBrotli() });
          text = renderSiteConfig(resolved, redirects);
        }
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        return reportError(new UsageError(error.message, 'run `solarpress nginx --help` for the options'), { root: env.root, write: (text) => env.log.info(text), command: 'solarpress nginx' });
      }
      if (!flags.out) {
        env.stdout.write(text);
        return 0;
      }
      const out = resolve(flags.out);
      try {
        writeAtomic(out, text);
      } catch (error) {
        const problem = new CommandError(`cannot write ${out}: ${(error as Error).message}`, 'check that its folder exists and is writable');
        return reportError(problem, { root: env.root, write: (text) => env.log.info(text), command: 'solarpress nginx' });
      }
      env.log.info(`nginx config written to ${out}`);
      return 0;
    },
  };
}
