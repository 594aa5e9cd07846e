/**
 * What the preview and `build --watch` watch: the content and static folders, which grow to
 * thousands of files, by TreeWatcher (one look per event); the site's code (theme, plugins,
 * site.config.ts), a few dozen files, by chokidar.
 */
import chokidar from 'chokidar';
import path from 'node:path';
import type { Logger } from '../types.ts';
import { TreeWatcher } from './tree-watcher.ts';

export interface SourceWatchOptions {
  /** Folders of content and static files. */
  folders: string[];
  /** Folders and files of code and theme. */
  code: string[];
  ignored: (file: string) => boolean;
  log: Logger;
}

export interface SourceWatcher {
  close(): Promise<void>;
}

/** Calls onChange with each file or folder added, changed or removed; resolves once everything is watched. */
export async function watchSources(options: SourceWatchOptions, onChange: (file: string) => void): Promise<SourceWatcher> {
  const { ignored, log } = options;
  const trees = options.folders.map(
    (folder) =>
      new TreeWatcher(folder, (_event, file) => onChange(file), {
        ignored,
        onFallback: (error) => log.warn(`cannot watch ${folder} for changes (${error.message}): looking at its files every half second instead`),
      }),
  );
  const code = chokidar.watch(options.code, { ignoreInitial: true, ignored });
  code.on('all', (_event, file) => onChange(file));
  await new Promise<void>((resolve) => code.once('ready', () => resolve()));
  return {
    async close() {
      await Promise.all([code.close(), ...trees.map((tree) => tree.close())]);
    },
  };
}

/** Code the builder cannot reload in place: a module outside the content, static and theme asset folders. */
export function isCode(file: string, dataFolders: string[]): boolean {
  return /\.(ts|mts|js|mjs)$/.test(file) && !dataFolders.some((dir) => file.startsWith(dir + path.sep));
}
