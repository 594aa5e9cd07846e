/** Command-line flags for every command, built-in or a plugin's: parseArgs with errors a person can read. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../did-you-mean.ts';
import { UsageError } from '../errors.ts';

/** parseArgs with usage errors (exit 2, "did you mean" for a mistyped option) instead of exceptions a person can't read. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const unknown = /^Unknown option '(-?-[^']+)'/.exec((error as Error).message)?.[1];
    if (unknown?.startsWith('--')) {
      const known = Object.keys(options).map((name) => `--${name}`);
      throw new UsageError(`unknown option ${unknown}${didYouMean(unknown, known)}`);
    }
    throw new UsageError((error as Error).message);
  }
}

/** A --port value: a whole number from 1 to 65535 (undefined when not given), else a usage error. */
export function portFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--port takes a number (got "${text}")`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UsageError(`--port must be between 1 and 65535 (got ${port})`);
  return port;
}
