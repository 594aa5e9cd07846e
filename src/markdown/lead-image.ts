/**
 * The `image:` front-matter key: a file written relatively to the page (`image: images/cover.jpg`),
 * checked like a body image (inside the site's folders, after symlinks), published like one (the
 * same rehype plugins: dithered when dithering is on) and made the page's lead image (Open Graph,
 * feed enclosures), ahead of the body's first image.
 */
import path from 'node:path';
import type { Element, Root } from 'hast';
import { h } from 'hastscript';
import type { VFile } from 'vfile';
import { ContentError } from '../errors.ts';
import type { FileApi, ImageInfo } from '../types.ts';
import { schemeOf } from './link-schemes.ts';
import { publishableRoots, resolveLocalFile } from './local-files.ts';
import type { PublishProcessor } from './processor.ts';
import { IMAGE_EXTENSIONS, type PublishData } from './publish-files.ts';
import { walkElements } from './walk.ts';

export async function publishLeadImage(value: string, line: number | undefined, api: FileApi, publisher: PublishProcessor, file: VFile): Promise<ImageInfo | undefined> {
  const source = api.page.source!;
  const where = { file: source, line };
  if (schemeOf(value) || value.startsWith('/') || value.startsWith('\\')) {
    throw new ContentError(`image: ${value} is not a file beside this page`, where, 'write the path of an image file relative to this file (image: images/cover.jpg)');
  }
  if (!IMAGE_EXTENSIONS.has(path.extname(value).toLowerCase())) {
    throw new ContentError(`image: ${value} is not an image`, where, `use a ${[...IMAGE_EXTENSIONS].join(', ')} file`);
  }
  const target = path.resolve(path.dirname(source), value);
  const local = resolveLocalFile(target, value, 'lead image', publishableRoots(api.ctx.root, api.ctx.config), api.ctx.root, where);
  api.dependOn(local.path);
  const img = h('img', { src: value, alt: api.page.title });
  img.data = { source: local.real } as Element['data'];
  if (line !== undefined) img.position = { start: { line, column: 1 }, end: { line, column: 1 } };
  const tree = await publisher.run({ type: 'root', children: [img] }, file);
  let published: ImageInfo | undefined;
  walkElements(tree as Root, (node) => {
    if (node.tagName === 'img') published ??= (node.data as PublishData | undefined)?.published;
  });
  return published;
}
