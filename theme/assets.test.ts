import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import theme from './index.ts';
import { minifyAsset } from '../src/minify-asset.ts';

const read = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

describe('theme assets', () => {
  it('CSS and JS as the build publishes them (minified) stay under 12 KB uncompressed together', () => {
    const bytes = ['solar.css', 'solar.js'].reduce((sum, name) => sum + Buffer.byteLength(minifyAsset(name, read(name))), 0);
    expect(bytes).toBeLessThanOrEqual(12 * 1024);
  });

  it('the script is ES5, so old browsers parse it (and then do without it)', () => {
    // Strings and comments out of the way, then look for ES2015+ syntax.
    const code = read('solar.js')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/'(?:\\.|[^'\\])*'/g, "''");
    expect(code).not.toMatch(/=>|`|\b(let|const|class|of)\s|\.\.\.|\basync\b|\bawait\b|\?\.|\?\?/);
    expect(() => new Function(code)).not.toThrow();
  });

  it('the stylesheet has no grid layout and no @import (no extra request, nothing old browsers lose)', () => {
    const css = read('solar.css');
    expect(css).not.toMatch(/display:\s*grid|@import|url\(/);
  });

  it('the layouts cover every content kind and every route the theme generates', () => {
    for (const name of ['article', 'guide', 'page', 'zine-issue', 'zine-part', 'home', 'list', 'archive', 'not-found', 'power'])
      expect(theme.layouts[name], name).toBeTypeOf('function');
  });
});
