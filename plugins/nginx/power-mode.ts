/**
 * Low-power mode in the nginx config: the board's stats script (scripts/solar-stats.sh) creates
 * `low-power.flag` and `text-only.flag` in the /api/ folder when the battery runs low, and nginx
 * tests them on every request (a stat each), so the site gets lighter without a reload:
 * low power refuses the images under /media/, text only refuses every image and script. Pages,
 * CSS and feeds are always served; in either mode HTML and feeds may be cached longer.
 */
import { posix } from 'node:path';
import { block, directive, type ConfNode } from './conf.ts';
import { cacheRules, type CacheRule } from './headers.ts';
import type { ResolvedServerOptions } from './options.ts';

export const LOW_POWER_FLAG = 'low-power.flag';
export const TEXT_ONLY_FLAG = 'text-only.flag';

const POWER_VAR = '$solarpress_power';
const HELD_VAR = '$solarpress_held_back';
export const CACHE_NORMAL_VAR = '$solarpress_cache_normal';
const CACHE_LOW_VAR = '$solarpress_cache_low';

const IMAGE = 'png|jpe?g|gif|webp|avif|svg|bmp|ico';

function maxAge(seconds: number): string {
  return seconds === 0 ? 'no-cache' : `public, max-age=${seconds}`;
}

/** The cache table while the battery is low: pages, the home page and feeds kept at least lowPowerMaxAge. */
export function lowPowerCacheRules(o: Pick<ResolvedServerOptions, 'htmlMaxAge' | 'feedMaxAge' | 'lowPowerMaxAge'>): { default: CacheRule; rules: CacheRule[] } {
  const low = o.lowPowerMaxAge;
  const table = cacheRules({ htmlMaxAge: Math.max(o.htmlMaxAge, low), feedMaxAge: Math.max(o.feedMaxAge, low) });
  const home = (r: CacheRule) => r.match === '/' || r.match === '/index.html';
  return { default: table.default, rules: table.rules.map((r) => (home(r) && low > 0 ? { ...r, value: maxAge(low), comment: undefined } : { ...r, comment: undefined })) };
}

/** http-level maps: what is held back in which mode, and the Cache-Control of each mode. */
export function powerModeMaps(o: ResolvedServerOptions, cacheVar: string): ConfNode[] {
  const table = lowPowerCacheRules(o);
  return [
    block(
      'map',
      [`${POWER_VAR}:$uri`, HELD_VAR],
      [
        directive('default', [0]),
        directive(`~*^low:/media/.+\\.(?:${IMAGE})$`, [1], 'Low power: the images of the articles.'),
        directive(`~*^text:.+\\.(?:${IMAGE}|js|mjs)$`, [1], 'Text only: every image (the power chart too) and script; HTML, CSS and feeds stay.'),
      ],
      'Held back while the battery is low (the mode comes from the flags, tested in the server below).',
    ),
    block(
      'map',
      ['$uri', CACHE_LOW_VAR],
      [table.default, ...table.rules].map((rule) => directive(rule.match, [rule.value], rule.comment)),
      `Cache-Control while the battery is low: pages, the home page and feeds kept at least ${o.lowPowerMaxAge} s\n(lowPowerMaxAge), so returning readers cost the board nothing.`,
    ),
    block(
      'map',
      [POWER_VAR, cacheVar],
      [directive('default', [CACHE_NORMAL_VAR]), directive('low', [CACHE_LOW_VAR]), directive('text', [CACHE_LOW_VAR])],
      'Cache-Control: the table of the current power mode.',
    ),
  ];
}

/** Server-level rewrite directives: read the flags, refuse what the mode holds back. */
export function powerModeGuard(o: ResolvedServerOptions): ConfNode[] {
  const flag = (name: string) => posix.join(o.apiDir, name);
  return [
    directive(
      'set',
      [POWER_VAR, 'normal'],
      `Power mode, from the flags the board's stats script writes in ${o.apiDir} (scripts/README.md):\ntested on each request, so a switch needs no reload.`,
    ),
    block('if', ['(-f', `${flag(LOW_POWER_FLAG)})`], [directive('set', [POWER_VAR, 'low'])]),
    block('if', ['(-f', `${flag(TEXT_ONLY_FLAG)})`], [directive('set', [POWER_VAR, 'text'])]),
    block(
      'if',
      [`(${HELD_VAR})`],
      [directive('return', [503])],
      'Held back to save power: 503 (try later), never cached; pages show the image description instead.',
    ),
  ];
}
