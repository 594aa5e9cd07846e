/**
 * The print edition as one HTML document for Chromium to print on A5: cover, contents with page
 * numbers, then each part on new pages, with its own running head (a named page per part: CSS
 * page margin boxes), page numbers, its footnotes, and its printed URL list.
 */
import type { Element, ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';
import type { ResolvedConfig } from '../../../src/types.ts';
import { bookTree, isFootnoteRef, isFootnoteSection } from '../book-body.ts';
import type { Edition } from '../edition.ts';
import type { PrintImage } from './images.ts';
import { rehypePrintedUrls } from './printed-urls.ts';
import { PRINT_CSS } from './styles.ts';

export interface PrintDocumentOptions {
  /** Printed page number of each part's first page (pass 2), or undefined (pass 1 prints '…'). */
  pageNumbers?: number[];
  /** Pass 1: a marker link in each part's heading, so the part's first page can be found in the PDF. */
  markers: boolean;
  /** A published image (site-absolute URL) as it is printed (print/images.ts); undefined leaves it as it is. */
  image(url: string): PrintImage | undefined;
}

/** The marker URL of part i, found in pass 1's PDF annotations. */
export const markerUrl = (i: number) => `https://solarpress.invalid/part/${i}`;

const partId = (i: number) => `part-${i + 1}`;

function cssString(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;
}

function listNames(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Ids made unique across the parts (one document): 'part-3--enabling-https'; in-part links follow. */
function prefixIds(tree: Root, prefix: string): void {
  visit(tree, 'element', (node: Element) => {
    if (typeof node.properties.id === 'string') node.properties.id = `${prefix}--${node.properties.id}`;
    const href = node.properties.href;
    if (typeof href === 'string' && href.startsWith('#') && href.length > 1) node.properties.href = `#${prefix}--${href.slice(1)}`;
    if (typeof node.properties.ariaDescribedBy === 'string') delete node.properties.ariaDescribedBy;
  });
}

/** Footnotes on paper: references read "[1]", the notes are headed "Notes". */
function printFootnotes(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    if (isFootnoteRef(node)) node.children = [{ type: 'text', value: `[${hastTextOf(node)}]` }];
    if (isFootnoteSection(node)) {
      for (const child of node.children) {
        if (child.type === 'element' && /^h[1-6]$/.test(child.tagName)) {
          child.properties = { id: child.properties.id };
          child.children = [{ type: 'text', value: 'Notes' }];
        }
      }
    }
  });
}

function hastTextOf(node: Element): string {
  return node.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? hastTextOf(c) : '')).join('');
}

export function printDocument(edition: Edition, config: ResolvedConfig, options: PrintDocumentOptions): string {
  const pageCss: string[] = [];
  const parts = edition.parts.map((page, i) => {
    const id = partId(i);
    const printed = new Map<string, PrintImage>();
    const tree = bookTree(page.body ?? { type: 'root', children: [] }, {
      siteUrl: config.url,
      pageUrl: page.url,
      // Links between parts stay web links (printed with their URL); a link inside the part stays a fragment.
      target: (url, fragment) => (url === page.url ? (fragment ? `#${fragment}` : `#${id}`) : undefined),
      image: (url) => {
        const image = options.image(url);
        if (!image) return url;
        printed.set(image.src, image);
        return image.src;
      },
    });
    // Each image exactly as wide as it was dithered for, so its dots are the print dither's.
    visit(tree, 'element', (node: Element) => {
      const image = node.tagName === 'img' ? printed.get(String(node.properties.src)) : undefined;
      if (image?.widthMm === undefined) return;
      delete node.properties.width;
      delete node.properties.height;
      node.properties.style = `width: ${image.widthMm.toFixed(2)}mm`;
    });
    printFootnotes(tree);
    rehypePrintedUrls({ heading: 'Links' })(tree);
    prefixIds(tree, id);
    pageCss.push(`@page ${id} { @top-center { content: ${cssString(page.title)} } }`);
    const title: ElementContent[] = [{ type: 'text', value: page.title }];
    // The same box in both prints, so that both break pages alike; only the first links it.
    title.push(options.markers ? h('a.marker', { href: markerUrl(i) }, '\u200b') : h('span.marker', '\u200b'));
    return h(`section.part`, { id, style: `page: ${id}` }, [
      h('p.part-number', `Part ${i + 1}`),
      h('h1.part-title', title),
      page.authors.length ? h('p.byline', listNames(page.authors)) : undefined,
      ...(tree.children as ElementContent[]),
    ].filter((e): e is Element => !!e));
  });

  const cover = h('section.cover', [
    h('div.cover-frame', edition.coverLines.map((line) => h('p.cover-line', line))),
    h('div.cover-meta', [
      h('p.cover-title', edition.title),
      h('p', listNames(edition.authors)),
      edition.date ? h('p', edition.date.toISOString().slice(0, 10)) : undefined,
    ].filter((e): e is Element => !!e)),
  ]);
  const contents = h('section.contents', [
    h('h1', 'Contents'),
    h(
      'ol',
      edition.parts.map((p, i) =>
        h('li', [
          h('a', { href: `#${partId(i)}` }, [h('span.toc-title', p.title), h('span.toc-page', options.pageNumbers ? String(options.pageNumbers[i]) : '00')]),
        ]),
      ),
    ),
    h('div.colophon', [
      h('p', ['Also on the web: ', edition.webUrl]),
      h('p', ['Licence: ', config.license.name, ' ', config.license.url]),
    ]),
  ]);
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: edition.language }, [
        h('head', [h('meta', { charSet: 'utf-8' }), h('title', edition.title), h('style', PRINT_CSS + '\n' + pageCss.join('\n'))]),
        h('body', [cover, contents, ...parts]),
      ]),
    ],
  };
  return toHtml(tree);
}
