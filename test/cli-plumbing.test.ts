/** The command-line plumbing every command shares (src/cli/): one reporter, one byte formatter. */
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/cli/bytes.ts';
import { reportError } from '../src/cli/report.ts';
import { DeployError, DeployUsageError } from '../src/deploy/errors.ts';
import { CommandError, ContentError, ContentErrors, UsageError } from '../src/errors.ts';

function report(error: unknown, options: Omit<Parameters<typeof reportError>[1], 'root' | 'write'> = {}) {
  const lines: string[] = [];
  const code = reportError(error, { root: '/site', write: (text) => lines.push(text), ...options });
  return { code, text: lines.join('\n') };
}

describe('one reporter for every command', () => {
  it('a usage error: exit 2, the command named, its hint and usage', () => {
    expect(report(new UsageError('--port takes a number'))).toEqual({ code: 2, text: 'error: --port takes a number' });
    expect(report(new DeployUsageError('--keep wants a number'), { command: 'deploy' })).toEqual({
      code: 2,
      text: 'error: deploy: --keep wants a number\n  → see solarpress deploy --help',
    });
    expect(report(new UsageError('no image files given'), { command: 'solarpress dither', usage: 'Usage: solarpress dither …\n' }).text).toBe(
      'error: solarpress dither: no image files given\n\nUsage: solarpress dither …',
    );
  });

  it("a command's own failure: exit 1 with what to do; content errors at their file, with what happened to the output", () => {
    expect(report(new DeployError('cannot reach the board', 'is it on?'), { command: 'deploy' })).toEqual({ code: 1, text: 'error: deploy: cannot reach the board\n  → is it on?' });
    expect(report(new CommandError('cannot write x'))).toEqual({ code: 1, text: 'error: cannot write x' });
    const problems = new ContentErrors([new ContentError('bad date', { file: '/site/content/a.md', line: 3 }), new ContentError('broken link', { file: '/site/content/b.md' })]);
    expect(report(problems)).toEqual({ code: 1, text: 'error content/a.md:3: bad date\nerror content/b.md: broken link\n2 problems: nothing was written.' });
    expect(report(problems.errors[0], { afterProblems: () => 'nothing was deployed' }).text).toBe('error content/a.md:3: bad date\nnothing was deployed');
  });

  it('knows usage and content errors thrown by another copy of the module (a plugin bundled with the config)', () => {
    const foreign = Object.assign(Object.create(Object.getPrototypeOf(new UsageError('x'))), { message: 'from a copy' });
    const copy = { [Symbol.for('solarpress.UsageError')]: true, message: 'from a copy', hint: undefined };
    expect(foreign instanceof UsageError).toBe(true);
    expect(report(copy).code).toBe(2);
    expect(report(new Error('a bug')).text).toMatch(/^internal error: Error: a bug\n\s+at /);
  });
});

describe('one byte formatter', () => {
  it('in the styles the commands print', () => {
    expect([formatBytes(512), formatBytes(20_480), formatBytes(5 * 1024 * 1024)]).toEqual(['512 B', '20 KB', '5.0 MB']);
    expect(formatBytes(1536, { decimals: 1, bytes: false, megabytes: false })).toBe('1.5 KB');
    expect(formatBytes(512, { decimals: 1, bytes: false, megabytes: false })).toBe('0.5 KB');
    expect(formatBytes(2048, { decimals: 1, kilo: 'kB' })).toBe('2.0 kB');
  });
});
