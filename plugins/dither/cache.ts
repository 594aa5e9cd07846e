/**
 * The dither cache, a store of the build's cache (src/cache/): per image, an entry for each file
 * made (`<key>-png`, maybe `<key>-webp`, `<key>-original`) and, written last, a record of them
 * (`<key>`): an image without its record never counts. The key is a hash of (plugin version,
 * libvips (libvips.ts), settings, source bytes). Entries are written atomically and verified when read
 * or published.
 */
import { createHash } from 'node:crypto';
import type { CacheStore, StoreEntry } from '../../src/cache/store.js';
import { libvipsId } from './libvips.ts';
import type { ProcessedImage } from './process.ts';
import { settingsFingerprint, type DitherSettings } from './settings.ts';

/** The cache store's name. */
export const STORE = 'dither';
/** Bump when the output for the same input and settings changes. */
export const PLUGIN_VERSION = '4';
const KEY_LENGTH = 20;

export interface CachedFile {
  /** The entry's name in the store. */
  name: string;
  file: string;
  bytes: number;
}

export interface CacheEntry {
  key: string;
  width: number;
  height: number;
  /** Input format as sharp names it. */
  format: string;
  sourceBytes: number;
  png: CachedFile;
  webp?: CachedFile;
  /** Bytes of the WebP that was tried, 0 when WebP is off. */
  webpTried: number;
  original: CachedFile & { ext: string; type: string };
  /** The store entries it is kept in (its record last): a thread that did not write them learns them here. */
  stored: StoreEntry[];
}

/** What a build's summary counts of an image: its source's bytes and those of the file browsers get. */
export interface ImageFigures {
  sourceBytes: number;
  bytes: number;
}

/**
 * The figures of an entry as kept in the store's `figures` record, by the name of the entry's record
 * (which is its content hash): with the names of the files that record names.
 */
type KeptFigures = ImageFigures & { parts: string[] };

/** The key of the record of every published image's figures (image keys are hex digits only). */
const FIGURES = 'figures';

/** What the record holds: the entry without paths, which depend on where the cache is. */
type Record = Omit<CacheEntry, 'png' | 'webp' | 'original' | 'stored'> & {
  png: Omit<CachedFile, 'file'>;
  webp?: Omit<CachedFile, 'file'>;
  original: Omit<CachedFile, 'file'> & { ext: string; type: string };
};

export function cacheKey(bytes: Uint8Array, settings: DitherSettings): string {
  return createHash('sha256')
    .update(`solarpress-dither ${PLUGIN_VERSION} ${libvipsId()} ${settingsFingerprint(settings)}\0`)
    .update(bytes)
    .digest('hex')
    .slice(0, KEY_LENGTH);
}

export class DitherCache {
  constructor(readonly store: CacheStore) {}

  /** The entry if complete (its record and every file it names are in the store). */
  read(key: string): CacheEntry | undefined {
    const record = this.store.getJson(key) as Record | undefined;
    if (!record) return undefined;
    const stored: StoreEntry[] = [];
    const locate = <T extends Omit<CachedFile, 'file'>>(file: T, part: string): (T & { file: string }) | undefined => {
      const entry = this.store.find(`${key}-${part}`);
      if (entry?.name !== file.name) return undefined;
      stored.push(entry);
      return { ...file, file: entry.file };
    };
    const png = locate(record.png, 'png');
    const webp = record.webp && locate(record.webp, 'webp');
    const original = locate(record.original, 'original');
    if (record.key !== key || !png || !original || (record.webp && !webp)) return undefined;
    return { ...record, png, original, webp, stored: [...stored, this.store.find(key)!] };
  }

  /**
   * The figures of the complete entries among keys, each counted as used as read() would. An entry
   * whose record is the one the `figures` record was made from (same name, so same bytes) and whose
   * files are still those it names is not read again: a build that publishes a hundred images from
   * the cache reads one record instead of a hundred. The `figures` record is written anew when
   * anything in it changed.
   */
  figures(keys: Iterable<string>): ImageFigures[] {
    const kept = this.keptFigures();
    const now = new Map<string, KeptFigures>();
    for (const key of keys) {
      const record = this.store.find(key);
      if (!record) continue;
      const known = kept.get(record.name);
      if (known && known.parts.every((name) => this.store.find(name.split('.')[0])?.name === name)) {
        now.set(record.name, known);
        continue;
      }
      const entry = this.read(key);
      if (entry) now.set(entry.stored.at(-1)!.name, { sourceBytes: entry.sourceBytes, bytes: (entry.webp ?? entry.png).bytes, parts: entry.stored.slice(0, -1).map((part) => part.name) });
    }
    const changed = now.size !== kept.size || [...now.keys()].some((name) => !kept.has(name));
    if (changed) this.store.put(FIGURES, JSON.stringify([...now]));
    return [...now.values()].map(({ sourceBytes, bytes }) => ({ sourceBytes, bytes }));
  }

  private keptFigures(): Map<string, KeptFigures> {
    const kept = this.store.getJson(FIGURES);
    return new Map(Array.isArray(kept) ? (kept as [string, KeptFigures][]) : []);
  }

  write(key: string, image: ProcessedImage, sourceBytes: number): CacheEntry {
    const stored: StoreEntry[] = [];
    const put = (part: string, data: Uint8Array, suffix: string): CachedFile => {
      const entry = this.store.put(`${key}-${part}`, data, { suffix });
      stored.push(entry);
      return { name: entry.name, file: entry.file, bytes: data.length };
    };
    const png = put('png', image.png, 'png');
    const webp = image.webp ? put('webp', image.webp, 'webp') : undefined;
    const original = { ...put('original', image.original.data, image.original.ext), ext: image.original.ext, type: image.original.type };
    const record: Record = {
      key,
      width: image.width,
      height: image.height,
      format: image.format,
      sourceBytes,
      png: { name: png.name, bytes: png.bytes },
      webp: webp && { name: webp.name, bytes: webp.bytes },
      webpTried: image.webpTried,
      original: { name: original.name, bytes: original.bytes, ext: original.ext, type: original.type },
    };
    stored.push(this.store.put(key, JSON.stringify(record)));
    return { ...record, png, webp, original, stored };
  }
}
