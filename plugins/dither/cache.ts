/**
 * The dither cache: a folder of finished outputs named by a hash of (plugin version, libvips version,
 * settings, source bytes). Each entry is `<key>.png`, maybe `<key>.webp`, `<key>-original.<ext>`, and
 * `<key>.json` written last: an entry without its JSON never counts. Every file is written to a
 * temporary name and renamed, so a crash leaves nothing half-written under a real name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ProcessedImage } from './process.ts';
import { settingsFingerprint, type DitherSettings } from './settings.ts';

/** Bump when the output for the same input and settings changes. */
export const PLUGIN_VERSION = '3';
const KEY_LENGTH = 20;

export interface CachedFile {
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
}

export function cacheKey(bytes: Uint8Array, settings: DitherSettings): string {
  return createHash('sha256')
    .update(`solarpress-dither ${PLUGIN_VERSION} vips ${sharp.versions.vips} ${settingsFingerprint(settings)}\0`)
    .update(bytes)
    .digest('hex')
    .slice(0, KEY_LENGTH);
}

export class DitherCache {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  /** The entry if complete (its JSON and every file it names exist). */
  read(key: string): CacheEntry | undefined {
    const meta = path.join(this.dir, `${key}.json`);
    if (!existsSync(meta)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(meta, 'utf8')) as CacheEntry;
      const files = [entry.png, entry.original, entry.webp].filter((f): f is CachedFile => f !== undefined);
      if (entry.key !== key || !files.every((f) => existsSync(f.file))) return undefined;
      return entry;
    } catch {
      return undefined; // unreadable entry: redo it
    }
  }

  write(key: string, image: ProcessedImage, sourceBytes: number): CacheEntry {
    mkdirSync(this.dir, { recursive: true });
    const put = (name: string, data: Uint8Array): CachedFile => {
      const file = path.join(this.dir, name);
      writeAtomic(file, data);
      return { file, bytes: data.length };
    };
    const entry: CacheEntry = {
      key,
      width: image.width,
      height: image.height,
      format: image.format,
      sourceBytes,
      png: put(`${key}.png`, image.png),
      webp: image.webp ? put(`${key}.webp`, image.webp) : undefined,
      webpTried: image.webpTried,
      original: { ...put(`${key}-original.${image.original.ext}`, image.original.data), ext: image.original.ext, type: image.original.type },
    };
    writeAtomic(path.join(this.dir, `${key}.json`), Buffer.from(JSON.stringify(entry)));
    return entry;
  }

  /** Remove every file whose key is not in `keep` (and leftover temporary files). Returns the keys removed. */
  prune(keep: ReadonlySet<string>): string[] {
    if (!existsSync(this.dir)) return [];
    const removed = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      const key = name.slice(0, KEY_LENGTH);
      if (name.startsWith('.tmp-') || !keep.has(key)) {
        rmSync(path.join(this.dir, name), { force: true });
        if (!name.startsWith('.tmp-')) removed.add(key);
      }
    }
    return [...removed];
  }
}

export function writeAtomic(file: string, data: Uint8Array): void {
  const temp = path.join(path.dirname(file), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
