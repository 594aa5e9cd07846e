/**
 * Whether a save changed nothing of a page but its body: its front matter as parsed (title, dates,
 * tags, category, draft status, summary, image, order, permalink, aliases, layout and every other
 * key, which the theme and plugins may show on other pages) is as the last build read it. Such a
 * page keeps its place in the site model, so it can be laid out again alone against that build's.
 */
import type { SourceFile } from '../content/load.ts';
import { pageMetadata } from '../site.ts';

export function bodyOnly(before: SourceFile, after: SourceFile): boolean {
  return pageMetadata(after.page) === pageMetadata(before.page);
}
