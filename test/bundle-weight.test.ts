/**
 * What a site's config and the solar theme pull in when bundled: neither may drag in the config
 * schema (zod), the plugins' machinery (sharp, esbuild) or the config loader (an import cycle back
 * into the plugins).
 */
import path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

async function inputsOf(entry: string): Promise<string[]> {
  const result = await esbuild.build({ entryPoints: [path.join(ROOT, entry)], bundle: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent', outfile: 'out.mjs', external: ['sharp', 'esbuild', '@gfx/zopfli'] });
  return Object.keys(result.metafile.inputs);
}

describe('bundle weight', () => {
  it.each(['site.config.ts', 'theme/index.ts'])('%s does not bundle zod, the config loader or the plugin registry', async (entry) => {
    const inputs = await inputsOf(entry);
    expect(inputs.filter((file) => file.includes('node_modules/zod/'))).toEqual([]);
    expect(inputs).not.toContain('src/config-load.ts');
    expect(inputs).not.toContain('src/plugins.ts');
  });

  it('the core takes zod as a namespace (import * as z), so its bundle leaves out zod\'s locales and JSON Schema tools', async () => {
    const result = await esbuild.build({ entryPoints: [path.join(ROOT, 'src/cli.ts')], bundle: true, splitting: true, platform: 'node', format: 'esm', write: false, metafile: true, logLevel: 'silent', outdir: 'out', external: ['sharp', 'esbuild', '@gfx/zopfli', 'tsx', 'playwright-core'] });
    const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file));
    expect(bundled.some((file) => file.includes('node_modules/zod/v4/classic/schemas'))).toBe(true);
    expect(bundled.filter((file) => /node_modules\/zod\/v4\/(locales\/(?!en\.js)|classic\/from-json-schema)/.test(file))).toEqual([]);
  }, 60_000);

  it('site.config.ts bundles to the identity function and the config itself', async () => {
    const inputs = await inputsOf('site.config.ts');
    expect(inputs.sort()).toEqual(['site.config.ts', 'src/define-config.ts']);
  });
});
