/**
 * GFM footnotes as EPUB 3 endnotes: the reference is a `noteref`, the notes section `endnotes` with
 * one `endnote` per note, and each note keeps its link back to where it was cited (`doc-backlink`),
 * so e-readers show the note in a pop-up and return to the text.
 */
import type { Element, Root } from 'hast';
import { visit } from 'unist-util-visit';
import { isFootnoteBackref, isFootnoteRef, isFootnoteSection } from './book-body.ts';

/** unified plugin: mark up a book body's footnotes as EPUB endnotes (epub:type and DPUB-ARIA roles). */
export function rehypeEpubEndnotes() {
  return (tree: Root): void => {
    visit(tree, 'element', (node: Element) => {
      if (isFootnoteRef(node)) {
        node.properties['epub:type'] = 'noteref';
        node.properties.role = 'doc-noteref';
        delete node.properties.ariaDescribedBy;
      } else if (isFootnoteBackref(node)) {
        node.properties.role = 'doc-backlink';
      } else if (isFootnoteSection(node)) {
        node.properties['epub:type'] = 'endnotes';
        node.properties.role = 'doc-endnotes';
        for (const child of node.children) {
          if (child.type !== 'element') continue;
          // The site hides this heading visually (sr-only); in a book the notes get a visible one.
          if (/^h[1-6]$/.test(child.tagName)) child.properties = { id: child.properties.id };
          if (child.tagName === 'ol') {
            for (const li of child.children) {
              if (li.type === 'element' && li.tagName === 'li') {
                li.properties['epub:type'] = 'endnote';
                li.properties.role = 'doc-endnote';
              }
            }
          }
        }
      }
    });
  };
}
