import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../src/config-load.ts';
import { TextWorkers } from '../src/render/text-workers.ts';
import type { TextStageResult } from '../src/render/text-stage.ts';
import type { Page } from '../src/types.ts';
import { removeSite, tempSite, writeFiles } from './support/site.ts';

const root = tempSite();
// A site with a plugin of its own whose remark plugin the workers must run.
const withPlugin = tempSite({
  'plugins/mark.ts': `import { definePlugin, z } from 'solarpress/plugin';
export const mark = definePlugin({
  name: 'mark',
  schema: z.strictObject({}),
  setup: () => ({ version: '1', remarkPlugins: [() => (tree) => { tree.children.push({ type: 'paragraph', children: [{ type: 'text', value: 'marked in remark' }] }); }] }),
});
`,
});
writeFiles(withPlugin, { 'site.config.ts': `import { mark } from './plugins/mark.ts';\n${readFileSync(path.join(withPlugin, 'site.config.ts'), 'utf8').replace('export default {', 'export default {\n  plugins: [mark()],')}` });
afterAll(() => {
  removeSite(root);
  removeSite(withPlugin);
});

const page = (i: number): Page => ({ id: `n${i}.md`, source: `${root}/content/n${i}.md`, kind: 'article', url: `/n${i}/`, outputPath: `n${i}/index.html`, title: `Note ${i}`, authors: [], tags: [], draft: false, layout: 'article', data: {} });

describe('text workers', () => {
  it('keep taking pages while this thread renders pages back to back', async () => {
    const { config, module } = await loadSiteConfig(root);
    const workers = await TextWorkers.start(1, { root, config, configModule: module, remarkPlugins: false, mode: 'build', drafts: false });
    workers.permalinks(new Map());
    let inline = 0;
    // A page this thread renders takes 30 ms without a pause, as a long post's parse does.
    const busy = async (): Promise<TextStageResult> => {
      inline++;
      const until = performance.now() + 30;
      while (performance.now() < until);
      return { tree: { type: 'root', children: [] }, links: {}, files: {}, siteLinks: [], warnings: [] };
    };
    const pages = 24;
    try {
      // Once the worker has started (its first page answered)…
      expect((await workers.take(page(0), 'First.\n', busy)).tree.children).toHaveLength(1);
      expect(inline).toBe(0);
      // …as the build calls it: many pages at once, each waiting for its text stage.
      const results = await Promise.all(Array.from({ length: pages }, (_, i) => workers.take(page(i), `Note *${i}*.\n`, busy)));
      expect(results.filter((r) => r.tree.children.length > 0)).toHaveLength(pages - inline);
    } finally {
      await workers.close();
    }
    // The worker renders such a note in well under 30 ms: it takes more than the first pages it was
    // given (QUEUED) while this thread is busy, instead of idling until the end.
    expect(pages - inline).toBeGreaterThan(6);
  });

  it('take the permalinks after they started, before the first page (a first build starts them before reading the content)', async () => {
    const { config, module } = await loadSiteConfig(root);
    const workers = await TextWorkers.start(1, { root, config, configModule: module, remarkPlugins: false, mode: 'build', drafts: false });
    const never = (): Promise<TextStageResult> => {
      throw new Error('rendered on this thread');
    };
    try {
      await expect(workers.take(page(0), 'See [one](n1.md).\n', never)).rejects.toThrow('permalinks() before the first page');
      workers.permalinks(new Map([['n1.md', '/n1/']]));
      const { tree, links } = await workers.take(page(0), 'See [one](n1.md).\n', never);
      expect(JSON.stringify(tree)).toContain('"href":"/n1/"');
      expect(links).toEqual({ 'n1.md': '/n1/' });
    } finally {
      await workers.close();
    }
  });

  it("run the plugins' remark plugins, loading the config's code only when a plugin has some", async () => {
    const { config, module } = await loadSiteConfig(withPlugin);
    const never = (): Promise<TextStageResult> => {
      throw new Error('rendered on this thread');
    };
    for (const remarkPlugins of [true, false]) {
      const workers = await TextWorkers.start(1, { root: withPlugin, config, configModule: module, remarkPlugins, mode: 'build', drafts: false });
      try {
        workers.permalinks(new Map());
        const { tree } = await workers.take(page(0), 'Text.\n', never);
        expect(JSON.stringify(tree).includes('marked in remark')).toBe(remarkPlugins);
      } finally {
        await workers.close();
      }
    }
  });
});
