/**
 * A site's own plugin, from its config: test/fixtures/plugin-site/plugins/reading-time is written
 * against the documented API only ('solarpress/plugin') and listed in site.config.ts as
 * `plugins: [readingTime({ … })]`. Its body transform, the file it emits at buildEnd and its command
 * work through the real CLI; its options are checked by type and at load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { PROJECT_ROOT, runCliAsync, writeFiles } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const FIXTURE = path.join(PROJECT_ROOT, 'test/fixtures/plugin-site');
const newSite = tempSites();

/** The minimal site with the plugin fixture's config and plugin folder on top. */
function pluginSite(files: Record<string, string> = {}): string {
  const root = newSite();
  const fixture = Object.fromEntries(
    readdirSync(FIXTURE, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, readFileSync(path.join(FIXTURE, file), 'utf8')]),
  );
  writeFiles(root, { ...fixture, ...files });
  return root;
}

const config = () => readFileSync(path.join(FIXTURE, 'site.config.ts'), 'utf8');

describe('a plugin from the site config', () => {
  const root = pluginSite();

  it('transforms bodies and emits its file at buildEnd, through solarpress build', async () => {
    const result = await runCliAsync(root, ['build']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8')).toMatch(/<p><em>\d+ min read<\/em><\/p>/);
    // Only articles: the plugin looks at the page through the FileApi.
    expect(readFileSync(path.join(root, 'dist/about/index.html'), 'utf8')).not.toContain('min read');
    expect(readFileSync(path.join(root, 'dist/reading-times.txt'), 'utf8').trim().split('\n').sort()).toEqual(['/hello/ 1', '/second/ 1']);
  });

  it('adds its own command, listed in --help, with flags parsed as the built-in ones are', async () => {
    const help = await runCliAsync(root, ['--help']);
    expect(help.stdout).toMatch(/\n {2}reading-time +print the reading speed the site assumes\n/);
    const perHour = await runCliAsync(root, ['reading-time', '--per-hour']);
    expect(perHour).toMatchObject({ code: 0, stdout: 'Fixture: 6000 words an hour\n' });
    const typo = await runCliAsync(root, ['reading-time', '--per-huor']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --per-huor (did you mean "--per-hour"?)');
  });

  it('runs its remark plugin in worker threads too (they set the plugins up from the config)', async () => {
    // Each build in a site of its own: a body cached by the other would not be rendered again.
    const [one, other] = [pluginSite(), pluginSite()];
    const inline = await build({ root: one, log: createLogger({ root: one, quiet: true }), write: false, textWorkers: 0 });
    const threaded = await build({ root: other, log: createLogger({ root: other, quiet: true }), write: false, textWorkers: 2 });
    expect(threaded.stats.renderedBodies).toBe(inline.stats.renderedBodies);
    const html = (result: typeof inline) => result.output.read('hello/index.html').toString();
    expect(html(threaded)).toContain('min read</em>');
    expect(html(threaded)).toBe(html(inline));
  });

  it('a wrong option is a clear error naming the key, and nothing is written', async () => {
    const bad = pluginSite({ 'site.config.ts': config().replace('wordsPerMinute: 100', 'wordsPerMinite: 100') });
    const result = await runCliAsync(bad, ['build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('site.config.ts: unknown key "plugins.reading-time.wordsPerMinite"');
    expect(result.stderr).not.toContain('internal error');
    const wrongType = pluginSite({ 'site.config.ts': config().replace('wordsPerMinute: 100', "wordsPerMinute: 'fast'") });
    expect((await runCliAsync(wrongType, ['build'])).stderr).toContain('"plugins.reading-time.wordsPerMinute": ');
  });

  it('a factory listed without calling it, or a built-in listed, says what to write instead', async () => {
    const uncalled = pluginSite({ 'site.config.ts': config().replace('readingTime({ wordsPerMinute: 100 })', 'readingTime') });
    const result = await runCliAsync(uncalled, ['build']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"plugins[0]" is not a plugin');
    expect(result.stderr).toContain('call the factory');
  });

  it("a wrong option is a type error in site.config.ts (the factory is typed with the plugin's options)", () => {
    const bad = pluginSite({ 'site.config.ts': config().replace('wordsPerMinute: 100', 'wordsPerMinite: 100') });
    const file = path.join(bad, 'site.config.ts');
    const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: ['node'] });
    const messages = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages.join('\n')).toMatch(/'wordsPerMinite' does not exist/);
    const good = program.getSourceFile(path.join(root, 'site.config.ts'));
    expect(good).toBeUndefined(); // only the bad site was checked
  });
});
