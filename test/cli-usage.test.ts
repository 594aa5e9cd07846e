/** The command line's own help: --version, and "did you mean" for a mistyped command or option. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { didYouMean } from '../src/did-you-mean.ts';
import { PROJECT_ROOT, removeSite, runCliAsync, tempSite } from './support/site.ts';

const root = tempSite();
afterAll(() => removeSite(root));

describe('command line usage', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const result = await runCliAsync(root, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`solarpress ${version}`);
  });

  it('a mistyped command gets the closest one', async () => {
    const result = await runCliAsync(root, ['biuld']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "biuld" (did you mean "build"?)');
  });

  it("a plugin's command outside a site says where it runs", async () => {
    const outside = tempSite({ 'site.config.ts': null });
    try {
      const result = await runCliAsync(outside, ['dither', 'photo.jpg', 'out']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unknown command "dither"');
      expect(result.stderr).toContain("there is no site.config.ts here, and plugins' commands (such as dither) are a site's");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      removeSite(outside);
    }
  });

  it('init into a file, through a file where content/ goes, or with an empty --title: a usage error, nothing written', async () => {
    const outside = tempSite({ 'site.config.ts': null, content: null, theme: null, 'notes.txt': 'mine\n', 'blocked/content': 'mine too\n' });
    try {
      for (const [args, message] of [
        [['init', 'notes.txt'], /notes\.txt is a file, not a folder: init needs a folder there/],
        [['init', 'blocked'], /blocked\/content is a file, not a folder/],
        [['init', 'fresh', '--title', ' '], /--title needs some text/],
      ] as const) {
        const result = await runCliAsync(outside, [...args]);
        expect(result.stderr).not.toMatch(/internal error/);
        expect(result.stderr).toMatch(message);
        expect(result.code).toBe(2);
      }
      expect(readdirSync(outside).sort()).toEqual(['blocked', 'notes.txt']);
      expect(readdirSync(path.join(outside, 'blocked'))).toEqual(['content']);
    } finally {
      removeSite(outside);
    }
  });

  it('a mistyped option gets the closest one of that command', async () => {
    const result = await runCliAsync(root, ['build', '--drfts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option --drfts (did you mean "--drafts"?)');
  });

  it('suggests nothing for a word far from every name', () => {
    expect(didYouMean('zzzzzz', ['build', 'dev'])).toBe('');
    expect(didYouMean('chek', ['build', 'check'])).toBe(' (did you mean "check"?)');
  });
});
