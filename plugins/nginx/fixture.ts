/**
 * Test and benchmark fixtures: a real long article page made from the club's low-tech website guide
 * (seed 002), and a small site around it with every kind of file nginx treats differently.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SEED = join(PROJECT_ROOT, '..', 'shared', 'seeds', '002_03247e29d30d687a.txt');
export const CSS_URL = '/assets/solar.3f2a1b9c.css';

/** The guide "How to build a Low-Tech website: Software & Hardware", as paragraphs. */
export function lowTechGuideParagraphs(seedPath = SEED): { title: string; paragraphs: string[] } {
  const text = readFileSync(seedPath, 'utf8');
  const title = 'How to build a Low-Tech website: Software & Hardware';
  const start = text.indexOf(title);
  const end = text.indexOf('Have you considered the alternative?', start);
  if (start < 0 || end < 0) throw new Error(`${seedPath}: the low-tech website guide was not found`);
  const paragraphs = text
    .slice(start + title.length, end)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return { title, paragraphs };
}

/** A whole article page like the theme's: header, battery meter, long body, footer. */
export function articlePage(seedPath = SEED): string {
  const { title, paragraphs } = lowTechGuideParagraphs(seedPath);
  const tree = h(null, [
    { type: 'doctype' },
    h('html', { lang: 'en' }, [
      h('head', [
        h('meta', { charset: 'utf-8' }),
        h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
        h('title', `${title} | Homebrew Server Club`),
        h('link', { rel: 'stylesheet', href: CSS_URL }),
        h('link', { rel: 'stylesheet', href: '/api/battery.css' }),
        h('link', { rel: 'alternate', type: 'application/atom+xml', href: '/feed.xml', title: 'Homebrew Server Club' }),
      ]),
      h('body', [
        h('header.site-header', [h('a', { href: '/' }, 'Homebrew Server Club'), h('span.battery-label')]),
        h('main', [
          h('article', [
            h('h1', title),
            h('p.meta', 'Guide · 2018 · Homebrew Server Club'),
            ...paragraphs.map((p) => (p.length < 70 && !/[.:]$/.test(p) ? h('h2', p) : h('p', p))),
          ]),
        ]),
        h('footer', h('p', 'Served from a solar-powered board in Rotterdam.')),
      ]),
    ]),
  ]);
  return toHtml(tree);
}

export interface FixtureSite {
  root: string;
  acmeRoot: string;
  acmeToken: string;
}

function put(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/** A small site: home, article, fingerprinted CSS, feed, live stats, 404 page, dotfiles, ACME token. */
export function writeFixtureSite(dir: string): FixtureSite {
  const root = join(dir, 'site');
  const acmeRoot = join(dir, 'acme');
  const article = articlePage();
  put(join(root, 'index.html'), article.replace('<h1>', '<h1>Home: '));
  put(join(root, 'low-tech-website', 'index.html'), article);
  put(join(root, '404.html'), '<!doctype html><html lang="en"><title>Not found</title><h1>Page not found</h1><p>The board has no such page.</p></html>\n');
  put(
    join(root, CSS_URL),
    Array.from({ length: 40 }, (_, i) => `.block-${i} { margin: ${i}px 0; color: #222; background: #f4f1e8; }`).join('\n') + '\n',
  );
  const { paragraphs } = lowTechGuideParagraphs();
  put(
    join(root, 'feed.xml'),
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Homebrew Server Club</title>` +
      paragraphs
        .slice(0, 20)
        .map((p, i) => `<entry><id>urn:hbsc:${i}</id><title>Part ${i}</title><content type="text">${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</content></entry>`)
        .join('') +
      '</feed>\n',
  );
  put(join(root, 'feed.json'), JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Homebrew Server Club', items: [] }));
  put(
    join(root, 'api', 'stats.json'),
    JSON.stringify({ schema: 1, generated: '2026-11-23T18:00:00Z', battery: { percent: 64, charging: true }, padding: 'x'.repeat(600) }),
  );
  put(join(root, '.secret'), 'not for the web\n');
  put(join(root, '.git', 'config'), '[core]\n');
  const acmeToken = 'token-' + 'abc123'.repeat(4);
  put(join(acmeRoot, '.well-known', 'acme-challenge', acmeToken), `${acmeToken}.thumbprint\n`);
  return { root, acmeRoot, acmeToken };
}
