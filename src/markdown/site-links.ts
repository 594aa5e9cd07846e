/**
 * Site-absolute links in page bodies (`/about/`, `/files/x.pdf`), checked once the build has made
 * everything it publishes (pages, theme pages, plugins' files): a path the site does not publish is
 * an error at the link's line. Paths the server answers from outside the output (the board's live
 * /api/ folder) are declared by plugins (`servedOutside`) and by the site's `board.statsUrl`; nothing
 * the site publishes itself may lie under them (a page, an alias or a static file there is never seen).
 */
import path from 'node:path';
import { ContentError } from '../errors.ts';
import type { ResolvedConfig, SolarpressPlugin } from '../types.ts';

export interface SiteLink {
  url: string;
  line?: number;
}

/** Path prefixes served outside the output: what plugins declare, and the folder of the live statistics. */
export function servedOutside(config: ResolvedConfig, plugins: readonly SolarpressPlugin[]): string[] {
  const prefixes = plugins.flatMap((p) => p.servedOutside ?? []);
  const stats = config.board.statsUrl;
  if (stats.startsWith('/') && !stats.startsWith('//')) {
    const folder = path.posix.dirname(stats);
    prefixes.push(folder === '/' ? stats : `${folder}/`);
  }
  return prefixes;
}

/** The prefix of `outside` (servedOutside) a site-absolute path lies under: the server answers it from elsewhere. */
export function servedOutsideAt(url: string, outside: readonly string[]): string | undefined {
  return outside.find((prefix) => url.startsWith(prefix));
}

/** A page, alias or static file the site would publish at `url`, under `prefix` (servedOutsideAt): never seen on the server. */
export function shadowedError(url: string, prefix: string, file: string, hint: string): ContentError {
  return new ContentError(
    `would be published at ${url}, but the server answers everything under ${prefix} from outside the site (board.statsUrl, or a plugin's servedOutside): nobody would see it`,
    { file },
    hint,
  );
}

/**
 * Errors for the links of `pages` that name nothing in the output. `published(outputPath)` says
 * whether the output holds a file ('about/index.html').
 */
export function checkSiteLinks(
  pages: ReadonlyArray<{ source: string; links: readonly SiteLink[] }>,
  published: (outputPath: string) => boolean,
  outside: readonly string[],
): ContentError[] {
  const errors: ContentError[] = [];
  for (const { source, links } of pages) {
    for (const { url, line } of links) {
      const problem = linkProblem(url, published, outside);
      if (problem) errors.push(new ContentError(problem.message, { file: source, line }, problem.hint));
    }
  }
  return errors;
}

function linkProblem(url: string, published: (outputPath: string) => boolean, outside: readonly string[]): { message: string; hint: string } | undefined {
  const raw = url.replace(/[?#].*$/s, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { message: `${url} is not a valid link: "%" must start an escape of two hexadecimal digits (like %20)`, hint: 'write %25 for a literal "%", or fix the escape' };
  }
  const normal = path.posix.normalize(decoded);
  if (servedOutsideAt(normal, outside)) return undefined;
  const relative = normal.replace(/^\/+/, '');
  const candidates = relative === '' || relative.endsWith('/') ? [`${relative}index.html`] : [relative, `${relative}/index.html`];
  if (candidates.some(published)) return undefined;
  return {
    message: `link to ${url}, which this site does not publish`,
    hint: 'fix the path, or link the page by its file (../guides/x.md) and local files relatively (files/x.pdf)',
  };
}
