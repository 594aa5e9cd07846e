/**
 * rehype plugin, last in the chain: local files no plugin published (an image when dithering is
 * off, a PDF a page links to) are published as they are, under /media/ with a content hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { fileApi } from './file-api.ts';
import type { ImageInfo } from '../types.ts';

export interface PublishData {
  source?: string;
  published?: ImageInfo;
}

export default function rehypePublishFiles() {
  return (tree: Root, file: VFile) => {
    const api = fileApi(file);
    visit(tree, 'element', (node: Element) => {
      const data = node.data as PublishData | undefined;
      if (!data?.source || data.published) return;
      const bytes = readFileSync(data.source);
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const ext = path.extname(data.source).toLowerCase();
      const url = `/media/${path.basename(data.source, ext)}.${hash}${ext}`;
      api.emitFile(url.slice(1), data.source);
      node.properties[node.tagName === 'img' ? 'src' : 'href'] = url;
    });
  };
}
