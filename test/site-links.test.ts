/**
 * Every same-site reference in the built real site leads somewhere: the theme's own links (menu,
 * categories, tags, archive, neighbours, feeds, assets, the zine's parts) as much as the bodies'
 * (which the build checks itself). Each page of a real build is parsed as a browser would (parse5;
 * hast-util-from-html's type augmentation would make every hast element carry a position); every href, src and
 * srcset on the site's origin must name a file the build published, and a fragment must name an id
 * in the page it points at (or be #top, the top of any page in HTML). /api/ is the board's (written on the board, not by the build).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, type DefaultTreeAdapterTypes as Parse5 } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { copyRealSite } from './support/real-site.ts';
import { removeSite } from './support/site.ts';

let site = '';
let dist = '';
beforeAll(async () => {
  site = copyRealSite('site-links-');
  dist = path.join(site, 'dist');
  await build({ root: site, log: createLogger({ quiet: true }) });
}, 300_000);
afterAll(() => {
  if (site) removeSite(site);
});

interface Reference {
  from: string;
  url: string;
}

/** The site-relative references of one page: `/x/`, `/x.css`, `#part`, `../x` (not other sites or schemes). */
function referencesOf(file: string, html: string): { refs: Reference[]; ids: Set<string> } {
  const refs: Reference[] = [];
  const ids = new Set<string>();
  const from = '/' + path.relative(dist, file).split(path.sep).join('/');
  const visit = (node: Parse5.ParentNode) => {
    for (const child of node.childNodes) {
      if (!('tagName' in child)) continue;
      const attribute = (name: string) => child.attrs.find((a) => a.name === name)?.value;
      const id = attribute('id') ?? (child.tagName === 'a' ? attribute('name') : undefined);
      if (id !== undefined) ids.add(id);
      const urls = [attribute('href'), attribute('src')].filter((u): u is string => u !== undefined && u !== '');
      for (const candidate of (attribute('srcset') ?? '').split(',')) if (candidate.trim()) urls.push(candidate.trim().split(/\s+/)[0]);
      for (const url of urls) {
        if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) continue;
        const resolved = new URL(url, `https://site.invalid${from}`);
        refs.push({ from, url: resolved.pathname + resolved.hash });
      }
      visit(child);
    }
  };
  visit(parse(html));
  return { refs, ids };
}

/** The file a site path is answered with, as nginx's `try_files $uri $uri/index.html` would. */
function fileOf(urlPath: string): string | undefined {
  const decoded = decodeURIComponent(urlPath);
  for (const candidate of [decoded, path.posix.join(decoded, 'index.html')]) {
    const file = path.join(dist, candidate);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

describe('the built real site', () => {
  it('names only files it publishes, and only ids its pages have', () => {
    const pages = (readdirSync(dist, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.html')).map((f) => path.join(dist, f));
    expect(pages.length).toBeGreaterThan(40);
    const read = new Map(pages.map((file) => [file, referencesOf(file, readFileSync(file, 'utf8'))]));
    const broken: string[] = [];
    let checked = 0;
    for (const { refs } of read.values()) {
      for (const { from, url } of refs) {
        const [pathname, fragment] = url.split('#');
        if (pathname.startsWith('/api/')) continue;
        checked++;
        const target = fileOf(pathname);
        if (!target) {
          broken.push(`${from}: ${url} (no such file)`);
          continue;
        }
        const ids = read.get(target)?.ids;
        // HTML gives #top to the top of every document (the theme's "back to top" links).
        if (fragment && fragment.toLowerCase() !== 'top' && ids && !ids.has(decodeURIComponent(fragment))) broken.push(`${from}: ${url} (no id "${fragment}" there)`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(broken).toEqual([]);
  });
});
