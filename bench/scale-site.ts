/**
 * Writes the synthetic site the scale benchmark builds, for solarpress, Hugo and Eleventy: each
 * article has five paragraphs, a table, a code block, footnotes and three internal links; every
 * tenth article (PHOTO_EVERY) opens with a photo, the same bytes for solarpress and Hugo (Eleventy
 * gets none).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** One article in this many carries a photo. */
export const PHOTO_EVERY = 10;

/** The photos of `total` articles: JPEG, 800x600, photo-like (smooth coloured noise), each different. */
export async function makePhotos(total: number): Promise<Map<number, Buffer>> {
  const photos = new Map<number, Buffer>();
  for (let i = 0; i < total; i += PHOTO_EVERY) {
    const noise = { type: 'gaussian' as const, mean: 60 + (i % 90), sigma: 50 };
    const small = await sharp({ create: { width: 50, height: 38, channels: 3, background: '#000000', noise } }).png().toBuffer();
    photos.set(i, await sharp(small).resize(800, 600, { kernel: 'cubic' }).blur(1.5).jpeg({ quality: 85 }).toBuffer());
  }
  return photos;
}

const photoLine = (i: number, src: string) => `![Photo of the board, article ${i}](${src})\n\n`;

const WORDS = 'solar panel battery server federated message protocol client roster stanza certificate nginx board power sun winter cloud offline reader feed zine club rotterdam'.split(' ');

/** Deterministic pseudo-random words, so every run builds the same site. */
function words(seed: number, count: number): string {
  let x = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(' ');
}

function article(i: number, total: number, link: (target: number) => string): string {
  const targets = [1, 7, 31].map((step) => (i + step) % total);
  const paragraphs = Array.from({ length: 5 }, (_, p) => `${words(i * 10 + p, 60)}.${p === 1 ? '[^1]' : ''}${p === 3 ? '[^2]' : ''}`);
  paragraphs[2] += ` See ${targets.map((t) => `[article ${t}](${link(t)})`).join(', ')}.`;
  return [
    '## Introduction',
    '',
    paragraphs[0],
    '',
    paragraphs[1],
    '',
    '## Details',
    '',
    paragraphs[2],
    '',
    '| Part | Watts | Notes |',
    '|------|------:|-------|',
    `| board | ${(i % 5) + 1}.5 | ${words(i + 3, 3)} |`,
    `| panel | ${(i % 50) + 10} | ${words(i + 4, 3)} |`,
    '',
    paragraphs[3],
    '',
    '```lua',
    `-- config ${i}`,
    'modules_enabled = { "roster"; "saslauth"; "tls"; }',
    `c2s_require_encryption = ${i % 2 === 0}`,
    '```',
    '',
    paragraphs[4],
    '',
    `[^1]: ${words(i + 7, 12)}.`,
    `[^2]: ${words(i + 8, 12)}.`,
    '',
  ].join('\n');
}

/** One article a day from 2008 on: 5,000 articles end in 2021, none dated in the future (a build holds those back). */
const date = (i: number) => new Date(Date.UTC(2008, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** The site's config: the defaults (precompression on) unless said otherwise; `theme` only when not the site's theme/. */
export function solarpressConfig({ theme, precompress = true }: { theme?: string; precompress?: boolean } = {}): string {
  return `export default {
  title: 'Scale benchmark',
  url: 'https://bench.example',
  author: { name: 'Bench' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },${theme ? `\n  theme: ${JSON.stringify(theme)},` : ''}
  budgets: { pageKB: 10000 },${precompress ? '' : '\n  precompress: false,'}
};\n`;
}

export function writeSolarpressSite(dir: string, total = 1000, photos = new Map<number, Buffer>(), theme?: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'content/articles/images'), { recursive: true });
  writeFileSync(path.join(dir, 'site.config.ts'), solarpressConfig({ theme }));
  for (let i = 0; i < total; i++) {
    const front = `---\ntitle: "Article ${i}"\ndate: ${date(i)}\nsummary: "Synthetic article ${i}."\ntags: [bench, t${i % 10}]\n---\n\n`;
    const photo = photos.get(i);
    if (photo) writeFileSync(path.join(dir, `content/articles/images/photo-${i}.jpg`), photo);
    writeFileSync(path.join(dir, `content/articles/article-${i}.md`), front + (photo ? photoLine(i, `images/photo-${i}.jpg`) : '') + article(i, total, (t) => `article-${t}.md`));
  }
}

