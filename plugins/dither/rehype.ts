/**
 * rehype plugin: every `img` whose file the core resolved (`element.data.source`) is published
 * dithered: `/media/<key>.png` (+ a WebP in a <picture> when smaller) with width and height, lazy
 * loading, and `data-original` pointing at the resized original for the theme's "view original".
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element, ElementContent, Parent, Root } from 'hast';
import { h } from 'hastscript';
import sharp from 'sharp';
import type { VFile } from 'vfile';
import { ContentError } from '../../src/errors.ts';
import { walkElements } from '../../src/markdown/walk.ts';
import type { FileApi, ImageInfo } from '../../src/types.ts';
import type { CacheEntry } from './cache.ts';
import { ImageError } from './image-error.ts';
import type { DitherOptions, DitherOverride } from './options.ts';
import { settingsFor } from './settings.ts';
import { parseDirective, splitTitle, type ParsedOverride } from './override.ts';
import type { DitherService } from './service.ts';

export interface RehypeDitherOptions {
  options: DitherOptions;
  /** The build's service (cache + workers), created on first use. */
  service(api: FileApi): DitherService;
}

interface ImageData {
  source?: string;
  published?: ImageInfo;
}

interface Found {
  node: Element;
  parent: Parent;
}

export default function rehypeDither({ options, service }: RehypeDitherOptions) {
  return async (tree: Root, file: VFile) => {
    const api = file.data.solarpress;
    if (!api) return;
    const found: Found[] = [];
    walkElements(tree, (node, _index, parent) => {
      const data = node.data as ImageData | undefined;
      if (node.tagName === 'img' && data?.source && !data.published && parent) found.push({ node, parent });
    });
    const outcomes = await Promise.all(found.map((item) => publish(item, file, api, options, service(api))));
    // Tree surgery after every image is done, so no index shifts under a running job.
    found.forEach(({ node, parent }, i) => {
      const outcome = outcomes[i];
      const at = parent.children.indexOf(node as never);
      if (outcome === 'skipped') parent.children.splice(at, 1);
      else if (outcome) parent.children.splice(at, 1, outcome as never);
    });
  };
}

/** Returns a replacement for the node (a <picture>), 'skipped' to drop it, or undefined to keep it. */
async function publish({ node }: Found, file: VFile, api: FileApi, options: DitherOptions, service: DitherService): Promise<Element | 'skipped' | undefined> {
  const source = (node.data as ImageData).source!;
  const line = node.position?.start.line;
  const where = { file: file.path, line, column: node.position?.start.column };
  const shown = path.relative(api.ctx.root, source);

  // The page's front matter first (validated when the page was read), then the image's own title.
  const page = api.page.data.dither as ParsedOverride | undefined;
  let override: DitherOverride = page && !page.none ? page.override : {};
  let none = page?.none ?? false;
  if (typeof node.properties.title === 'string') {
    const { title, directive } = splitTitle(node.properties.title);
    if (directive !== undefined) {
      try {
        const parsed = parseDirective(directive);
        none = parsed.none;
        if (!parsed.none) override = { ...override, ...parsed.override };
      } catch (error) {
        throw new ContentError(`image ${shown}: ${(error as Error).message}`, where, 'see "Per-image override" in plugins/dither/README.md');
      }
      if (title) node.properties.title = title;
      else delete node.properties.title;
    }
  }
  if (typeof node.properties.alt !== 'string' || node.properties.alt.trim() === '') {
    api.warn(`image ${shown} has no alt text: describe what it shows for readers who cannot see it`, line);
  }

  api.dependOn(source);
  if (path.extname(source).toLowerCase() === '.svg') return publishSvg(node, source, api);

  let entry: CacheEntry;
  try {
    entry = await service.dither(source, settingsFor(options, api.page.category, override));
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    if (options.skipInvalid) {
      api.warn(`image ${shown} left out: ${error.reason}`, line);
      return 'skipped';
    }
    throw new ContentError(
      `image ${shown} cannot be published: ${error.reason}`,
      where,
      `${error.hint}; or set dither.skipInvalid: true to publish the page without it`,
    );
  }

  const media = (name: string) => `media/${name}`;
  const originalName = `${entry.key}-original.${entry.original.ext}`;
  api.emitFile(media(originalName), entry.original.file);
  const info: ImageInfo = none
    ? { url: `/${media(originalName)}`, width: entry.width, height: entry.height, type: entry.original.type, bytes: entry.original.bytes }
    : { url: `/${media(`${entry.key}.png`)}`, width: entry.width, height: entry.height, type: 'image/png', bytes: entry.png.bytes };
  if (!none) api.emitFile(media(`${entry.key}.png`), entry.png.file);

  Object.assign(node.properties, { src: info.url, width: info.width, height: info.height, loading: 'lazy', decoding: 'async' });
  if (!none) node.properties.dataOriginal = `/${media(originalName)}`;
  node.data = { ...node.data, published: info } as Element['data'];

  if (none || !entry.webp) return undefined;
  api.emitFile(media(`${entry.key}.webp`), entry.webp.file);
  return h('picture', [h('source', { srcSet: `/${media(`${entry.key}.webp`)}`, type: 'image/webp' }), node as ElementContent]);
}

/** SVG is published as it is (no dither), named by its content hash. */
async function publishSvg(node: Element, source: string, api: FileApi): Promise<undefined> {
  const bytes = readFileSync(source);
  const key = createHash('sha256').update(bytes).digest('hex').slice(0, 20);
  const url = `/media/${key}.svg`;
  api.emitFile(url.slice(1), source);
  let width = 0;
  let height = 0;
  try {
    ({ width = 0, height = 0 } = await sharp(bytes).metadata());
  } catch {
    // an SVG librsvg cannot size is still published; the browser decides its size
  }
  Object.assign(node.properties, { src: url, loading: 'lazy', decoding: 'async' }, width && height ? { width, height } : {});
  node.data = { ...node.data, published: { url, width, height, type: 'image/svg+xml', bytes: bytes.length } } as Element['data'];
  return undefined;
}
