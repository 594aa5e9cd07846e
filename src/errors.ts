/**
 * Errors solarpress reports to people. A ContentError is bad input (exit 1): it names the file,
 * the line where known, and what to do. A UsageError is a bad command line (exit 2); a CommandError
 * a failure a command explains (exit 1). src/cli/report.ts says them all.
 */
import type { SourceLocation } from './types.ts';

/**
 * instanceof that also knows these errors when thrown by another copy of this module: a site's
 * plugin imports 'solarpress/plugin', which its config's bundle holds apart from the core's.
 * Subclasses keep plain instanceof.
 */
function branded(brand: symbol) {
  return function (this: Function, value: unknown): boolean {
    if (this.prototype[brand] !== true || Object.getPrototypeOf(this.prototype) !== Error.prototype) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  };
}
const CONTENT_ERROR = Symbol.for('solarpress.ContentError');
const CONTENT_ERRORS = Symbol.for('solarpress.ContentErrors');
const USAGE_ERROR = Symbol.for('solarpress.UsageError');
const COMMAND_ERROR = Symbol.for('solarpress.CommandError');

export class ContentError extends Error {
  static [Symbol.hasInstance] = branded(CONTENT_ERROR);
  readonly where?: SourceLocation;
  readonly hint?: string;

  constructor(message: string, where?: SourceLocation, hint?: string) {
    super(message);
    this.name = 'ContentError';
    this.where = where;
    this.hint = hint;
  }

  /** "content/guides/x.md:12:3: message\n  hint" */
  format(root?: string): string {
    return formatProblem(this.message, this.where, this.hint, root);
  }
}

/** A bad command line (exit 2), from any command, built-in or a plugin's; the hint says what to do. */
export class UsageError extends Error {
  static [Symbol.hasInstance] = branded(USAGE_ERROR);
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

/** A command failed for a reason a person can act on (exit 1): the board unreachable, a tool missing. */
export class CommandError extends Error {
  static [Symbol.hasInstance] = branded(COMMAND_ERROR);
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'CommandError';
    this.hint = hint;
  }
}

/** Several content errors found in one pass: reported together, so an author fixes them in one go. */
export class ContentErrors extends Error {
  static [Symbol.hasInstance] = branded(CONTENT_ERRORS);
  readonly errors: ContentError[];
  constructor(errors: ContentError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ContentErrors';
    this.errors = errors;
  }
}

export function formatLocation(where: SourceLocation, root?: string): string {
  let file = where.file;
  if (root && file.startsWith(root + '/')) file = file.slice(root.length + 1);
  if (where.line === undefined) return file;
  return where.column === undefined ? `${file}:${where.line}` : `${file}:${where.line}:${where.column}`;
}

export function formatProblem(message: string, where?: SourceLocation, hint?: string, root?: string): string {
  const head = where ? `${formatLocation(where, root)}: ${message}` : message;
  return hint ? `${head}\n  → ${hint}` : head;
}

/** All content errors inside an error thrown by a build, or undefined if it is a bug. */
export function contentErrorsOf(error: unknown): ContentError[] | undefined {
  if (error instanceof ContentErrors) return error.errors;
  if (error instanceof ContentError) return [error];
  return undefined;
}

for (const [type, brand] of [[ContentError, CONTENT_ERROR], [ContentErrors, CONTENT_ERRORS], [UsageError, USAGE_ERROR], [CommandError, COMMAND_ERROR]] as const) {
  Object.defineProperty(type.prototype, brand, { value: true });
}
