/**
 * Pictures the extracted texts lost (issue 15). The seeds kept a screenshot's caption as a line of
 * its own; the content marks each such caption `*[Image lost: caption]*`, and a sentence that points
 * at a lost picture ("the screenshot to the right") says "[screenshot lost]" or is followed by the
 * marked caption. These find what still points at nothing.
 */
import type { Nodes, Paragraph, Parent, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';

/** The text of a marked caption. */
export const LOST_IMAGE = /^\[Image lost: [^\]]+\]$/;

/** Words that send the reader to a picture. */
const POINTS_AT_PICTURE = /screenshot|as shown below|the following (?:screenshot|image|picture)/i;

/** A paragraph that is one emphasis and nothing else: a caption, in these texts. */
function captionOf(node: Nodes): string | undefined {
  if (node.type !== 'paragraph') return undefined;
  const [only, ...rest] = (node as Paragraph).children;
  return only && rest.length === 0 && only.type === 'emphasis' ? toString(only) : undefined;
}

/** Captions standing alone with no image beside them and no "Image lost" mark. */
export function unmarkedCaptions(tree: Root): string[] {
  const found: string[] = [];
  visit(tree, 'paragraph', (node) => {
    const caption = captionOf(node);
    if (caption !== undefined && !LOST_IMAGE.test(caption)) found.push(caption);
  });
  return found;
}

/** Sentences that point at a picture when what follows is no picture and no marked lost one. */
export function pointersToNothing(tree: Root): string[] {
  const found: string[] = [];
  visit(tree, (node, index, parent: Parent | undefined) => {
    if (node.type !== 'paragraph' || !parent || index === undefined) return;
    const text = toString(node);
    if (!POINTS_AT_PICTURE.test(text) || LOST_IMAGE.test(text) || text.includes('[screenshot lost]')) return;
    const next = parent.children[index + 1] as Nodes | undefined;
    // "as shown below" before a command or config points at the code, not at a picture.
    if (next?.type === 'code') return;
    let pictureNext = false;
    if (next) visit(next, 'image', () => void (pictureNext = true));
    const nextCaption = next && captionOf(next);
    if (!pictureNext && !(nextCaption && LOST_IMAGE.test(nextCaption))) found.push(text);
  });
  return found;
}

/** Marked captions in a text. */
export function lostImages(tree: Root): string[] {
  const found: string[] = [];
  visit(tree, 'paragraph', (node) => {
    const caption = captionOf(node);
    if (caption !== undefined && LOST_IMAGE.test(caption)) found.push(caption);
  });
  return found;
}
