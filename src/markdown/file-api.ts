import type { VFile } from 'vfile';
import type { FileApi } from '../types.ts';

/** The FileApi of a page being rendered: for remark/rehype plugins that run inside a solarpress build. */
export function fileApi(file: VFile): FileApi {
  const api = file.data.solarpress;
  if (!api) throw new Error('this plugin runs inside a solarpress build (file.data.solarpress is missing)');
  return api;
}
