/**
 * An EPUB 3 of an edition: cover, title page, navigation document (the parts in print order, and
 * landmarks), one XHTML document per part with its footnotes as endnotes, the dithered images, the
 * metadata, and a small stylesheet. Zipped with fixed timestamps, so the same edition gives the
 * same bytes.
 */
import path from 'node:path';
import type { Element, ElementContent } from 'hast';
import { h } from 'hastscript';
import type { ResolvedConfig } from '../../src/types.ts';
import { bookTree } from './book-body.ts';
import { coverPng } from './cover.ts';
import type { Edition } from './edition.ts';
import { rehypeEpubEndnotes } from './endnotes.ts';
import { EPUB_CSS } from './styles.ts';
import { xhtmlDocument } from './xhtml.ts';
import { epubZip } from './zip.ts';

/** Reads a published file by its output path (no leading slash); undefined when nothing is published there. */
export type ReadOutput = (outputPath: string) => Uint8Array | undefined;

export class MissingImageError extends Error {}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

const partFile = (i: number) => `part-${String(i + 1).padStart(2, '0')}.xhtml`;

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** '2016-12-07' of a date (UTC, like the site's dates). */
const day = (d: Date) => d.toISOString().slice(0, 10);

function listNames(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The files of the book, in the order they are zipped (mimetype first). */
export async function epubFiles(edition: Edition, config: ResolvedConfig, read: ReadOutput): Promise<[string, Uint8Array | string][]> {
  // The cover is drawn by libvips in its own threads: started first, it is ready by the time the
  // parts are laid out on this one. (Awaited below; the catch only keeps an early throw here from
  // leaving its rejection unhandled.)
  const coverImage = coverPng(edition.coverLines);
  coverImage.catch(() => undefined);
  const images = new Map<string, { file: string; type: string }>();
  const byUrl = new Map(edition.parts.map((p, i) => [p.url, partFile(i)]));
  const doc = (title: string, children: ElementContent[], bodyType?: string) =>
    xhtmlDocument({ title, language: edition.language, stylesheet: 'style.css', bodyType, children });

  const parts = edition.parts.map((page, i) => {
    const tree = bookTree(page.body ?? { type: 'root', children: [] }, {
      siteUrl: config.url,
      pageUrl: page.url,
      target: (url, fragment) => {
        const file = url === page.url ? '' : byUrl.get(url);
        if (file === undefined) return undefined;
        return fragment ? `${file}#${fragment}` : file || '#';
      },
      image: (url) => {
        const name = path.posix.basename(url);
        const type = IMAGE_TYPES[path.posix.extname(name).toLowerCase()];
        if (!type) throw new MissingImageError(`${page.source ?? page.url}: the image ${url} is of a type an EPUB cannot hold`);
        images.set(url, { file: `images/${name}`, type });
        return `images/${name}`;
      },
    });
    rehypeEpubEndnotes()(tree);
    const header = [h('h1', page.title), page.authors.length ? h('p.byline', listNames(page.authors)) : undefined].filter(
      (e): e is Element => !!e,
    );
    return doc(page.title, [h('section', { 'epub:type': 'chapter', role: 'doc-chapter', ariaLabel: page.title }, [...header, ...(tree.children as ElementContent[])])]);
  });

  const nav = doc('Contents', [
    h('nav', { 'epub:type': 'toc', role: 'doc-toc', id: 'toc' }, [
      h('h1', 'Contents'),
      h('ol', edition.parts.map((p, i) => h('li', h('a', { href: partFile(i) }, p.title)))),
    ]),
    h('nav', { 'epub:type': 'landmarks', hidden: true }, [
      h('h2', 'Landmarks'),
      h('ol', [
        h('li', h('a', { 'epub:type': 'cover', href: 'cover.xhtml' }, 'Cover')),
        h('li', h('a', { 'epub:type': 'toc', href: 'nav.xhtml#toc' }, 'Contents')),
        edition.parts.length ? h('li', h('a', { 'epub:type': 'bodymatter', href: partFile(0) }, edition.parts[0].title)) : undefined,
      ].filter((e): e is Element => !!e)),
    ]),
  ]);
  const cover = doc(edition.title, [h('div.cover', h('img', { src: 'cover.png', alt: edition.title }))], 'cover');
  const titlePage = doc(edition.title, [
    h('section.title-page', { 'epub:type': 'titlepage' }, [
      h('h1', edition.title),
      h('p', listNames(edition.authors)),
      h('div.meta', [
        edition.date ? h('p', day(edition.date)) : undefined,
        h('p', ['Also on the web: ', h('a', { href: edition.webUrl }, edition.webUrl)]),
        h('p', ['Licence: ', h('a', { href: config.license.url }, config.license.name)]),
      ].filter((e): e is Element => !!e)),
    ]),
  ]);

  const imageFiles: [string, Uint8Array][] = [];
  for (const [url, { file }] of images) {
    const bytes = read(url.slice(1));
    if (!bytes) throw new MissingImageError(`the image ${url} is not published, so the EPUB cannot hold it`);
    imageFiles.push([`EPUB/${file}`, bytes]);
  }

  const manifest = [
    `<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>`,
    `<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>`,
    `<item id="cover-image" href="cover.png" media-type="image/png" properties="cover-image"/>`,
    `<item id="title-page" href="title.xhtml" media-type="application/xhtml+xml"/>`,
    `<item id="style" href="style.css" media-type="text/css"/>`,
    ...edition.parts.map((_, i) => `<item id="part-${i + 1}" href="${partFile(i)}" media-type="application/xhtml+xml"/>`),
    ...[...images.values()].map(({ file, type }, i) => `<item id="image-${i + 1}" href="${escapeXml(file)}" media-type="${type}"/>`),
  ];
  const spine = [
    `<itemref idref="cover" linear="yes"/>`,
    `<itemref idref="title-page"/>`,
    `<itemref idref="nav"/>`,
    ...edition.parts.map((_, i) => `<itemref idref="part-${i + 1}"/>`),
  ];
  const metadata = [
    `<dc:identifier id="uid">${edition.identifier}</dc:identifier>`,
    `<dc:title>${escapeXml(edition.title)}</dc:title>`,
    ...edition.authors.map((a) => `<dc:creator>${escapeXml(a)}</dc:creator>`),
    `<dc:language>${escapeXml(edition.language)}</dc:language>`,
    edition.date ? `<dc:date>${day(edition.date)}</dc:date>` : '',
    `<dc:publisher>${escapeXml(config.title)}</dc:publisher>`,
    `<dc:rights>${escapeXml(`${config.license.name} (${config.license.url})`)}</dc:rights>`,
    `<dc:source>${escapeXml(edition.webUrl)}</dc:source>`,
    `<meta property="dcterms:modified">${edition.modified.toISOString().slice(0, 19)}Z</meta>`,
    `<link rel="dcterms:license" href="${escapeXml(config.license.url)}"/>`,
    `<meta name="cover" content="cover-image"/>`,
  ].filter(Boolean);
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="${escapeXml(edition.language)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    ${metadata.join('\n    ')}
  </metadata>
  <manifest>
    ${manifest.join('\n    ')}
  </manifest>
  <spine>
    ${spine.join('\n    ')}
  </spine>
</package>
`;
  const container = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;
  return [
    ['mimetype', 'application/epub+zip'],
    ['META-INF/container.xml', container],
    ['EPUB/package.opf', opf],
    ['EPUB/nav.xhtml', nav],
    ['EPUB/cover.xhtml', cover],
    ['EPUB/cover.png', await coverImage],
    ['EPUB/title.xhtml', titlePage],
    ['EPUB/style.css', EPUB_CSS],
    ...parts.map((xhtml, i): [string, string] => [`EPUB/${partFile(i)}`, xhtml]),
    ...imageFiles,
  ];
}

/** The EPUB's bytes. */
export async function makeEpub(edition: Edition, config: ResolvedConfig, read: ReadOutput): Promise<Uint8Array> {
  return epubZip(await epubFiles(edition, config, read));
}


