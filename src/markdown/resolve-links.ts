/**
 * rehype plugin: local references in a page body.
 * - `[text](other.md#part)` → the target page's permalink (a broken one is an error at file:line);
 * - `![alt](images/x.png)` and links to other local files must exist; the absolute path goes to
 *   `element.data.source` for the image plugins, and the file becomes a dependency of the page.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { fileApi } from './file-api.ts';
import { ContentError } from '../errors.ts';

export interface LocalSource {
  source?: string;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#|\/)/i;

export default function rehypeResolveLinks() {
  return (tree: Root, file: VFile) => {
    const api = fileApi(file);
    const from = file.path;
    const contentDir = path.resolve(api.ctx.root, api.ctx.config.contentDir);
    visit(tree, 'element', (node: Element) => {
      const attribute = node.tagName === 'a' ? 'href' : node.tagName === 'img' ? 'src' : undefined;
      if (!attribute) return;
      const value = node.properties[attribute];
      if (typeof value !== 'string' || value === '' || EXTERNAL.test(value)) {
        if (node.tagName === 'img' && typeof value === 'string' && /^(https?:)?\/\//i.test(value)) {
          api.warn(`image ${value} is on another site: readers' browsers would contact it. Save it into content/ and link it relatively`, node.position?.start.line);
        }
        return;
      }
      const [rawPath, hash] = splitHash(value);
      const target = path.resolve(path.dirname(from), decodeURIComponent(rawPath));
      const where = { file: from, line: node.position?.start.line, column: node.position?.start.column };
      if (target.endsWith('.md')) {
        const id = path.relative(contentDir, target).split(path.sep).join('/');
        const url = api.urlOf(id);
        if (url === undefined) {
          const exists = existsSync(target);
          throw new ContentError(
            exists ? `link to ${rawPath}, which is a draft or not published` : `broken link: ${rawPath} does not exist`,
            where,
            exists ? 'publish the target or remove the link' : 'fix the path (it is relative to this file) or remove the link',
          );
        }
        node.properties[attribute] = hash ? `${url}#${hash}` : url;
        return;
      }
      if (!existsSync(target) || !statSync(target).isFile()) {
        const what = node.tagName === 'img' ? 'missing image' : 'link to a missing file';
        throw new ContentError(`${what}: ${rawPath}`, where, `put the file at ${path.relative(api.ctx.root, target)} or fix the path (relative to this file)`);
      }
      api.dependOn(target);
      node.data = { ...node.data, source: target } as Element['data'];
    });
  };
}

function splitHash(value: string): [string, string | undefined] {
  const at = value.indexOf('#');
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
