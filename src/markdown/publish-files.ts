/**
 * rehype plugin, last in the chain: local files no plugin published (an image when dithering is
 * off, a PDF a page links to) are published as they are, under /media/ with a content hash. Their
 * paths were checked when links were resolved (resolve-links.ts: inside the site's folders).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import sharp from 'sharp';
import type { VFile } from 'vfile';
import { contentTypeOf } from '../content-types.ts';
import { fileApi } from './file-api.ts';
import type { ImageInfo } from '../types.ts';
import { walkElements } from './walk.ts';

export interface PublishData {
  source?: string;
  /** The reference's `?query#fragment` (resolve-links.ts), kept on a link. */
  suffix?: string;
  published?: ImageInfo;
}

/** Extensions of the image files a page may show (their type comes from the one content-type table). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.svg']);

export default function rehypePublishFiles() {
  return async (tree: Root, file: VFile) => {
    const api = fileApi(file);
    const images: Array<Promise<void>> = [];
    walkElements(tree, (node) => {
      const data = node.data as PublishData | undefined;
      if (!data?.source || data.published) return;
      const bytes = readFileSync(data.source);
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const ext = path.extname(data.source).toLowerCase();
      const url = `/media/${path.basename(data.source, ext)}.${hash}${ext}`;
      api.emitFile(url.slice(1), data.source);
      node.properties[node.tagName === 'img' ? 'src' : 'href'] = node.tagName === 'img' ? url : url + (data.suffix ?? '');
      if (node.tagName === 'img' && IMAGE_EXTENSIONS.has(ext)) images.push(describe(node, url, contentTypeOf(ext).split(';')[0], bytes));
    });
    await Promise.all(images);
  };
}

/** What a lead image needs (feeds, Open Graph): an image published as it is, with its size. */
async function describe(node: Element, url: string, type: string, bytes: Buffer): Promise<void> {
  let width = 0;
  let height = 0;
  try {
    ({ width = 0, height = 0 } = await sharp(bytes).metadata());
  } catch {
    // not an image sharp can read: published all the same, the browser decides
  }
  node.data = { ...node.data, published: { url, width, height, type, bytes: bytes.length } } as Element['data'];
}
