/**
 * Temporary sites for one test file, removed after its tests. Apart from site.ts, which the benches
 * import too: this module needs vitest's runner.
 */
import { afterAll } from 'vitest';
import { removeSite, tempSite } from './site.ts';

/** tempSite for one test file: every site it makes is removed after the file's tests. */
export function tempSites(): (files?: Parameters<typeof tempSite>[0]) => string {
  const sites: string[] = [];
  afterAll(() => sites.forEach(removeSite));
  return (files = {}) => {
    const dir = tempSite(files);
    sites.push(dir);
    return dir;
  };
}
