/**
 * XHTML documents for the EPUB, serialised from hast through xast (hast-util-to-xast,
 * xast-util-to-xml): well-formed XML by construction, never by string munging.
 */
import type { ElementContent, Root } from 'hast';
import { h } from 'hastscript';
import { toXast } from 'hast-util-to-xast';
import { toXml } from 'xast-util-to-xml';

export interface XhtmlDocument {
  title: string;
  language: string;
  /** Book-relative URL of the stylesheet ('style.css'). */
  stylesheet: string;
  /** epub:type of the body's section ('chapter', 'cover', 'toc', …), if any. */
  bodyType?: string;
  children: ElementContent[];
}

export const EPUB_NS = 'http://www.idpf.org/2007/ops';

/** A whole XHTML5 document: XML declaration, doctype, html with the xhtml and epub namespaces. */
export function xhtmlDocument(doc: XhtmlDocument): string {
  const html = h('html', { xmlns: 'http://www.w3.org/1999/xhtml', 'xmlns:epub': EPUB_NS, lang: doc.language, 'xml:lang': doc.language }, [
    h('head', [h('meta', { charSet: 'utf-8' }), h('title', doc.title), h('link', { rel: 'stylesheet', type: 'text/css', href: doc.stylesheet })]),
    h('body', doc.bodyType ? { 'epub:type': doc.bodyType } : {}, doc.children),
  ]);
  const tree: Root = { type: 'root', children: [html] };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n${toXml(toXast(tree), { closeEmptyElements: true })}\n`;
}
