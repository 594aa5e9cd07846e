/**
 * A page body as a book holds it: the feed plugin's transform makes it stand alone (no theme
 * controls, heading anchors or scripts; pictures become their dithered <img>; every URL absolute),
 * then links and images are pointed into the book: a link to a page of the edition goes to that
 * part, a published image becomes a file of the book, anything else stays an absolute URL.
 */
import type { Element, Root } from 'hast';
import { visit } from 'unist-util-visit';
import { feedTree } from '../feed/index.ts';

export interface BookLinkOptions {
  /** The site's base URL (config.url). */
  siteUrl: string;
  /** Site-absolute URL of the page this body is from. */
  pageUrl: string;
  /** Where a page of the edition lives in the book, by its site-absolute URL, given a fragment ('' for none). */
  target(pageUrl: string, fragment: string): string | undefined;
  /** Where a published image (site-absolute URL) lives in the book; called once per image element. */
  image(url: string): string;
}

/** Split an absolute URL of this site into [site-absolute path, fragment], or undefined for another site's. */
function onSite(href: string, siteUrl: string): [string, string] | undefined {
  if (!href.startsWith(siteUrl + '/')) return undefined;
  const rest = href.slice(siteUrl.length);
  const hash = rest.indexOf('#');
  return hash < 0 ? [rest, ''] : [rest.slice(0, hash), rest.slice(hash + 1)];
}

/** unified plugin: point the (absolute) links and images of a feed-clean body into the book. */
export function rehypeBookLinks(options: BookLinkOptions) {
  return (tree: Root): void => {
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'img' && typeof node.properties.src === 'string') {
        const local = onSite(node.properties.src, options.siteUrl);
        if (local) node.properties.src = options.image(local[0]);
        delete node.properties.srcSet;
        delete node.properties.sizes;
      }
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string') return;
      const local = onSite(node.properties.href, options.siteUrl);
      if (!local) return;
      const [pathname, fragment] = local;
      const inBook = options.target(pathname, fragment);
      if (inBook !== undefined) node.properties.href = inBook;
    });
  };
}

/**
 * unified plugin: HTML that browsers forgive but EPUB's XHTML schema rejects, made valid. GFM writes
 * a table column's alignment as the obsolete `align` attribute: it becomes a class ('align-right').
 */
export function rehypeBookMarkup() {
  return (tree: Root): void => {
    visit(tree, 'element', (node: Element) => {
      const align = node.properties.align;
      if (typeof align !== 'string') return;
      delete node.properties.align;
      node.properties.className = [...classesOf(node), `align-${align}`];
    });
  };
}

/** A page body ready for a book: a clone, so the page keeps its own tree. */
export function bookTree(body: Root, options: BookLinkOptions): Root {
  const tree = feedTree(body, { pageUrl: options.siteUrl + options.pageUrl, siteUrl: options.siteUrl });
  rehypeBookLinks(options)(tree);
  rehypeBookMarkup()(tree);
  return tree;
}

/** The classes of an element, as a list. */
export function classesOf(node: Element): string[] {
  const value: unknown = node.properties.className;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/) : [];
}

/** GFM's footnote section (`section.footnotes`), its references and back links: what books turn into notes. */
export function isFootnoteSection(node: Element): boolean {
  return node.tagName === 'section' && classesOf(node).includes('footnotes');
}
export function isFootnoteRef(node: Element): boolean {
  return node.tagName === 'a' && typeof node.properties.href === 'string' && /#user-content-fn-/.test(node.properties.href);
}
export function isFootnoteBackref(node: Element): boolean {
  return node.tagName === 'a' && typeof node.properties.href === 'string' && /#user-content-fnref-/.test(node.properties.href);
}
