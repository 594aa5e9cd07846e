/**
 * Which local files a page may publish: only files that lie, after every symbolic link is followed,
 * inside one of the site's folders (content/ and static/: `publishableRoots`). A post
 * must not be able to publish /etc/passwd or ~/.ssh/id_ed25519 by linking to `../../..`.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ContentError } from '../errors.ts';
import type { ResolvedConfig, SourceLocation } from '../types.ts';
import { svgProblem } from './svg-check.ts';

/** The folders whose files pages may publish, as real paths (symlinks followed). */
export function publishableRoots(root: string, config: Pick<ResolvedConfig, 'contentDir' | 'staticDir'>): string[] {
  return [config.contentDir, config.staticDir].map((dir) => realOrSelf(path.resolve(root, dir)));
}

// realpath(3) in one call: node's realpathSync walks every part of the path with an lstat each,
// for every page (most of the link check's time in a cold build of 1,000 pages).
const realpath = realpathSync.native;

function realOrSelf(dir: string): string {
  try {
    return realpath(dir);
  } catch {
    return dir;
  }
}

/** Files a browser runs as documents (scripts and all): like raw HTML, not published from a page. */
const DOCUMENTS = new Set(['.html', '.htm', '.xhtml', '.xht', '.shtml', '.xml', '.xsl', '.xslt']);

export function isInside(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

/** The path of a URL as written in Markdown, percent-decoded; a clear error for malformed escapes. */
export function decodeReference(reference: string, where: SourceLocation): string {
  try {
    return decodeURIComponent(reference);
  } catch {
    throw new ContentError(
      `${reference} is not a valid link: "%" must start an escape of two hexadecimal digits (like %20)`,
      where,
      'write %25 for a literal "%", or fix the escape',
    );
  }
}

export interface LocalFile {
  /** Absolute path as written (a dependency: a retargeted symlink changes what it reads). */
  path: string;
  /** The file itself, every symlink followed: what gets published. */
  real: string;
}

/**
 * A local file a page publishes (`what`: 'image', 'link', 'lead image'), checked: it exists, is a
 * regular file, lies inside the publishable roots after symlinks, is not hidden nor an HTML/XML
 * document, and if it is an SVG, holds nothing active. Anything else is a ContentError at `where`.
 */
export function resolveLocalFile(target: string, shown: string, what: string, roots: readonly string[], root: string, where: SourceLocation): LocalFile {
  let real: string;
  try {
    real = realpath(target);
  } catch {
    throw new ContentError(`${what === 'link' ? 'link to a missing file' : `missing ${what}`}: ${shown}`, where, `put the file at ${path.relative(root, target)} or fix the path (relative to this file)`);
  }
  if (!isInside(real, roots)) {
    const via = real === target ? '' : ` (through a symbolic link, to ${real})`;
    throw new ContentError(
      `${what} ${shown} lies outside the site's folders${via}: solarpress publishes only files inside ${roots.map((r) => `${path.relative(root, r) || '.'}/`).join(' and ')}`,
      where,
      'copy the file into content/ beside the page and link it relatively',
    );
  }
  if (!statSync(real).isFile()) {
    throw new ContentError(`${what === 'link' ? 'link to a missing file' : `missing ${what}`}: ${shown} is not a file`, where, 'link a file, not a folder');
  }
  const inside = roots.find((r) => isInside(real, [r]))!;
  if (path.relative(inside, real).split(path.sep).some((part) => part.startsWith('.'))) {
    throw new ContentError(`${what} ${shown} is a hidden file (its path has a part starting with ".")`, where, 'hidden files are never published (the board does not serve them): rename it');
  }
  if (DOCUMENTS.has(path.extname(real).toLowerCase())) {
    throw new ContentError(
      `${what} ${shown} is a web document: published under /media/ it would run on the site's address`,
      where,
      'link a PDF or text version instead, or put the file in static/ if the site itself should serve it (and link it by its site path)',
    );
  }
  if (path.extname(real).toLowerCase() === '.svg') {
    const problem = svgProblem(real);
    if (problem) {
      throw new ContentError(
        `SVG ${shown} cannot be published: ${problem.reason}${problem.line ? ` (line ${problem.line} of the SVG)` : ''}`,
        where,
        'an SVG published on the site must hold only drawing: remove scripts, event handlers and references to other files or sites (save it as plain SVG), or use a PNG',
      );
    }
  }
  return { path: target, real };
}
