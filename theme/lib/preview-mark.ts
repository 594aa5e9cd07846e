/**
 * In the preview only: a banner on pages a build would leave out (drafts, pages dated in the future),
 * so that an author never mistakes one for a published page. A build never shows it.
 */
import { h } from 'hastscript';
import type { Element } from 'hast';
import type { LayoutContext, Page } from '../../src/types.ts';
import { formatDate, isoDate } from './dates.ts';

/** Dated after now: a build holds it back (src/content/load.ts) unless --future. */
export function isFutureDated(page: Page, now = Date.now()): boolean {
  return page.date !== undefined && page.date.getTime() > now;
}

export function previewMark(ctx: LayoutContext): Element | undefined {
  const { page, mode, config } = ctx;
  if (mode !== 'dev' || page.kind === 'generated') return undefined;
  const lines: Element[] = [];
  if (page.draft) lines.push(h('strong', 'Draft — not published'), h('span', ' (a build leaves it out; remove draft: true to publish it)'));
  if (isFutureDated(page)) {
    if (lines.length) lines.push(h('br'));
    lines.push(
      h('strong', ['Dated ', h('time', { dateTime: isoDate(page.date!) }, formatDate(page.date!, config.language))]),
      h('span', ' — held back by build until then (build --future publishes it now)'),
    );
  }
  return lines.length ? h('p.preview-mark', { role: 'note' }, lines) : undefined;
}
