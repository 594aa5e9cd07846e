/**
 * The grammars highlight.ts highlights with: highlight.js's common set (lowlight's `common`) and the
 * languages of a self-hoster's configs (nginx, dockerfile). Each is a module of its own, loaded when a
 * block first names it: compiling and registering all 39 took ~45 ms of every build that highlights a
 * block, one of them ~15.
 *
 * A grammar is highlighted alone only when nothing else can change its output: it names no other
 * language to highlight parts of it with (subLanguage). A name that is not a grammar's own (an alias
 * such as sh or console) or a grammar that names others registers every grammar, as before.
 */
import type { LanguageFn } from 'highlight.js';
import { createLowlight } from 'lowlight';

type Lowlight = ReturnType<typeof createLowlight>;

/** Every grammar by its own name, in lowlight's order (an alias two grammars claim goes to the last): test/highlight.test.ts holds this to lowlight's common set. */
export const GRAMMARS: Record<string, () => Promise<{ default: LanguageFn }>> = {
  arduino: () => import('highlight.js/lib/languages/arduino'),
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  less: () => import('highlight.js/lib/languages/less'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  'php-template': () => import('highlight.js/lib/languages/php-template'),
  plaintext: () => import('highlight.js/lib/languages/plaintext'),
  python: () => import('highlight.js/lib/languages/python'),
  'python-repl': () => import('highlight.js/lib/languages/python-repl'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  vbnet: () => import('highlight.js/lib/languages/vbnet'),
  wasm: () => import('highlight.js/lib/languages/wasm'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
  nginx: () => import('highlight.js/lib/languages/nginx'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
};

const lowlight = createLowlight();
/** The grammars registered one by one: a name registered through another's alias is not among them. */
const alone = new Set<string>();
let all: Promise<void> | undefined;

/** lowlight with every language in `languages` it can highlight registered, ready for registered() and highlight(). */
export async function highlighterFor(languages: Iterable<string>): Promise<Lowlight> {
  for (const language of new Set(languages)) {
    if (alone.has(language) || all) continue;
    const load = Object.hasOwn(GRAMMARS, language) ? GRAMMARS[language] : undefined;
    const grammar = load && (await load()).default;
    const isAlone = grammar !== undefined && (await selfContained(grammar));
    // Once every grammar is being registered, in their order, no other registration comes after.
    if (isAlone && !all) {
      lowlight.register(language, grammar);
      alone.add(language);
    } else if (!isAlone) await registerAll();
  }
  await all;
  return lowlight;
}

function registerAll(): Promise<void> {
  return (all ??= Promise.all(Object.entries(GRAMMARS).map(async ([name, load]) => [name, (await load()).default] as const)).then((grammars) => {
    lowlight.register(Object.fromEntries(grammars));
  }));
}

/** Whether the grammar's modes name no language to hand parts of a block to. */
async function selfContained(grammar: LanguageFn): Promise<boolean> {
  const { default: hljs } = await import('highlight.js/lib/core');
  const seen = new Set<object>();
  const namesNone = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return true;
    seen.add(value);
    if (!Array.isArray(value) && 'subLanguage' in value) return false;
    return Object.values(value).every(namesNone);
  };
  return namesNone(grammar(hljs));
}
