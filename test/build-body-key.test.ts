/**
 * What a page body's cache key holds besides its source (src/build.ts, Rendering): the settings that
 * shape bodies and nothing else. Precompression, the feeds' or the server's settings do not (their
 * plugins take no part in rendering); a Markdown setting or a rendering plugin's option does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { createLogger } from '../src/log.ts';
import { snapshotDir, writeFiles } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const quiet = () => createLogger({ quiet: true });
const site = tempSites();

/** The minimal fixture's config with more keys (plain data, as a site writes it). */
const config = (more = '') => `export default {
  title: 'Fixture',
  url: 'https://example.org',
  author: { name: 'Tester' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },${more}
};
`;

/** dist/ as a cold build of the same tree writes it (a copy with no cache). */
async function coldOutput(root: string): Promise<Map<string, Buffer>> {
  const fresh = site();
  for (const file of ['site.config.ts']) writeFiles(fresh, { [file]: readFileSync(path.join(root, file)) });
  await build({ root: fresh, log: quiet() });
  return snapshotDir(path.join(fresh, 'dist'));
}

function expectSame(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  expect([...expected].filter(([file, bytes]) => !actual.get(file)!.equals(bytes)).map(([file]) => file)).toEqual([]);
}

describe('the body cache key', () => {
  it('turning precompression off and on, or changing its settings or the feeds\', renders no body again; the output is a cold build\'s', async () => {
    const root = site({ 'site.config.ts': config() });
    const first = await build({ root, log: quiet() });
    expect(first.stats.renderedBodies).toBe(5);
    expect(snapshotDir(path.join(root, 'dist')).has('hello/index.html.br')).toBe(true);

    for (const [step, more] of [
      ['precompression off', '\n  precompress: false,'],
      ['precompression on again, without brotli', '\n  precompress: { brotli: false, gzipEncoder: \'zlib\' },'],
      ['the feeds\' settings', '\n  feed: { title: \'Another title\' },'],
      ['the server\'s settings', '\n  server: { serverName: \'example.org\' },'],
    ]) {
      writeFiles(root, { 'site.config.ts': config(more) });
      const result = await build({ root, log: quiet() });
      expect(result.stats.renderedBodies, step).toBe(0);
      const output = snapshotDir(path.join(root, 'dist'));
      expect(output.has('hello/index.html.br'), step).toBe(!more.includes('precompress'));
      expectSame(output, await coldOutput(root));
    }
  }, 120_000);

  it('a Markdown setting, or an option of a plugin that renders (dither), renders every body again', async () => {
    const root = site({ 'site.config.ts': config() });
    await build({ root, log: quiet() });
    const highlighted = readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8');
    expect(highlighted).toContain('<span class="hljs-comment">');

    writeFiles(root, { 'site.config.ts': config('\n  highlight: false,') });
    const plain = await build({ root, log: quiet() });
    expect(plain.stats.renderedBodies).toBe(5);
    expect(readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8')).not.toContain('hljs');

    writeFiles(root, { 'site.config.ts': config('\n  highlight: false,\n  dither: { palette: 3 },') });
    expect((await build({ root, log: quiet() })).stats.renderedBodies).toBe(5);
  }, 120_000);

  it('a body\'s plugins see the options of the plugins that render, not the others\'', async () => {
    // A site's own plugin (its config is code then: edits of it render bodies again, below) that writes what it sees into each body.
    const root = site({
      'plugins/probe.ts': `import { definePlugin, fileApi, z } from 'solarpress/plugin';
const seen = (file) => Object.keys(fileApi(file).ctx.config.pluginOptions).join(' ');
const paragraph = (text) => ({ type: 'paragraph', children: [{ type: 'text', value: text }] });
export const probe = definePlugin({
  name: 'probe',
  schema: z.strictObject({}),
  setup: () => ({
    version: '1',
    remarkPlugins: [() => (tree, file) => { tree.children.push(paragraph('remark sees: ' + seen(file))); }],
    rehypePlugins: [() => (tree, file) => { tree.children.push({ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: 'rehype sees: ' + seen(file) }] }); }],
  }),
});
`,
      'site.config.ts': `import { probe } from './plugins/probe.ts';\n${config('\n  plugins: [probe()],').replace('export default {', 'export default {\n  precompress: { brotli: false },')}`,
    });
    const first = await build({ root, log: quiet() });
    const html = readFileSync(path.join(root, 'dist/hello/index.html'), 'utf8');
    expect(html).toContain('remark sees: dither probe');
    expect(html).toContain('rehype sees: dither probe');
    // Layouts and other hooks still see the whole config.
    expect(Object.keys(first.config.pluginOptions)).toEqual(expect.arrayContaining(['precompress', 'feed', 'probe']));

    // A config that is code (a plugin of the site's): its code counts, as the plugin's may have changed.
    writeFiles(root, { 'site.config.ts': readFileSync(path.join(root, 'site.config.ts'), 'utf8').replace('brotli: false', 'brotli: true') });
    expect((await build({ root, log: quiet() })).stats.renderedBodies).toBe(5);
  }, 120_000);
});
