import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Message } from 'esbuild';
import { bundleModule } from './bundle.js';
import { ContentError } from './errors.ts';

/**
 * Import a site's TypeScript module (site.config.ts, a theme) and everything it imports, bundled
 * into one file named by its code: edited code gets a new file, so the long-running preview server
 * sees it, and an unchanged module loads as one file instead of dozens.
 * Code that does not compile is a ContentError at its file, line and column.
 */
export async function importFresh(file: string): Promise<Record<string, any>> {
  return importBundled(await bundleFresh(file));
}

/** The bundled file of a site's module (see importFresh): a worker thread can import the same one. */
export async function bundleFresh(file: string): Promise<string> {
  try {
    return await bundleModule(file);
  } catch (error) {
    const first = (error as { errors?: Message[] }).errors?.[0];
    if (!first) throw error;
    const where = first.location;
    throw new ContentError(
      first.text,
      where ? { file: path.resolve(where.file), line: where.line, column: where.column + 1 } : { file },
      'fix the TypeScript here',
    );
  }
}

export function importBundled(bundled: string): Promise<Record<string, any>> {
  return import(pathToFileURL(bundled).href);
}