/**
 * What Hugo's image render hook does with each photo when the site asks it to process them (Hugo
 * 0.111 has no dither filter; `images.Dither` came in 0.116): fit within 800×800 as the dither
 * does, a greyscale PNG for the page and a JPEG (quality 80) of the original, both linked from it.
 */
const HUGO_IMAGE_HOOK =
  '{{ with resources.Get (strings.TrimPrefix "/" .Destination) }}' +
  '{{ $shown := .Fit "800x800 png" | images.Filter images.Grayscale }}{{ $original := .Fit "800x800 jpg q80" }}' +
  '<a href="{{ $original.RelPermalink }}"><img src="{{ $shown.RelPermalink }}" alt="{{ $.Text }}" width="{{ $shown.Width }}" height="{{ $shown.Height }}"></a>' +
  '{{ end }}\n';

/**
 * The same articles for Hugo, with minimal layouts. Its photos are copied as they are, or, with
 * `processImages`, resized and converted by Hugo itself (HUGO_IMAGE_HOOK), the nearest Hugo comes to
 * the solar theme's work on them.
 */
export function writeHugoSite(dir: string, total = 1000, photos = new Map<number, Buffer>(), { processImages = false } = {}): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'content/articles'), { recursive: true });
  const images = path.join(dir, processImages ? 'assets/images' : 'static/images');
  mkdirSync(images, { recursive: true });
  mkdirSync(path.join(dir, 'layouts/_default/_markup'), { recursive: true });
  if (processImages) writeFileSync(path.join(dir, 'layouts/_default/_markup/render-image.html'), HUGO_IMAGE_HOOK);
  writeFileSync(path.join(dir, 'hugo.toml'), `baseURL = "https://bench.example/"\ntitle = "Scale benchmark"\ndisableKinds = ["taxonomy", "term"]\n[markup.goldmark.extensions]\n  typographer = true\n`);
  const shell = (main: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><main>${main}</main></body></html>\n`;
  writeFileSync(path.join(dir, 'layouts/_default/single.html'), shell('{{ .Content }}'));
  writeFileSync(path.join(dir, 'layouts/_default/list.html'), shell('{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'));
  writeFileSync(path.join(dir, 'layouts/index.html'), shell('{{ range .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}'));
  for (let i = 0; i < total; i++) {
    const front = `---\ntitle: "Article ${i}"\ndate: ${date(i)}\nsummary: "Synthetic article ${i}."\ntags: [bench, t${i % 10}]\n---\n\n`;
    const photo = photos.get(i);
    if (photo) writeFileSync(path.join(images, `photo-${i}.jpg`), photo);
    writeFileSync(path.join(dir, `content/articles/article-${i}.md`), front + (photo ? photoLine(i, `/images/photo-${i}.jpg`) : '') + article(i, total, (t) => `/articles/article-${t}/`));
  }
}

/**
 * The same articles for Eleventy 3 (markdown-it, typographer on; no footnote plugin, so footnote
 * markers stay text) with the same minimal layouts, in Nunjucks.
 */
export function writeEleventySite(dir: string, total = 1000): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'content/articles'), { recursive: true });
  mkdirSync(path.join(dir, 'content/_includes'), { recursive: true });
  writeFileSync(
    path.join(dir, 'eleventy.config.mjs'),
    `export default function (config) {\n  config.amendLibrary('md', (md) => md.set({ typographer: true }));\n  return { dir: { input: 'content', output: 'public' } };\n}\n`,
  );
  const shell = (main: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body><h1>{{ title }}</h1><main>${main}</main></body></html>\n`;
  writeFileSync(path.join(dir, 'content/_includes/single.njk'), shell('{{ content | safe }}'));
  writeFileSync(path.join(dir, 'content/index.njk'), `---\ntitle: Scale benchmark\n---\n${shell('{% for p in collections.article %}<a href="{{ p.url }}">{{ p.data.title }}</a>{% endfor %}')}`);
  writeFileSync(path.join(dir, 'content/articles/articles.json'), JSON.stringify({ layout: 'single.njk', tags: ['article'] }));
  for (let i = 0; i < total; i++) {
    const front = `---\ntitle: "Article ${i}"\ndate: ${date(i)}\nsummary: "Synthetic article ${i}."\n---\n\n`;
    writeFileSync(path.join(dir, `content/articles/article-${i}.md`), front + article(i, total, (t) => `/articles/article-${t}/`));
  }
}
