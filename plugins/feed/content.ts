/**
 * The feed-content transform: a page body as a feed reader should get it.
 *
 * Readers show an item outside the site, with no theme, no scripts and often no network for
 * relative links, so every URL becomes absolute (against the item's own permalink, so footnote
 * references stay inside the item), pictures become their plain dithered <img>, and anything
 * that only works on the site (scripts, frames, inline styles, theme controls) goes.
 */
import type { Element, ElementContent, Properties, Root, RootContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { SKIP, walkElements } from '../../src/markdown/walk.ts';
import { isSafeScheme } from '../../src/markdown/link-schemes.ts';
import { cleanText } from './text.ts';

export interface FeedContentOptions {
  /** Absolute URL of the item's page ('https://example.org/zine/9/editorial/'). */
  pageUrl: string;
  /** The site's base URL (config.url, no trailing slash): site-absolute paths resolve against it. */
  siteUrl: string;
}

/** Elements that never make sense in a feed item: gone with everything inside them. */
const DROPPED = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'template',
  'form', 'input', 'button', 'select', 'textarea', 'link', 'meta', 'base', 'dialog', 'canvas',
]);

/** Elements replaced by their children: readers run no scripts, so <noscript> content is what they need. */
const UNWRAPPED = new Set(['noscript']);

/** Properties (hast names) holding one URL. */
const URL_PROPERTIES = [
  'href', 'src', 'poster', 'cite', 'action', 'formAction', 'longDesc', 'background', 'data',
  'itemId', 'codeBase', 'manifest', 'profile', 'xLinkHref',
];

/** Properties the transform removes from every element. */
const DROPPED_PROPERTIES = new Set(['style', 'loading', 'decoding', 'fetchPriority', 'autoFocus', 'contentEditable']);

/**
 * A URL from a page body made absolute, or undefined when it cannot be resolved or its scheme is
 * not one solarpress publishes (the same rule pages follow: src/markdown/link-schemes.ts).
 */
export function absoluteUrl(value: string, { pageUrl, siteUrl }: FeedContentOptions): string | undefined {
  const url = value.trim();
  if (url === '') return pageUrl;
  try {
    // '/media/x.png' is relative to the site, which may live below a path ('https://host/hbsc').
    const resolved = url.startsWith('/') && !url.startsWith('//') ? new URL(siteUrl + url) : new URL(url, pageUrl);
    return isSafeScheme(resolved.protocol) ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

function classes(node: Element): string[] {
  const value: unknown = node.properties.className;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/) : [];
}

/** Theme-only controls: marked `data-theme-control` by the theme, or the original-image toggle. */
export function isThemeControl(node: Element): boolean {
  const mark = node.properties.dataThemeControl;
  return (mark !== undefined && mark !== null && mark !== false) || classes(node).includes('original-toggle');
}

/** The self-link a heading-anchor plugin puts in headings (`a.anchor`, or an `aria-hidden` link). */
function isHeadingAnchor(node: Element): boolean {
  if (node.tagName !== 'a') return false;
  const hidden: unknown = node.properties.ariaHidden;
  return classes(node).includes('anchor') || hidden === true || hidden === 'true';
}

function shouldDrop(node: Element): boolean {
  return DROPPED.has(node.tagName) || isThemeControl(node) || isHeadingAnchor(node);
}

/** The candidates of a srcset: [url, descriptors] pairs (a URL may hold commas, a separator follows it). */
export function parseSrcset(value: string): [string, string][] {
  const candidates: [string, string][] = [];
  let rest = value;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') return candidates;
    const url = /^\S+/.exec(rest)![0];
    rest = rest.slice(url.length);
    if (url.endsWith(',')) {
      candidates.push([url.replace(/,+$/, ''), '']);
      continue;
    }
    const descriptors = /^[^,]*/.exec(rest)![0];
    rest = rest.slice(descriptors.length);
    candidates.push([url, descriptors.trim()]);
  }
}

