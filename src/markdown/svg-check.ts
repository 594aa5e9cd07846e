/**
 * Whether an SVG is safe to publish as it is. An SVG is a document: opened from the site's address
 * it runs its scripts and event handlers there, and it may load files from other sites. solarpress
 * refuses such an SVG instead of rewriting it (a silently altered drawing is worse than a clear
 * error): it must parse as XML, and hold no script, no event handler, no embedded document, no
 * stylesheet instruction, and no reference to anything but itself or an embedded raster image.
 */
import { readFileSync } from 'node:fs';
import type { Element, Nodes, Root } from 'xast';
import { fromXml } from 'xast-util-from-xml';
import { refusedScheme } from './link-schemes.ts';

export interface SvgProblem {
  reason: string;
  /** Line in the SVG file. */
  line?: number;
}

/** Elements that run code or embed another document. */
const ACTIVE_ELEMENTS = new Set(['script', 'handler', 'listener', 'iframe', 'embed', 'object', 'frame', 'frameset', 'applet', 'base', 'meta', 'link']);

/** Attributes holding a URL the SVG loads (or, on <a>, follows). */
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'data', 'action', 'formaction', 'poster', 'background', 'srcset', 'srcdoc']);

/** Animation elements, which can set any attribute, a link's target included. */
const ANIMATIONS = new Set(['set', 'animate']);

/** A raster image embedded in the file itself: loads nothing, runs nothing. */
const EMBEDDED_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);/i;

export function svgProblem(file: string): SvgProblem | undefined {
  let tree: Root;
  try {
    tree = fromXml(readFileSync(file, 'utf8'));
  } catch (error) {
    const e = error as { cause?: Error; place?: { line: number } };
    const reason = (e.cause?.message ?? (error as Error).message).split('\n')[0].replace(/ \(line \d+, column \d+\)$/, '');
    return { reason: `it is not well-formed XML: ${reason}`, line: e.place?.line };
  }
  return find(tree);
}

function find(node: Nodes): SvgProblem | undefined {
  const line = node.position?.start.line;
  if (node.type === 'instruction' && node.name.toLowerCase() === 'xml-stylesheet') {
    return { reason: 'an <?xml-stylesheet?> instruction loads a stylesheet from elsewhere', line };
  }
  if (node.type === 'element') {
    const problem = elementProblem(node);
    if (problem) return { reason: problem, line };
  }
  if ('children' in node) {
    for (const child of node.children) {
      const problem = find(child);
      if (problem) return problem;
    }
  }
  return undefined;
}

function elementProblem(node: Element): string | undefined {
  const name = localName(node.name);
  if (ACTIVE_ELEMENTS.has(name)) return `it has a <${node.name}> element`;
  if (name === 'style') {
    const css = node.children.map((c) => ('value' in c ? c.value : '')).join('');
    return cssProblem(css, '<style>');
  }
  for (const [attribute, given] of Object.entries(node.attributes)) {
    const value = given ?? '';
    const local = localName(attribute);
    if (attribute.toLowerCase().startsWith('xmlns')) continue; // namespace names, never loaded
    if (/^on/.test(local)) return `<${node.name}> has an event handler (${attribute})`;
    if (ANIMATIONS.has(name) && local === 'attributename' && (/href$/i.test(value) || /^on/i.test(localName(value)))) {
      return `<${node.name}> animates the attribute ${value}`;
    }
    if (URL_ATTRIBUTES.has(local)) {
      const problem = urlProblem(value, name === 'a');
      if (problem) return `<${node.name} ${attribute}="${value}"> ${problem}`;
    }
    const problem = cssProblem(value, `<${node.name} ${attribute}>`);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a URL in an SVG may not stay, or undefined: fragments and embedded rasters anywhere, safe links on <a>. */
function urlProblem(value: string, isLink: boolean): string | undefined {
  const url = value.trim();
  if (url.startsWith('#') || EMBEDDED_IMAGE.test(url)) return undefined;
  const refused = refusedScheme(url);
  if (refused) return `uses a ${refused}: URL`;
  if (isLink && /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return 'refers to another file or site';
}

/** A problem in CSS text (a <style> element or an attribute value): @import, or url() of anything but a fragment. */
function cssProblem(text: string, where: string): string | undefined {
  // CSS escapes ("\75 rl(") could hide a url(): read the text unescaped.
  const css = text.replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return String.fromCodePoint(code > 0 && code <= 0x10ffff ? code : 0xfffd);
  }).replace(/\\(.)/g, '$1');
  if (/@import/i.test(css)) return `${where} imports a stylesheet (@import)`;
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    const target = match[2].trim();
    if (!target.startsWith('#') && !EMBEDDED_IMAGE.test(target)) return `${where} refers to ${target || 'an empty url()'} (url() may only point inside the SVG)`;
  }
  // An url( the pattern above could not read (unbalanced, odd quoting) is refused too.
  const urls = css.match(/url\(/gi)?.length ?? 0;
  const read = [...css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)].length;
  if (urls !== read) return `${where} has a url() solarpress cannot read`;
  return undefined;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}
