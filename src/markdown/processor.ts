/**
 * The Markdown → hast pipeline of a page body, in two stages:
 *
 * 1. text stage (pure: may run in a worker thread):
 *    remark-parse → GFM (with its table and email constructs tried only on lines where they can match)
 *    → definition lists → raw HTML reported (remark-rehype leaves it out)
 *    → typographic quotes and dashes → [plugins' remark plugins] → remark-rehype → code highlighted
 *    → heading ids and anchors → links checked (schemes, local files, site paths) and resolved
 * 2. publish stage (main thread: it emits files and uses the plugins' shared state):
 *    [plugins' rehype plugins] → [theme's rehype plugins] → publish remaining local files
 */
import type { Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import { defListHastHandlers, remarkDefinitionList } from 'remark-definition-list';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type PluggableList, type Processor } from 'unified';
import './micromark-edit-map.ts';
import remarkGfmLines from './gfm-lines.ts';
import rehypeHeadingIds from './heading-ids.ts';
import rehypeHighlight from './highlight.ts';
import rehypePublishFiles from './publish-files.ts';
import remarkRawHtml from './raw-html.ts';
import rehypeResolveLinks from './resolve-links.ts';
import remarkTypography from './typography.ts';

export type TextProcessor = Processor<MdastRoot, MdastRoot, HastRoot, undefined, undefined>;
export type PublishProcessor = Processor<undefined, HastRoot, HastRoot, undefined, undefined>;

export function createTextProcessor(remarkPlugins: PluggableList): TextProcessor {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkGfmLines)
    .use(remarkDefinitionList)
    .use(remarkRawHtml)
    .use(remarkTypography)
    .use(remarkPlugins)
    .use(remarkRehype, { handlers: { ...defListHastHandlers } })
    .use(rehypeHighlight)
    .use(rehypeHeadingIds)
    .use(rehypeResolveLinks)
    .freeze() as unknown as TextProcessor;
}

export function createPublishProcessor(rehypePlugins: PluggableList, themeRehypePlugins: PluggableList): PublishProcessor {
  return unified().use(rehypePlugins).use(themeRehypePlugins).use(rehypePublishFiles).freeze() as unknown as PublishProcessor;
}
