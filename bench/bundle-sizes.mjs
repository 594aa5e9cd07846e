// Bytes of the bundles solarpress makes of a site's own modules (src/bundle.js bundleModule): the
// config and the theme are bundled and loaded at every build and preview start.
// Run: node bench/bundle-sizes.mjs [files…]   (default: site.config.ts theme/index.ts)
import * as esbuild from 'esbuild';

const EXTERNAL = ['sharp', '@gfx/zopfli', 'esbuild', 'tsx', 'playwright-core', 'lighthouse', 'vitest'];
const files = process.argv.length > 2 ? process.argv.slice(2) : ['site.config.ts', 'theme/index.ts'];
for (const file of files) {
  const result = await esbuild.build({ entryPoints: [file], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, external: EXTERNAL, logLevel: 'silent', outfile: 'out.mjs' });
  console.log(`${file}\t${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KB`);
}
