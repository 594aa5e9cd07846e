/**
 * Page weight: what a reader's browser downloads for a page, compressed — the HTML itself, the theme's
 * CSS and JS, and the images it shows (the WebP source of a <picture> when there is one, as modern
 * browsers take it). The originals behind "view original" are only fetched on demand, so they don't count.
 */
import { gzipSync } from 'node:zlib';
import { toHtml } from 'hast-util-to-html';
import { walkElements } from 'solarpress/src/markdown/walk.ts';
import type { Element, Root } from 'hast';

/** Every resource URL a page loads on its own: stylesheets, scripts, images. Same-site URLs only. */
export function loadedResources(tree: Root): string[] {
  const urls = new Set<string>();
  walkElements(tree, (node: Element, _index, parent) => {
    const p = node.properties;
    if (node.tagName === 'link' && hasToken(p.rel, 'stylesheet') && typeof p.href === 'string') urls.add(p.href);
    else if (node.tagName === 'script' && typeof p.src === 'string') urls.add(p.src);
    else if (node.tagName === 'img' && typeof p.src === 'string') {
      const source = parent && parent.type === 'element' && parent.tagName === 'picture' ? firstSource(parent) : undefined;
      urls.add(source ?? p.src);
    }
  });
  return [...urls].filter((u) => u.startsWith('/') && !u.startsWith('//'));
}

function hasToken(value: unknown, token: string): boolean {
  return Array.isArray(value) ? value.includes(token) : value === token;
}

function firstSource(picture: Element): string | undefined {
  for (const child of picture.children) {
    if (child.type === 'element' && child.tagName === 'source') {
      const srcset = child.properties.srcSet;
      const first = Array.isArray(srcset) ? String(srcset[0]) : typeof srcset === 'string' ? srcset : undefined;
      if (first) return first.trim().split(/\s+/)[0];
    }
  }
  return undefined;
}

export function gzipSize(html: string): number {
  return gzipSync(html, { level: 9 }).length;
}

/**
 * Bytes of the page as served: the gzipped HTML plus each resource's compressed size.
 * Resources whose size the build does not know (the board's live /api files) are left out.
 */
export function pageWeight(tree: Root, compressedSize: (url: string) => number | undefined): number {
  let bytes = gzipSize(toHtml(tree));
  for (const url of loadedResources(tree)) bytes += compressedSize(url) ?? 0;
  return bytes;
}

/** '38 KB' — whole kilobytes (1 KB = 1024 bytes), at least 1. */
export function formatKB(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
