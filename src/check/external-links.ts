/**
 * `check --external`: every http(s) link and image of the site's pages, asked once each — HEAD, and
 * GET when HEAD is refused or fails (many servers answer HEAD badly) — with a timeout, at most
 * `perHost` requests at once to any one host and `concurrency` in all. Only on request: never at
 * build time (builds work offline, and a link elsewhere going down must not stop one).
 */
import { readFileSync } from 'node:fs';
import type { Element, Root } from 'hast';
import { visit } from 'unist-util-visit';
import { ContentError } from '../errors.ts';
import type { Logger, Site, SourceLocation } from '../types.ts';
import { VERSION } from '../version.ts';

export interface ExternalCheckOptions {
  /** Milliseconds to wait for each request's answer (headers). */
  timeoutMs: number;
  /** Requests at once to one host. */
  perHost: number;
  /** Requests at once in all. */
  concurrency: number;
  log: Logger;
}

export interface LinkUse {
  url: string;
  where: SourceLocation[];
}

/** Attributes that make the browser (or the reader) go to another address. */
const URL_ATTRIBUTES: Record<string, string> = { a: 'href', area: 'href', img: 'src', source: 'src', audio: 'src', video: 'src', iframe: 'src' };

/** The external links of the site's content pages, each once, with every place it is used. */
export function externalLinks(site: Site): LinkUse[] {
  const byUrl = new Map<string, LinkUse>();
  const own = site.config.url + '/';
  for (const page of site.pages) {
    if (!page.source || !page.body) continue;
    const found = new Set<string>();
    visit(page.body as Root, 'element', (node: Element) => {
      const attribute = URL_ATTRIBUTES[node.tagName];
      const value = attribute ? node.properties?.[attribute] : undefined;
      if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return;
      // The site's own absolute addresses are the board's: not what this is for.
      if (value.startsWith(own) || value === site.config.url) return;
      found.add(value);
    });
    // Rendered trees keep no source positions (body.ts drops them): the lines come from the source.
    const lines = found.size > 0 ? readFileSync(page.source, 'utf8').split('\n') : [];
    for (const value of found) {
      const url = value.split('#')[0];
      let use = byUrl.get(url);
      if (!use) byUrl.set(url, (use = { url, where: [] }));
      const at = lines.flatMap((text, i) => (text.includes(value) ? [i + 1] : []));
      if (at.length === 0) use.where.push({ file: page.source });
      for (const line of at) use.where.push({ file: page.source, line });
    }
  }
  return [...byUrl.values()].sort((a, b) => (a.url < b.url ? -1 : 1));
}

export type LinkVerdict = { ok: true; status: number } | { ok: false; reason: string };

/** Ask every link; a ContentError per place a broken one is used. */
export async function checkExternalLinks(links: LinkUse[], options: ExternalCheckOptions): Promise<{ errors: ContentError[]; checked: number }> {
  const limit = limiter(options.concurrency);
  const hosts = new Map<string, ReturnType<typeof limiter>>();
  const progress = links.length >= 20 ? options.log.progress('external links', links.length) : undefined;
  const verdicts = await Promise.all(
    links.map(async (link) => {
      const host = new URL(link.url).host;
      if (!hosts.has(host)) hosts.set(host, limiter(options.perHost));
      // Take the host's slot first: a slow host then holds none of the others' slots.
      const verdict = await hosts.get(host)!(() => limit(() => ask(link.url, options.timeoutMs)));
      progress?.tick();
      return verdict;
    }),
  );
  progress?.done();
  const errors: ContentError[] = [];
  links.forEach((link, i) => {
    const verdict = verdicts[i];
    if (verdict.ok) return;
    for (const where of link.where) errors.push(new ContentError(`external link ${link.url} ${verdict.reason}`, where, 'fix or remove the link (or link to an archived copy)'));
  });
  return { errors, checked: links.length };
}

/** HEAD, then GET if HEAD did not give a good answer. */
export async function ask(url: string, timeoutMs: number): Promise<LinkVerdict> {
  const head = await request(url, 'HEAD', timeoutMs);
  return head.ok ? head : request(url, 'GET', timeoutMs);
}

async function request(url: string, method: 'HEAD' | 'GET', timeoutMs: number): Promise<LinkVerdict> {
  try {
    const response = await fetch(url, {
      method,
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': `solarpress/${VERSION} (link check)`, accept: '*/*' },
    });
    // Only the status matters: never download the body.
    await response.body?.cancel().catch(() => {});
    if (response.status < 400) return { ok: true, status: response.status };
    return { ok: false, reason: `answers ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, reason: `does not answer within ${timeoutMs / 1000} s` };
    return { ok: false, reason: `cannot be reached (${e.cause?.code ?? e.cause?.message ?? e.message})` };
  }
}

/** At most n of the given tasks run at once. */
function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next in line, so no newcomer slips in between.
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}
