/**
 * The EPUB container: a zip whose first entry is `mimetype`, stored (not compressed), and whose
 * other entries are deflated; every entry carries the same fixed time, so the bytes depend on the
 * contents alone (fflate writes the entries in the order given).
 */
import { strToU8, zipSync, type Zippable } from 'fflate';

/** 1980-01-01 00:00, the zip format's first representable time (read back in local time by fflate, so any TZ gives it). */
const FIXED_TIME = '1980-01-01T00:00:00';

export function epubZip(files: [string, Uint8Array | string][]): Uint8Array {
  const entries: Zippable = {};
  for (const [name, data] of files) {
    const bytes = typeof data === 'string' ? strToU8(data) : data;
    entries[name] = [bytes, { level: name === 'mimetype' ? 0 : 9, mtime: FIXED_TIME }];
  }
  return zipSync(entries);
}
