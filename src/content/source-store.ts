/**
 * Parsed sources kept between builds: a file whose bytes (and path) are the ones parsed before, under
 * the same settings, is not parsed again (YAML, validation and the nesting check cost most of a
 * millisecond a file). And a file whose stamp (src/cache/stamps.js) is one its bytes were read at is
 * not even read: the pack knows their hash. One pack (src/cache/pack.js) in the cache's `sources`
 * store. Only files that loaded are kept: a file with a problem is read afresh, and its error reported
 * again, every build.
 */
import { hash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { FileCache } from '../cache/file-cache.js';
import { RecordPack } from '../cache/pack.js';
import { isPlainData } from '../cache/plain.js';
import type { Page } from '../types.ts';

const STORE = 'sources';
/** Bump when the records change shape, or when what parsing a file gives does. */
const VERSION = '1';

/** What parsing a file gives, besides what its text gives again at no cost (the Markdown). */
export interface ParsedSource {
  page: Page;
  /** The front matter's text, delimiters included (for the lines of its keys). */
  front: string;
  aliases: Array<{ url: string; line?: number }>;
}

export class SourceStore {
  private readonly pack: RecordPack;

  /**
   * @param settings what besides a file's bytes and path shapes its page: the solarpress code, the
   * plugins' front-matter schemas, the theme's layout names.
   */
  constructor(
    cache: FileCache,
    readonly settings: string,
  ) {
    this.pack = new RecordPack(cache.store(STORE, VERSION));
  }

  /** The file parsed before, if its bytes (sha256 `fileHash`) and id are the same; counted as used. */
  get(id: string, fileHash: string, source: string): ParsedSource | undefined {
    const key = this.key(id, fileHash);
    const record = this.pack.get(key);
    if (!record) return undefined;
    let parsed: ParsedSource;
    try {
      parsed = deserialize(record) as ParsedSource;
    } catch {
      return undefined;
    }
    this.pack.use(key);
    // The same file, wherever the site's folder is now.
    parsed.page.source = source;
    return parsed;
  }

  /** The file is still read as parsed before (the preview remembers it): keep it, and its stamp's record. */
  use(id: string, fileHash: string, stamp?: string): void {
    this.pack.use(this.key(id, fileHash));
    if (stamp !== undefined) this.pack.use(this.stampKey(id, stamp));
  }

  /** The sha256 of the file's bytes when it had this stamp, if a build read it then (see stamped()); counted as used. */
  hashAt(id: string, stamp: string): string | undefined {
    const key = this.stampKey(id, stamp);
    const record = this.pack.get(key);
    if (record?.byteLength !== 32) return undefined;
    this.pack.use(key);
    return Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('hex');
  }

  /**
   * Remember that the file had these bytes (sha256 `fileHash`) at this stamp. Only a settled stamp
   * (stamps.js: settled()) tells every later change: the caller asks no other.
   */
  stamped(id: string, stamp: string, fileHash: string): void {
    this.pack.put(this.stampKey(id, stamp), Buffer.from(fileHash, 'hex'));
  }

  /** Keep a file's page, unless its data holds values that do not survive serialization unchanged. */
  put(id: string, fileHash: string, parsed: ParsedSource): void {
    if (!isPlainData(parsed.page.data)) return;
    this.pack.put(this.key(id, fileHash), serialize(parsed));
  }

  /** End of a build that loaded its content: forget the files it did not read. */
  endBuild(): void {
    this.pack.endBuild();
  }

  /** Write the pack, if a file was parsed afresh (in the background: the cache's flush() waits). */
  write(): void {
    this.pack.write();
  }

  private key(id: string, fileHash: string): string {
    return hash('sha256', `${this.settings}\0${id}\0${fileHash}`).slice(0, 32);
  }

  private stampKey(id: string, stamp: string): string {
    return hash('sha256', `${this.settings}\0${id}\0stamp\0${stamp}`).slice(0, 32);
  }
}
