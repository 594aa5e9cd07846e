/**
 * rehype plugin: every link and image a page body writes, checked (a problem is an error at file:line).
 * - schemes: only those of link-schemes.ts (`javascript:`, `vbscript:`, `data:` are refused);
 * - `[text](other.md#part)` → the target page's permalink (a broken one is an error);
 * - `![alt](images/x.png)` and links to other local files must be files inside the site's folders
 *   after symlinks (local-files.ts); the real path goes to `element.data.source` for the image
 *   plugins and the publish step, and the file becomes a dependency of the page;
 * - site-absolute paths (`/about/`) are recorded with `linksTo`, and checked once the build has
 *   made everything it publishes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { fileApi } from './file-api.ts';
import { refusedScheme, schemeHint, schemeOf } from './link-schemes.ts';
import { decodeReference, isInside, publishableRoots, resolveLocalFile } from './local-files.ts';
import type { PublishData } from './publish-files.ts';
import { walkElements } from './walk.ts';
import { ContentError } from '../errors.ts';

/** Another site, without a scheme ('//host/x'); browsers read a backslash as a slash here. */
const PROTOCOL_RELATIVE = /^\s*[\\/]{2}/;

export default function rehypeResolveLinks() {
  return (tree: Root, file: VFile) => {
    const api = fileApi(file);
    const from = file.path;
    const contentDir = path.resolve(api.ctx.root, api.ctx.config.contentDir);
    const roots = publishableRoots(api.ctx.root, api.ctx.config);
    walkElements(tree, (node) => {
      const attribute = node.tagName === 'a' ? 'href' : node.tagName === 'img' ? 'src' : undefined;
      if (!attribute) return;
      const value = node.properties[attribute];
      if (typeof value !== 'string' || value === '') return;
      const line = node.position?.start.line;
      const where = { file: from, line, column: node.position?.start.column };
      const what = node.tagName === 'img' ? 'image' : 'link';
      const refused = refusedScheme(value);
      if (refused) throw new ContentError(`${what} to a ${refused}: URL is not published`, where, schemeHint(refused));
      if (PROTOCOL_RELATIVE.test(value) || schemeOf(value)) {
        if (node.tagName === 'img' && /^(https?:)?[\\/]{2}/i.test(value.trim())) {
          api.warn(`image ${value} is on another site: readers' browsers would contact it. Save it into content/ and link it relatively`, line);
        }
        return;
      }
      if (value.startsWith('#')) return;
      if (value.startsWith('/')) {
        api.linksTo(value, line);
        return;
      }
      const [rawPath, suffix] = splitReference(value);
      const target = path.resolve(path.dirname(from), decodeReference(rawPath, where));
      if (target.endsWith('.md')) {
        const id = path.relative(contentDir, target).split(path.sep).join('/');
        const url = isInside(target, [contentDir]) ? api.urlOf(id) : undefined;
        if (url === undefined) {
          const exists = existsSync(target);
          throw new ContentError(
            !exists ? `broken link: ${rawPath} does not exist` : isInside(target, [contentDir]) ? `link to ${rawPath}, which is a draft or not published` : `link to ${rawPath}, which lies outside ${api.ctx.config.contentDir}/`,
            where,
            exists ? 'publish the target or remove the link' : 'fix the path (it is relative to this file) or remove the link',
          );
        }
        node.properties[attribute] = url + suffix;
        return;
      }
      const local = resolveLocalFile(target, rawPath, what, roots, api.ctx.root, where);
      api.dependOn(local.path);
      const data: PublishData = { source: local.real, suffix };
      node.data = { ...node.data, ...data } as Element['data'];
    });
  };
}

/** `file.pdf?download#page=2` → the file's path, and the query and fragment the published link keeps. */
function splitReference(value: string): [path: string, suffix: string] {
  const at = value.search(/[?#]/);
  return at === -1 ? [value, ''] : [value.slice(0, at), value.slice(at)];
}
