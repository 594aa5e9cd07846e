/**
 * Watches a folder tree for the preview: one fs.watch per folder, and on each event a look at the
 * one entry it names. chokidar reads the whole folder again (readdir and a stat per entry) on any
 * event in it: 200–500 ms of CPU per save with 5,000 articles in one folder (paulmillr/chokidar#860).
 *
 * Reports what chokidar's 'all' event does (add, change, unlink, addDir, unlinkDir), including for
 * editors' saves: a temporary file renamed over the original is a change, and a file that is gone
 * for a moment (renamed away, then written anew) is a change when it is back within ATOMIC_MS.
 * A folder made later is watched and read (what was moved in with it is reported as added); a
 * watched root that does not exist yet, or is removed, is looked for every poll interval. When the
 * system refuses a folder watch (inotify watches used up), the whole tree is polled by chokidar.
 */
import { lstatSync, readdirSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import chokidar, { type FSWatcher as Poller } from 'chokidar';

export type TreeEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';
export type TreeListener = (event: TreeEvent, file: string) => void;

export interface TreeWatcherOptions {
  /** Entries left unwatched (and, for a folder, everything in it). */
  ignored?: (file: string) => boolean;
  /** The system refused to watch a folder: the tree is polled from now on. */
  onFallback?: (error: Error) => void;
  /** How often a missing root is looked for, and the polling fallback's interval (ms). */
  pollInterval?: number;
  /** fs.watch, replaceable to test the fallback. */
  watch?: typeof fsWatch;
}

/** How long a vanished file may take to come back as a change (an editor's rename-and-write save). */
export const ATOMIC_MS = 100;

type Kind = 'file' | 'dir';

interface Folder {
  watcher: FSWatcher;
  entries: Map<string, Kind>;
}

export class TreeWatcher {
  private readonly folders = new Map<string, Folder>();
  /** Files gone, reported as unlinked unless they are back in time. */
  private readonly vanished = new Map<string, NodeJS.Timeout>();
  private readonly ignored: (file: string) => boolean;
  private readonly pollInterval: number;
  private rootTimer?: NodeJS.Timeout;
  private poller?: Poller;
  private closed = false;

  constructor(
    readonly root: string,
    private readonly listener: TreeListener,
    private readonly options: TreeWatcherOptions = {},
  ) {
    this.root = path.resolve(root);
    this.ignored = options.ignored ?? (() => false);
    this.pollInterval = options.pollInterval ?? 500;
    this.watchRoot(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.rootTimer);
    for (const timer of this.vanished.values()) clearTimeout(timer);
    this.vanished.clear();
    this.unwatchAll();
    await this.poller?.close();
  }

  /** Watches the root if it is a folder now; else looks for it every poll interval. */
  private watchRoot(report: boolean): void {
    if (statSync(this.root, { throwIfNoEntry: false })?.isDirectory()) {
      this.tryToWatch(() => this.add(this.root, report));
      return;
    }
    this.rootTimer = setInterval(() => {
      if (!statSync(this.root, { throwIfNoEntry: false })?.isDirectory()) return;
      clearInterval(this.rootTimer);
      this.rootTimer = undefined;
      this.tryToWatch(() => this.add(this.root, true));
    }, this.pollInterval);
    this.rootTimer.unref();
  }

  /** Watches a folder and reads it, and so on down; with report, everything in it is reported as added. */
  private add(dir: string, report: boolean): void {
    if (this.closed || this.folders.has(dir)) return;
    const watcher = (this.options.watch ?? fsWatch)(dir, { persistent: true }, (type, name) => this.onEvent(dir, type, name));
    watcher.on('error', (error) => this.onWatchError(dir, error));
    const folder: Folder = { watcher, entries: new Map() };
    this.folders.set(dir, folder);
    if (report) this.listener('addDir', dir);
    // Read after the watch began: what arrives in between is seen by one or the other (or both: a change).
    let names;
    try {
      names = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // gone already: its parent's event reports it
    }
    for (const entry of names) {
      const file = path.join(dir, entry.name);
      if (this.ignored(file)) continue;
      const kind: Kind = entry.isDirectory() ? 'dir' : 'file';
      folder.entries.set(entry.name, kind);
      if (kind === 'dir') this.add(file, report);
      else if (report) this.listener('add', file);
    }
  }

  private onEvent(dir: string, type: string, name: string | Buffer | null): void {
    const folder = this.folders.get(dir);
    if (this.closed || !folder) return;
    // Linux always names the entry; elsewhere an unnamed event means: look at the whole folder.
    if (name === null) return this.reread(dir, folder);
    const entryName = name.toString();
    const file = path.join(dir, entryName);
    if (this.ignored(file)) return;
    const known = folder.entries.get(entryName);
    // Written in place: nothing else to learn from a stat.
    if (type === 'change' && known === 'file' && !this.vanished.has(file)) return this.listener('change', file);
    this.look(dir, folder, entryName, known);
  }

  /** What is at dir/name now, against what was there. */
  private look(dir: string, folder: Folder, name: string, known: Kind | undefined): void {
    const file = path.join(dir, name);
    const stats = statOf(file);
    if (!stats) {
      if (known === 'dir') {
        folder.entries.delete(name);
        this.forget(file);
      } else if (known === 'file' && !this.vanished.has(file)) {
        this.vanished.set(file, setTimeout(() => this.settle(dir, name), ATOMIC_MS));
      } else if (known === undefined && dir === this.root && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
        this.rootGone();
      }
      return;
    }
    const kind: Kind = stats.isDirectory() ? 'dir' : 'file';
    if (kind === 'dir' && known === 'dir') return; // a folder's own times or mode
    if (known && known !== kind) this.remove(dir, folder, name, known);
    folder.entries.set(name, kind);
    if (kind === 'dir') return this.tryToWatch(() => this.add(file, true));
    const back = this.vanished.get(file);
    if (back) {
      clearTimeout(back);
      this.vanished.delete(file);
    }
    this.listener(known === 'file' ? 'change' : 'add', file);
  }

  /** A vanished file's time is up and no event said it is back: changed if it is, else unlinked. */
  private settle(dir: string, name: string): void {
    const file = path.join(dir, name);
    this.vanished.delete(file);
    const folder = this.folders.get(dir);
    if (this.closed || folder?.entries.get(name) !== 'file') return;
    if (statOf(file)) return this.listener('change', file);
    folder.entries.delete(name);
    this.listener('unlink', file);
  }

  private remove(dir: string, folder: Folder, name: string, known: Kind): void {
    const file = path.join(dir, name);
    folder.entries.delete(name);
    if (known === 'dir') return this.forget(file);
    clearTimeout(this.vanished.get(file));
    this.vanished.delete(file);
    this.listener('unlink', file);
  }

  /** A folder is gone (or moved away: its watch would follow it): everything in it is unlinked. */
  private forget(dir: string): void {
    const folder = this.folders.get(dir);
    if (!folder) return;
    this.folders.delete(dir);
    folder.watcher.close();
    for (const [name, kind] of folder.entries) this.remove(dir, folder, name, kind);
    this.listener('unlinkDir', dir);
  }

  /** An event that names no entry: the folder's listing against what is known. */
  private reread(dir: string, folder: Folder): void {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return dir === this.root ? this.rootGone() : undefined;
    }
    const now = new Set(names.filter((name) => !this.ignored(path.join(dir, name))));
    for (const [name, kind] of [...folder.entries]) if (!now.has(name)) this.remove(dir, folder, name, kind);
    for (const name of now) this.look(dir, folder, name, folder.entries.get(name));
  }

  private rootGone(): void {
    this.forget(this.root);
    this.watchRoot(true);
  }

  private onWatchError(dir: string, error: Error): void {
    // A removed folder's watch may end in an error: its parent's event reports the removal.
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return;
    this.fallBack(error);
  }

  private tryToWatch(watch: () => void): void {
    try {
      watch();
    } catch (error) {
      this.fallBack(error as Error);
    }
  }

  /** No more folder watches to be had: chokidar polls the tree (a stat per file per interval). */
  private fallBack(error: Error): void {
    if (this.closed || this.poller) return;
    this.unwatchAll();
    clearInterval(this.rootTimer);
    this.options.onFallback?.(error);
    this.poller = chokidar.watch(this.root, { ignoreInitial: true, usePolling: true, interval: this.pollInterval, binaryInterval: this.pollInterval, ignored: (file) => this.ignored(file) });
    this.poller.on('all', (event, file) => this.listener(event as TreeEvent, file));
    // What chokidar cannot stat any more is reported as unlinked; nothing else is for the preview to say.
    this.poller.on('error', () => {});
  }

  private unwatchAll(): void {
    for (const folder of this.folders.values()) folder.watcher.close();
    this.folders.clear();
  }
}

/** The entry's own stats (a link's, not its target's), or undefined when there is none to be had. */
function statOf(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}
