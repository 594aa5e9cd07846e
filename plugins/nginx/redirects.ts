/**
 * Moved pages (front matter `aliases:`): a map from each old address to the page's permalink, and
 * one `return 301` at server level. The build also writes a redirect page at each old address, so
 * an address keeps working (by meta refresh) until this config is rendered again.
 */
import { movedAddresses } from '../../src/content/redirects.ts';
import { block, directive, type ConfNode } from './conf.ts';

export const MOVED_VAR = '$solarpress_moved';

/** An old address and the permalink it moved to, both site-absolute paths. */
export interface Redirect {
  from: string;
  to: string;
}

/** The map (http context); nothing when no page has moved. */
export function redirectMap(redirects: readonly Redirect[]): ConfNode[] {
  if (redirects.length === 0) return [];
  const rows: ConfNode[] = [directive('default', [''])];
  const moved = [...movedAddresses(redirects)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [from, to] of moved) rows.push(directive(from, [to]));
  return [
    block('map', ['$uri', MOVED_VAR], rows, `Pages that moved (aliases: in their front matter): old address -> permalink.\nRender this file again after adding an alias; until then the redirect page the build writes there answers.`),
  ];
}

/** The 301 itself (server context: an `if` with only a return is safe there). */
export function redirectGuard(redirects: readonly Redirect[]): ConfNode[] {
  if (redirects.length === 0) return [];
  return [block('if', [`(${MOVED_VAR})`], [directive('return', [301, MOVED_VAR])], 'Moved pages: permanently, to the page\'s address now.')];
}
