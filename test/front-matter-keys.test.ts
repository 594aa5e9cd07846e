/** Unknown front-matter keys: the suggestion's distance, and the real site's content has none. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSiteConfig } from '../src/config-load.ts';
import { loadContent } from '../src/content/load.ts';
import { CORE_KEYS, editDistance, unknownKeys } from '../src/content/unknown-keys.ts';
import { setupPlugins } from '../src/plugins.ts';
import siteConfig from '../site.config.ts';
import theme from '../theme/index.ts';
import { PROJECT_ROOT } from './support/site.ts';

describe('unknown front-matter keys', () => {
  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('tgas', 'tags')).toBe(1);
    expect(editDistance('draf', 'draft')).toBe(1);
    expect(editDistance('summray', 'summary')).toBe(1);
    expect(editDistance('slug', 'tags')).toBe(4);
  });

  it('the real site uses none: every key is solarpress\'s, a plugin\'s or the theme\'s', () => {
    const config = validateSiteConfig(siteConfig, PROJECT_ROOT);
    const plugins = setupPlugins(config);
    const known = new Set([...CORE_KEYS, ...plugins.flatMap((p) => Object.keys(p.frontMatter ?? {})), ...(theme.frontMatter ?? [])]);
    const files = loadContent({ contentDir: path.join(PROJECT_ROOT, 'content'), drafts: true, layouts: new Set(Object.keys(theme.layouts)) });
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => unknownKeys(file, known).map((u) => `${file.page.id}: ${u.key}`))).toEqual([]);
    // The theme's own keys are in use there (bio), so declaring them is what keeps them quiet.
    expect(files.some((file) => 'bio' in file.page.data)).toBe(true);
  });
});
