/**
 * Figures from image paragraphs. A paragraph holding only an image (or a <picture>) becomes a <figure>;
 * the text that follows it — on the next lines of the same paragraph, or as the next paragraph —
 * becomes its <figcaption>. A dithered image (one with data-original) gets the "view original"
 * control: a plain link to the original.
 * The first image of a page loads eagerly (it is likely in view); every other one lazily.
 * Each figure carries a hidden note the board's battery.css shows when it holds images back.
 */
import { h } from 'hastscript';
import { walk, walkElements } from 'solarpress/src/markdown/walk.ts';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { VFile } from 'vfile';

type Node = RootContent | ElementContent;

const isWhitespace = (n: Node): boolean => n.type === 'text' && /^[\t\n\f\r ]*$/.test(n.value);
const isElement = (n: Node | undefined, tag?: string): n is Element =>
  !!n && n.type === 'element' && (tag === undefined || n.tagName === tag);

/** The image (img, picture, or either inside a link) a child stands for, if it is one. */
function isMedia(n: Node): boolean {
  if (n.type !== 'element') return false;
  if (n.tagName === 'img' || n.tagName === 'picture') return true;
  if (n.tagName === 'a') {
    const inner = n.children.filter((c) => !isWhitespace(c));
    return inner.length === 1 && isMedia(inner[0]);
  }
  return false;
}

/** Splits a paragraph into its leading image and the caption text after it, or undefined. */
function splitImageParagraph(p: Element): { media: Element; caption: ElementContent[] } | undefined {
  const [lead, second] = p.children;
  // Most paragraphs are text: answered before the children are copied.
  const candidate = lead && isWhitespace(lead) ? second : lead;
  if (!candidate || !isMedia(candidate)) return undefined;
  const kids = p.children.filter((c, i) => !(isWhitespace(c) && i === 0));
  const first = kids[0];
  let rest = kids.slice(1);
  // Markdown: "![alt](x.png)\nCaption" is one paragraph; a <br> may also separate them.
  while (rest[0] && (isWhitespace(rest[0]) || isElement(rest[0], 'br'))) rest = rest.slice(1);
  if (rest[0]?.type === 'text') rest = [{ ...rest[0], value: rest[0].value.replace(/^\s+/, '') }, ...rest.slice(1)];
  if (rest.some((c) => isMedia(c))) return undefined;
  return { media: first as Element, caption: rest };
}

/** A paragraph of text that may serve as a caption (not another image paragraph). */
function isCaptionParagraph(n: Node | undefined): n is Element {
  return isElement(n, 'p') && !splitImageParagraph(n) && n.children.some((c) => !isWhitespace(c));
}

function imageOf(media: Element): Element | undefined {
  let img: Element | undefined;
  walkElements(media, (e: Element) => {
    if (e.tagName === 'img' && !img) img = e;
  });
  return img;
}

function originalControl(img: Element): Element | undefined {
  const original = img.properties.dataOriginal;
  if (typeof original !== 'string' || !original) return undefined;
  return h('p.figure-tools', { dataThemeControl: true }, [
    h('a.original-link', { href: original, dataOriginalToggle: true }, 'View the original image'),
  ]);
}

/**
 * What a figure shows while the board holds images back (low-power mode): the image's description
 * and a note with the charge. Hidden until the board's battery.css shows it (and hides the image),
 * so it works without JavaScript; left out of feeds, whose readers fetch images later.
 */
export function heldBackNote(alt: string, what = 'Image'): Element {
  return h('p.held-back', { hidden: true, dataThemeControl: true }, [
    `${what} held back to save power: battery at `,
    h('span.battery-percent'),
    '.',
    ...(alt ? [' ', h('span.held-back-alt', alt)] : []),
  ]);
}

function figureOf(media: Element, caption: ElementContent[]): Element {
  const img = imageOf(media);
  const control = img ? originalControl(img) : undefined;
  const alt = typeof img?.properties.alt === 'string' ? img.properties.alt.trim() : '';
  return h('figure.figure', [media, heldBackNote(alt), control, caption.length ? h('figcaption', caption) : undefined]);
}

export interface FiguresOptions {
  /** Warn about images without alt text (through the build's FileApi). Default true. */
  warnMissingAlt?: boolean;
}

export default function rehypeFigures(options: FiguresOptions = {}) {
  const warnMissingAlt = options.warnMissingAlt ?? true;
  return (tree: Root, file: VFile) => {
    walk<Node | Root>(tree, (node, index, parent) => {
      if (!parent || index === undefined || node.type === 'root' || !isElement(node, 'p')) return;
      const p = node;
      const split = splitImageParagraph(p);
      if (!split) return;
      const siblings = parent.children as Node[];
      let caption = split.caption;
      let removeNext = 0;
      if (!caption.length) {
        // The caption may be the next paragraph (skipping the whitespace between them).
        let j = index + 1;
        while (siblings[j] && isWhitespace(siblings[j])) j++;
        const next = siblings[j];
        if (isCaptionParagraph(next)) {
          caption = next.children;
          removeNext = j - index;
        }
      }
      siblings.splice(index, 1 + removeNext, figureOf(split.media, caption));
      // Past the figure: its image paragraph is not walked again.
      return index + 1;
    });

    let first = true;
    walkElements(tree, (e: Element) => {
      if (e.tagName !== 'img') return;
      if (first) {
        delete e.properties.loading;
        e.properties.fetchPriority = 'high';
        first = false;
      } else {
        e.properties.loading = 'lazy';
      }
      e.properties.decoding = 'async';
      const alt = e.properties.alt;
      // The dither plugin already warns about the images it published (those with data-original).
      if (warnMissingAlt && e.properties.dataOriginal === undefined && (typeof alt !== 'string' || !alt.trim())) {
        file.data.solarpress?.warn(`image without alt text: ${String(e.properties.src)} (describe it: ![what it shows](…))`, e.position?.start.line);
      }
    });
  };
}
