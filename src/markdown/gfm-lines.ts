/**
 * remark plugin, used after remark-gfm: GFM's costliest searches skip where they cannot match.
 *
 * micromark tries a table head at the start of every line of a paragraph, and an email autolink
 * literal at every word, tokenizing the text each time before giving up; that text is then
 * tokenized again as what it is. On the scale bench's 1,000 articles these failed attempts cost
 * as much as the rest of the parse. Whether they can succeed is known from the document's lines:
 * a table head needs a delimiter row (`|---|:-:|`) on the next line, and an email autolink an `@` on
 * its own line (it spans no line ending, and micromark matches no `@` written as a character
 * reference). So the parser notes those lines before parsing, and the constructs give up at once
 * elsewhere. Each autolink literal also stops micromark's run of plain text wherever it might
 * start: the email one before every word (it is registered for every letter and digit), the www and
 * http ones before words starting with w or h; the text is then tokenized again from there. None can
 * match in a document without an `@`, a `www.` or an `http://`/`https://` respectively (in any
 * case, written as characters), so there they let the text run on. Then the autolink-literal
 * transform searches every text node with four regular
 * expressions; each needs an `@`, `www` or `http` in the text, so a tree without one in any text
 * node is left as it is. The tree is the same: where they still run, they run unchanged.
 */
import type { Nodes, Root } from 'mdast';
import type { Processor } from 'unified';
import { SKIP, walk } from './walk.ts';

/** The parts of micromark's tokenizer this plugin uses (micromark-util-types' names). */
type State = (code: number | null) => State | undefined;
interface TokenizeContext {
  events: Array<[string, { type: string }, unknown]>;
  now(): { line: number };
}
interface Construct {
  name?: string;
  tokenize(this: TokenizeContext, effects: unknown, ok: State, nok: State): State;
  /** Whether the construct may start after this character: asked at every character of plain text. */
  previous?(this: TokenizeContext, code: number | null): boolean;
}
type ConstructRecord = Record<string, Construct | Construct[] | undefined>;
interface Extension {
  flow?: ConstructRecord;
  text?: ConstructRecord;
  [field: string]: unknown;
}

/** Lines (1-based, as micromark counts them) of the document being parsed, and what it holds anywhere. */
interface Lines {
  /** Lines that may be a table's delimiter row: only pipes, dashes, colons and spaces after any `>`. */
  delimiterRows: Set<number>;
  /** Lines with an `@`. */
  ats: Set<number>;
  /** Whether the document has a `www.`, in any case. */
  www: boolean;
  /** Whether the document has an `http://` or `https://`, in any case. */
  protocol: boolean;
}

let parsing: Lines | undefined;

const DELIMITER_ROW = /^[ \t>]*[ \t|:-]*-[ \t|:-]*$/;

function linesOf(doc: string): Lines {
  const lines: Lines = { delimiterRows: new Set(), ats: new Set(), www: /www\./i.test(doc), protocol: /https?:\/\//i.test(doc) };
  let line = 1;
  for (const text of doc.split(/\r\n|\r|\n/)) {
    if (text.includes('-') && DELIMITER_ROW.test(text)) lines.delimiterRows.add(line);
    if (text.includes('@')) lines.ats.add(line);
    line++;
  }
  return lines;
}

/** Whether the construct can match where the tokenizer is, in the document being parsed. */
const POSSIBLE: Record<string, (context: TokenizeContext, lines: Lines) => boolean> = {
  // A row after a table's head or rows continues the table; otherwise this line would be a head.
  table: (context, lines) => afterTableRow(context) || lines.delimiterRows.has(context.now().line + 1),
  emailAutolink: (context, lines) => lines.ats.has(context.now().line),
};

/** Whether the construct can match anywhere in the document being parsed. */
const ANYWHERE: Record<string, (lines: Lines) => boolean> = {
  emailAutolink: (lines) => lines.ats.size > 0,
  wwwAutolink: (lines) => lines.www,
  protocolAutolink: (lines) => lines.protocol,
};

function afterTableRow(context: TokenizeContext): boolean {
  for (let i = context.events.length - 1; i >= 0; i--) {
    const type = context.events[i][1].type;
    if (type !== 'lineEnding' && type !== 'linePrefix') return type === 'tableHead' || type === 'tableRow';
  }
  return false;
}

/** What each of the autolink-literal transform's patterns needs in a text node (its patterns: mdast-util-gfm-autolink-literal). */
const AUTOLINK_HINT = /@|www|http/i;

function mayHoldAutolinks(tree: Root): boolean {
  let found = false;
  walk<Nodes>(tree, (node) => {
    if (found) return SKIP;
    if (node.type === 'text' && AUTOLINK_HINT.test(node.value)) found = true;
  });
  return found;
}

type Transform = (tree: Root) => Root | undefined | void;
/** A fromMarkdown extension (mdast-util-from-markdown's), possibly in nested lists. */
type TreeExtension = { enter?: Record<string, unknown>; transforms?: Transform[] } | TreeExtension[];

/** The autolink-literal extension's transforms run only on trees where they can find something. */
function skipNeedlessAutolinkSearch(extension: TreeExtension): TreeExtension {
  if (Array.isArray(extension)) return extension.map(skipNeedlessAutolinkSearch);
  if (!extension.enter?.literalAutolink || !extension.transforms) return extension;
  return { ...extension, transforms: extension.transforms.map((transform) => (tree: Root) => (mayHoldAutolinks(tree) ? transform(tree) : undefined)) };
}

export default function remarkGfmLines(this: Processor) {
  const data = this.data() as { micromarkExtensions?: Extension[]; fromMarkdownExtensions?: TreeExtension[] };
  data.fromMarkdownExtensions = (data.fromMarkdownExtensions ?? []).map(skipNeedlessAutolinkSearch);
  const wrapped = new Map<Construct, Construct>();
  const wrap = (construct: Construct): Construct => {
    const possible = construct.name === undefined ? undefined : POSSIBLE[construct.name];
    const anywhere = construct.name === undefined ? undefined : ANYWHERE[construct.name];
    if (!possible && !anywhere) return construct;
    if (!wrapped.has(construct)) {
      const { tokenize, previous } = construct;
      const replacement: Construct = { ...construct };
      if (possible) {
        replacement.tokenize = function (effects, ok, nok) {
          return !parsing || possible(this, parsing) ? tokenize.call(this, effects, ok, nok) : nok;
        };
      }
      // Without a `previous`, a construct may start after any character.
      if (anywhere) {
        replacement.previous = function (code) {
          return (!parsing || anywhere(parsing)) && (!previous || previous.call(this, code));
        };
      }
      wrapped.set(construct, replacement);
    }
    return wrapped.get(construct)!;
  };
  const wrapRecord = (record: ConstructRecord): ConstructRecord =>
    Object.fromEntries(Object.entries(record).map(([code, c]) => [code, Array.isArray(c) ? c.map(wrap) : c && wrap(c)]));
  const wrapExtension = (extension: Extension): Extension => {
    const out = { ...extension };
    if (extension.flow) out.flow = wrapRecord(extension.flow);
    if (extension.text) out.text = wrapRecord(extension.text);
    return out;
  };
  data.micromarkExtensions = (data.micromarkExtensions ?? []).map(wrapExtension);
  const parse = this.parser!;
  this.parser = (doc, file) => {
    parsing = linesOf(doc);
    try {
      return parse(doc, file);
    } finally {
      parsing = undefined;
    }
  };
}
