/**
 * rehype plugin: syntax highlighting of fenced code at build time (lowlight, highlight.js's
 * grammars): `<span class="hljs-…">` tokens the theme colours with a few CSS rules; no JavaScript
 * reaches the reader. Only blocks that name their language are highlighted (guessing is slow and
 * often wrong). Off for a block with ```text (or plain, txt, plaintext) or a `nohighlight` flag after
 * the language (```lua nohighlight); off for the site with `highlight: false` in site.config.ts.
 */
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { fileApi } from './file-api.ts';
import { SKIP, walkElements } from './walk.ts';

/**
 * The grammars of the languages a page's blocks name (grammars.ts), loaded on the first such page: a
 * site without code never needs them. The module is imported once: an import() per page costs a
 * module resolution each time.
 */
let grammars: Promise<typeof import('./grammars.ts')> | undefined;
const highlighterFor = (languages: Iterable<string>) => (grammars ??= import('./grammars.ts')).then((module) => module.highlighterFor(languages));

const PLAIN = new Set(['text', 'plain', 'txt', 'plaintext', 'nohighlight', 'no-highlight']);
const OFF_FLAG = /(^|\s)nohighlight(\s|$)/;

export default function rehypeHighlight() {
  return async (tree: Root, file: VFile) => {
    const api = fileApi(file);
    if (!api.ctx.config.highlight) return;
    const blocks: Array<{ pre: Element; code: Element; language: string }> = [];
    walkElements(tree, (pre) => {
      const code = pre.tagName === 'pre' && pre.children.length === 1 && pre.children[0].type === 'element' && pre.children[0].tagName === 'code' ? pre.children[0] : undefined;
      const language = code && languageOf(code);
      if (!code || !language || PLAIN.has(language)) return;
      const meta = (code.data as { meta?: string } | undefined)?.meta;
      if (meta && OFF_FLAG.test(meta)) return;
      blocks.push({ pre, code, language });
      return SKIP;
    });
    if (blocks.length === 0) return;
    const highlighter = await highlighterFor(blocks.map((block) => block.language));
    for (const { pre, code, language } of blocks) {
      if (!highlighter.registered(language)) {
        api.warn(
          `code block in "${language}", a language solarpress cannot highlight: shown plain (write \`\`\`text to say so, or a known name such as bash, lua, nginx, sql, yaml)`,
          pre.position?.start.line,
        );
        continue;
      }
      const text = code.children.map((c) => (c.type === 'text' ? c.value : '')).join('');
      code.children = highlighter.highlight(language, text).children as Element['children'];
    }
  };
}

function languageOf(code: Element): string | undefined {
  const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : [];
  return classes.find((c) => c.startsWith('language-'))?.slice('language-'.length).toLowerCase();
}