/** A srcset with every candidate's URL made absolute (hastscript may hand over a list of candidates). */
function absoluteSrcset(value: unknown, options: FeedContentOptions): string | undefined {
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  const out: string[] = [];
  for (const [url, descriptors] of parseSrcset(text)) {
    const resolved = absoluteUrl(url, options);
    if (resolved) out.push(descriptors ? `${resolved} ${descriptors}` : resolved);
  }
  return out.length > 0 ? out.join(', ') : undefined;
}

function cleanProperties(properties: Properties, options: FeedContentOptions): Properties {
  const out: Record<string, Properties[string]> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (DROPPED_PROPERTIES.has(name) || /^on/i.test(name) || value === undefined || value === null) continue;
    // data-* attributes are state for the site's scripts (and may hold site-relative URLs).
    if (/^data[A-Z0-9]/.test(name)) continue;
    if (URL_PROPERTIES.includes(name)) {
      const resolved = absoluteUrl(String(value), options);
      if (resolved) out[name] = resolved;
    } else if (name === 'srcSet') {
      const resolved = absoluteSrcset(value, options);
      if (resolved) out[name] = resolved;
    } else if (name === 'ping') {
      continue; // tracking pings are of no use in a reader
    } else if (typeof value === 'string') {
      out[name] = cleanText(value);
    } else if (Array.isArray(value)) {
      out[name] = value.map((v) => (typeof v === 'string' ? cleanText(v) : v));
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** The <img> elements inside a <picture> (its dithered PNG fallback; the <source>s are left behind). */
function pictureImages(node: Element): ElementContent[] {
  const images: ElementContent[] = [];
  walkElements(node, (child: Element) => {
    if (child.tagName === 'img') {
      images.push(child);
      return SKIP;
    }
  });
  return images;
}

/**
 * The feed copies of a list of nodes, appended to out. The copy is built in one walk instead of
 * cloning the body and rewriting the clone: new elements get their cleaned properties as they are
 * made, since reassigning `properties` on elements that share V8's hidden class with every hast
 * element of the build sent the build's optimized code back to the interpreter.
 */
function feedNodes(nodes: readonly RootContent[], options: FeedContentOptions, out: ElementContent[] = []): ElementContent[] {
  for (const node of nodes) {
    if (node.type === 'comment' || node.type === 'doctype' || node.type === 'raw') continue;
    if (node.type === 'text') {
      out.push({ type: 'text', value: cleanText(node.value) });
    } else if (node.type !== 'element') {
      out.push(structuredClone(node) as ElementContent);
    } else if (shouldDrop(node)) {
      continue;
    } else if (node.tagName === 'picture') {
      feedNodes(pictureImages(node), options, out);
    } else if (UNWRAPPED.has(node.tagName)) {
      feedNodes(node.children, options, out);
    } else {
      const element: Element = {
        type: 'element',
        tagName: node.tagName,
        properties: cleanProperties(node.properties, options),
        children: feedNodes(node.children, options),
      };
      out.push(element);
    }
  }
  return out;
}

/**
 * unified plugin: rewrite a hast tree for a feed (its children replaced by their feed copies). Use
 * it on a copy of a page body, or use `feedTree`: the page itself must keep its site-relative URLs
 * and controls.
 */
export function rehypeFeedContent(options: FeedContentOptions) {
  return (tree: Root): void => {
    tree.children = feedNodes(tree.children, options) as RootContent[];
  };
}

/** A feed copy of a page body: the page's own tree is left untouched. */
export function feedTree(body: Root, options: FeedContentOptions): Root {
  return { type: 'root', children: feedNodes(body.children, options) as RootContent[] };
}

/** The feed HTML of a page body: transformed, serialised, and safe inside a CDATA section. */
export function feedHtml(body: Root, options: FeedContentOptions): string {
  const html = toHtml(feedTree(body, options));
  // ']]>' would end a CDATA section early. Comments and raw-text elements are gone, so it can only
  // sit in text or an attribute value, where '&gt;' means the same '>'.
  return cleanText(html).replaceAll(']]>', ']]&gt;');
}
