/**
 * A small typed model of an nginx configuration file and its printer.
 * Generators build trees of these nodes (each choice with its comment) instead of one big template,
 * so that the printed file is always well-formed and every directive can say why it is there.
 */

export type ConfArg = string | number;

export interface Directive {
  kind: 'directive';
  name: string;
  args: ConfArg[];
  /** Printed as `# …` lines just above the directive. */
  comment?: string;
}

export interface Block {
  kind: 'block';
  name: string;
  args: ConfArg[];
  children: ConfNode[];
  comment?: string;
}

export interface Comment {
  kind: 'comment';
  text: string;
}

export interface Blank {
  kind: 'blank';
}

export type ConfNode = Directive | Block | Comment | Blank;

/** `name args…;` with an optional comment above it. */
export function directive(name: string, args: ConfArg[] = [], comment?: string): Directive {
  return { kind: 'directive', name, args, comment };
}

/** `name args… { children }`. */
export function block(name: string, args: ConfArg[], children: ConfNode[], comment?: string): Block {
  return { kind: 'block', name, args, children, comment };
}

export function comment(text: string): Comment {
  return { kind: 'comment', text };
}

export const blank: Blank = { kind: 'blank' };

/** Characters that end or split a bare nginx token. */
const NEEDS_QUOTES = /[\s;{}#"']|^$/;

/**
 * Quote an argument when nginx's tokenizer would split it. nginx turns `\"`, `\'`, `\\`, `\t`,
 * `\r` and `\n` into other characters, so a backslash before one of those is doubled; other
 * backslashes (regex escapes such as `\.`) pass through unchanged.
 */
export function quoteArg(arg: ConfArg): string {
  const text = String(arg);
  if (/[\r\n]/.test(text)) throw new Error(`nginx config: an argument cannot contain a line break: ${JSON.stringify(text)}`);
  const escaped = text.replace(/\\(?=[\\"'tnr])/g, '\\\\');
  return NEEDS_QUOTES.test(text) ? `"${escaped.replace(/"/g, '\\"')}"` : escaped;
}

function commentLines(text: string, pad: string): string[] {
  return text.split('\n').map((line) => (line ? `${pad}# ${line}` : `${pad}#`));
}

function printNodes(nodes: ConfNode[], depth: number): string[] {
  const pad = '    '.repeat(depth);
  const lines: string[] = [];
  for (const node of nodes) {
    switch (node.kind) {
      case 'blank':
        if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
        break;
      case 'comment':
        lines.push(...commentLines(node.text, pad));
        break;
      case 'directive': {
        if (node.comment) lines.push(...commentLines(node.comment, pad));
        const head = [quoteArg(node.name), ...node.args.map(quoteArg)].join(' ');
        lines.push(`${pad}${head};`);
        break;
      }
      case 'block': {
        if (node.comment) lines.push(...commentLines(node.comment, pad));
        const head = [node.name, ...node.args.map(quoteArg)].join(' ');
        lines.push(`${pad}${head} {`);
        const inner = printNodes(node.children, depth + 1);
        while (inner.length > 0 && inner[inner.length - 1] === '') inner.pop();
        lines.push(...inner, `${pad}}`);
        break;
      }
    }
  }
  return lines;
}

/** Print a configuration file (four-space indentation, trailing newline). */
export function printConf(nodes: ConfNode[]): string {
  const lines = printNodes(nodes, 0);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
