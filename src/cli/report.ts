/**
 * How every command, built-in or a plugin's, tells a person what went wrong, and its exit code:
 * 2 for a bad command line, 1 for bad input or a failure it can explain (each with what to do), and
 * "internal error" with the stack only for a bug.
 */
import { CommandError, contentErrorsOf, UsageError } from '../errors.ts';
import { errorText } from '../log.ts';

export interface ReportOptions {
  /** The site's folder: file names are shown relative to it. */
  root: string;
  /** Where the lines go (default stderr). */
  write?: (text: string) => void;
  /** Names the command in usage and command errors ('deploy', 'solarpress nginx'). */
  command?: string;
  /** Shown after a usage error (a command's whole usage text). */
  usage?: string;
  /** Said after content errors (default: "N problems: nothing was written."). */
  afterProblems?: (count: number) => string;
}

export function reportError(error: unknown, { root, write = (text) => process.stderr.write(text + '\n'), command, usage, afterProblems }: ReportOptions): number {
  if (error instanceof UsageError || error instanceof CommandError) {
    const lines = [`${errorText('error:')} ${command ? `${command}: ` : ''}${error.message}`];
    if (error.hint) lines.push(`  → ${error.hint}`);
    if (usage && error instanceof UsageError) lines.push('', usage.trimEnd());
    write(lines.join('\n'));
    return error instanceof UsageError ? 2 : 1;
  }
  const problems = contentErrorsOf(error);
  if (problems) {
    for (const problem of problems) write(errorText('error ') + problem.format(root));
    write(afterProblems ? afterProblems(problems.length) : `${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was written.`);
    return 1;
  }
  write(errorText('internal error: ') + ((error as Error)?.stack ?? String(error)));
  return 1;
}
