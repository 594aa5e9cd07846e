/**
 * Errors solarpress reports to people. A ContentError is bad input (exit 1): it names the file,
 * the line where known, and what to do. A UsageError is a bad command line (exit 2).
 */
import type { SourceLocation } from './types.ts';

export class ContentError extends Error {
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

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Several content errors found in one pass: reported together, so an author fixes them in one go. */
export class ContentErrors extends Error {
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
