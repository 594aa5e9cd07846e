/**
 * The response headers the site is served with, defined once: the nginx config renders them as a
 * `map` and `add_header` lines (site.ts), and `solarpress serve` applies the same rules in Node, so
 * the local server answers as the board does. The same goes for on-the-fly gzip.
 */
import type { ResolvedServerOptions } from './options.ts';

/** One line of the Cache-Control map: `match` in nginx map syntax (an exact $uri, or `~regex`). */
export interface CacheRule {
  match: string;
  value: string;
  comment?: string;
}

/** A header every answer of the site carries; `always`: also on errors (nginx adds it only to 2xx/3xx otherwise). */
export interface HeaderRule {
  name: string;
  value: string;
  always: boolean;
  comment?: string;
}

/** nginx's on-the-fly gzip, for files without a precompressed sibling (the live /api/ files). */
export const ON_THE_FLY_GZIP = {
  level: 4,
  /** Smaller answers go as they are. */
  minLength: 256,
  /** Text types worth compressing (text/html is always included by nginx). */
  types: [
    'text/css',
    'text/plain',
    'text/xml',
    'application/javascript',
    'application/json',
    'application/xml',
    'application/rss+xml',
    'application/atom+xml',
    'image/svg+xml',
  ],
};

const YEAR = 'public, max-age=31536000, immutable';

function maxAge(seconds: number): string {
  return seconds === 0 ? 'no-cache' : `public, max-age=${seconds}`;
}

/** Cache-Control by path. `default` is the value when nothing else matches. */
export function cacheRules(o: Pick<ResolvedServerOptions, 'htmlMaxAge' | 'feedMaxAge'>): { default: CacheRule; rules: CacheRule[] } {
  return {
    default: { match: 'default', value: maxAge(o.htmlMaxAge), comment: 'Anything else (favicon, robots.txt, unhashed files): short, like HTML.' },
    rules: [
      { match: '/', value: 'no-cache', comment: 'The home page changes with every post: revalidate every time (a cheap 304 when unchanged).' },
      { match: '/index.html', value: 'no-cache' },
      { match: '~^/api/', value: 'no-cache', comment: 'Live power statistics, rewritten every minute by the board.' },
      {
        match: '~^/assets/.+\\.[0-9a-f]{8,}\\.[a-z0-9]+$',
        value: YEAR,
        comment: 'Theme files with a content hash in their name never change: a year, and `immutable` so browsers do not even revalidate.',
      },
      { match: '~^/media/', value: YEAR, comment: 'Published images are named by their content too.' },
      { match: '~(?:\\.(?:xml|rss|atom)|/feed\\.json)$', value: maxAge(o.feedMaxAge), comment: 'Feeds (Atom, RSS, JSON Feed): readers poll them; an hour spares the board.' },
      { match: '~\\.html$', value: maxAge(o.htmlMaxAge), comment: 'Pages: the club posts rarely, so browsers may keep them a while.' },
    ],
  };
}

/** Security headers; HSTS only over HTTPS. */
export function securityHeaders(o: Pick<ResolvedServerOptions, 'hstsMaxAge' | 'csp'>, https: boolean): HeaderRule[] {
  const headers: HeaderRule[] = [];
  if (https && o.hstsMaxAge > 0) {
    headers.push({
      name: 'Strict-Transport-Security',
      value: `max-age=${o.hstsMaxAge}`,
      always: true,
      comment: 'HSTS: browsers go straight to HTTPS next time, sparing a redirect.',
    });
  }
  headers.push(
    { name: 'Content-Security-Policy', value: o.csp, always: true, comment: 'The site loads nothing from anywhere else: say so.' },
    { name: 'X-Content-Type-Options', value: 'nosniff', always: true },
    { name: 'Referrer-Policy', value: 'no-referrer', always: true, comment: 'Visitors’ reading is nobody else’s business.' },
  );
  return headers;
}

/**
 * The Cache-Control value for a (normalized) URI, as nginx's map picks it: an exact key first, then
 * the regular expressions in order, then the default. (These regexes mean the same in PCRE and JS.)
 */
export function cacheControlFor(uri: string, table: ReturnType<typeof cacheRules>): string {
  const exact = table.rules.find((r) => !r.match.startsWith('~') && r.match === uri);
  if (exact) return exact.value;
  const regex = table.rules.find((r) => r.match.startsWith('~') && new RegExp(r.match.slice(1)).test(uri));
  return (regex ?? table.default).value;
}
