/**
 * The EPUB container: a zip whose first entry is `mimetype`, stored (not compressed), and whose
 * other entries are deflated; every entry carries the same fixed time (1980-01-01 00:00, the zip
 * format's first), so the bytes depend on the contents alone. Entries are written in the order given.
 *
 * Written here rather than with fflate's zipSync: its deflate is JavaScript that runs cold once per
 * build (most of a second on the board's class of CPU for ILU #9), where node:zlib's native deflate
 * takes milliseconds and packs smaller (BENCHMARKS.md §7).
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** MS-DOS date of 1980-01-01 (day 1, month 1, year 0), time 00:00:00. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
const STORED = 0;
const DEFLATED = 8;
/** "Version needed to extract": 2.0, for deflate. */
const VERSION = 20;

interface Entry {
  name: Buffer;
  method: number;
  crc: number;
  size: number;
  data: Uint8Array;
  offset: number;
}

function localHeader(e: Entry): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(0, 6); // flags: sizes are in this header, no data descriptor
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(e.crc, 14);
  b.writeUInt32LE(e.data.length, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28); // no extra field (EPUB's OCF forbids one on mimetype)
  return b;
}

function centralHeader(e: Entry): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(VERSION, 4); // made by: MS-DOS, 2.0
  b.writeUInt16LE(VERSION, 6);
  b.writeUInt16LE(0, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(e.crc, 16);
  b.writeUInt32LE(e.data.length, 20);
  b.writeUInt32LE(e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  // extra, comment, disk, internal and external attributes: 0
  b.writeUInt32LE(e.offset, 42);
  return b;
}

export function epubZip(files: [string, Uint8Array | string][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const stored = name === 'mimetype';
    const entry: Entry = {
      name: Buffer.from(name, 'utf8'),
      method: stored ? STORED : DEFLATED,
      crc: crc32(bytes),
      size: bytes.length,
      data: stored ? bytes : deflateRawSync(bytes, { level: 9 }),
      offset,
    };
    const header = localHeader(entry);
    chunks.push(header, entry.name, entry.data);
    offset += header.length + entry.name.length + entry.data.length;
    entries.push(entry);
  }
  const centralStart = offset;
  for (const entry of entries) {
    const header = centralHeader(entry);
    chunks.push(header, entry.name);
    offset += header.length + entry.name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(offset - centralStart, 12);
  end.writeUInt32LE(centralStart, 16);
  chunks.push(end);
  return Buffer.concat(chunks);
}
