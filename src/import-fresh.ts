import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * Import a TypeScript module and everything it imports anew (tsx gives each call its own module
 * namespace), so the long-running preview server sees edited config and theme code.
 */
export async function importFresh(file: string): Promise<Record<string, any>> {
  const mod = await tsImport(pathToFileURL(file).href, import.meta.url);
  // Outside a "type": "module" package the file is compiled to CommonJS: unwrap its exports.
  const inner = mod.default as Record<string, unknown> | undefined;
  return inner && typeof inner === 'object' && inner.__esModule ? inner : mod;
}
