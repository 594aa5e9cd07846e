/**
 * `aliases:` in front matter: old addresses of a page that moved. Each becomes a small redirect page
 * at the old path (src/redirect-pages.ts) and a `return 301` in the generated nginx config.
 * Here: what an alias may be (a page address on this site), its normal form, and clashes between
 * pages' permalinks and aliases, each error naming both files and lines.
 */
import path from 'node:path';
import { ContentError } from '../errors.ts';

/** Characters of an address that nginx's config and the file system take as they are. */
const SAFE = /^[A-Za-z0-9._~!&'()*+,;=:@/\-\u00A0-\uFFFF]*$/u;

/**
 * An alias as written → its normal form: '/old/path/' (a folder address; '/old/path' means the same)
 * or '/old/page.html'. Throws a message saying what is wrong; the caller adds file and line.
 */
export function normalizeAlias(written: string): string {
  const alias = written.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(alias) || alias.startsWith('//') || alias.startsWith('\\\\')) {
    throw new Error(`alias "${written}" points outside the site: an alias is an old address of this site, such as /old/path/`);
  }
  if (!alias.startsWith('/')) throw new Error(`alias "${written}" must start with / (the old address from the site's root, such as /old/path/)`);
  if (/[?#]/.test(alias)) throw new Error(`alias "${written}" has a query or fragment (? or #): an alias is a path only`);
  if (alias.includes('%')) throw new Error(`alias "${written}" is percent-encoded: write the characters themselves (/über/, not /%C3%BCber/)`);
  const bad = [...alias].find((c) => !SAFE.test(c) || /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\uFFFD]/u.test(c));
  if (bad !== undefined) throw new Error(`alias "${written}" holds ${JSON.stringify(bad)}, which an address cannot hold as it is`);
  const segments = alias.split('/').slice(1);
  if (segments.some((s, i) => s === '' && i < segments.length - 1)) throw new Error(`alias "${written}" has an empty segment (//)`);
  if (segments.some((s) => s === '.' || s === '..')) throw new Error(`alias "${written}" has a . or .. segment: write the address it means`);
  if (alias === '/') throw new Error('alias "/" is the home page, which no page can move away from');
  const last = segments[segments.length - 1];
  if (last.startsWith('.') || segments.some((s) => s.startsWith('.'))) throw new Error(`alias "${written}" names a dot-file or dot-folder, which the site never serves`);
  if (last === '') return alias;
  if (/\.html?$/i.test(last)) return alias;
  if (/\.[A-Za-z0-9]{1,5}$/.test(last)) {
    throw new Error(`alias "${written}" is a file (${path.extname(last)}), not a page: an alias is a page address ending in / or .html`);
  }
  return `${alias}/`;
}

/** The file a redirect page for an alias is written to: '/old/' → 'old/index.html'. */
export function aliasOutputPath(alias: string): string {
  return alias.endsWith('/') ? `${alias.slice(1)}index.html` : alias.slice(1);
}

/** Line of item `index` of a front-matter list (`key: [a, b]` on one line, or `- a` lines under it). */
export function lineOfListItem(front: string, keyLine: number | undefined, index: number): number | undefined {
  if (keyLine === undefined) return undefined;
  const lines = front.split('\n');
  if (/:\s*\S/.test(lines[keyLine - 1].replace(/\s+#.*$/, ''))) return keyLine;
  let seen = -1;
  for (let i = keyLine; i < lines.length; i++) {
    if (/^\s*-(\s|$)/.test(lines[i])) seen++;
    else if (/^\S/.test(lines[i])) break;
    if (seen === index) return i + 1;
  }
  return keyLine;
}

export interface AliasOwner {
  /** Absolute path of the page's source. */
  source: string;
  url: string;
  aliases: ReadonlyArray<{ url: string; line?: number }>;
}

/**
 * Two pages at one address: an alias that is another page's permalink (or its own), or the alias of
 * another page (or twice in one page). Each error is at the alias, naming the other file and line.
 */
export function aliasClashes(pages: readonly AliasOwner[], shown: (file: string) => string): ContentError[] {
  const permalinks = new Map(pages.map((p) => [p.url, p]));
  const taken = new Map<string, { page: AliasOwner; line?: number }>();
  const errors: ContentError[] = [];
  const at = (file: string, line?: number) => `${shown(file)}${line ? `:${line}` : ''}`;
  for (const page of pages) {
    for (const alias of page.aliases) {
      const owner = permalinks.get(alias.url);
      const earlier = taken.get(alias.url);
      if (owner) {
        errors.push(
          new ContentError(
            owner === page ? `alias ${alias.url} is this page's own permalink` : `alias ${alias.url} is the permalink of ${at(owner.source)}`,
            { file: page.source, line: alias.line },
            owner === page ? 'remove it: a page does not redirect to itself' : 'remove the alias, or give the other page another `slug:`',
          ),
        );
      } else if (earlier) {
        errors.push(
          new ContentError(
            `alias ${alias.url} is also an alias of ${at(earlier.page.source, earlier.line)}`,
            { file: page.source, line: alias.line },
            'an old address can redirect to one page only: remove one of the two',
          ),
        );
      } else taken.set(alias.url, { page, line: alias.line });
    }
  }
  return errors;
}
