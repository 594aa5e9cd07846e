/**
 * Cache files written in the background (libuv's thread pool) while the main thread renders;
 * each lands atomically (temp file + rename). flush() waits for all of them.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class WriteBehind {
  private pending: Promise<void>[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();

  write(file: string, data: string | Uint8Array): void {
    const dir = path.dirname(file);
    let made = this.dirs.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true });
      this.dirs.set(dir, made);
    }
    const temp = `${file}.${process.pid}.${this.pending.length}.tmp`;
    this.pending.push(made.then(() => writeFile(temp, data)).then(() => rename(temp, file)));
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }
}
