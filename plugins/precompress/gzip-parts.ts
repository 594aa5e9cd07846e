/**
 * A gzip file made of deflate parts that are compressed one by one and kept: after an edit, only the
 * parts around it are compressed again (a 4.5 MB feed with one item changed: two parts of ~130 KB,
 * not 4.5 MB).
 *
 * - Parts are cut where the content says (a rolling hash over the last 32 bytes), not at fixed
 *   offsets: an insertion moves no cut point but the ones near it, so the parts after it keep their bytes.
 * - Each part is raw deflate ended by a sync flush (an empty stored block that ends on a byte), so
 *   parts joined one after another are one deflate stream; an empty final block ends it. It is one
 *   gzip member (RFC 1952) with the CRC-32 and length of the whole file: any gzip decoder reads it.
 * - A zlib part is compressed with the 32 KB before it as its dictionary: in the joined stream those
 *   are the bytes just decoded, so it may refer back to them as a whole-file deflate would. The size
 *   is within ~0.4 % of zlib's on the whole file at the same level (BENCHMARKS.md §3). A part's bytes
 *   therefore depend on it and on the 32 KB before it, which lie in the part before (parts are at
 *   least that long): its key is made of both parts' hashes. zopfli takes no dictionary: its parts
 *   are longer and stand alone (ZOPFLI_PARTS), and deflate-final.ts makes its whole streams joinable.
 * - Everything is a function of the file's bytes and the level: a cold build and an incremental one
 *   write the same file.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { contentHash } from '../../src/cache/hash.js';

/** deflate's window: what a part may refer back to. */
export const WINDOW = 32 * 1024;

/**
 * Where parts are cut, and whether each is compressed with the window before it as its dictionary.
 * A cut point comes after at least `min` bytes, where the rolling hash's top `strictBits` bits are 0;
 * past `min + easyAfter` bytes, where its top `easyBits` are (one in 4 KB), so that few parts reach
 * `max`, whose cut points an insertion would move.
 */
export interface PartLayout {
  min: number;
  strictBits: number;
  easyAfter: number;
  easyBits: number;
  max: number;
  dictionary: boolean;
}

/**
 * zlib parts: ~130 KB (one cut in 128 KB after the window), each with the 32 KB before it as its
 * dictionary. Each cut costs ~40 bytes (a block ends, a sync flush): +0.3 % on the bench feeds.
 */
export const ZLIB_PARTS: PartLayout = { min: WINDOW, strictBits: 17, easyAfter: 128 * 1024, easyBits: 12, max: 512 * 1024, dictionary: true };
/**
 * zopfli parts: zopfli takes no dictionary, so each part starts with an empty window and a cut costs
 * ~1.3 KB on the bench feeds; parts of ≥ 512 KB (~750 KB on average) keep that to +1.4 % over zopfli
 * on the whole file (efforts.ts). A part's bytes depend on it alone.
 */
export const ZOPFLI_PARTS: PartLayout = { min: 512 * 1024, strictBits: 18, easyAfter: 512 * 1024, easyBits: 12, max: 3 * 1024 * 1024, dictionary: false };

/** A fixed random value per byte (gear hash): the same on every machine, so cut points are too. */
const GEAR = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) table[i] = createHash('sha256').update(`solarpress gzip parts ${i}`).digest().readInt32LE(0);
  return table;
})();

/** The top `bits` bits of a 32-bit integer. */
const topBits = (bits: number) => ~0 << (32 - bits);

/** Where the parts of `data` begin and end: [start, end) pairs covering it, in order. */
export function cutPoints(data: Uint8Array, layout: PartLayout = ZLIB_PARTS): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  for (let start = 0; start < data.length; ) {
    const end = partEnd(data, start, layout);
    parts.push([start, end]);
    start = end;
  }
  return parts;
}

/**
 * Where the part that begins at `start` ends. It depends on the part's own bytes only (and on where the
 * data ends, for the last part). The cache keeps the parts it found (partsOf): bump PRECOMPRESS_VERSION
 * (precompress.ts) when it, cutAfter or GEAR change, or old records would cut where a scan no longer does.
 */
function partEnd(data: Uint8Array, start: number, { min, strictBits, easyAfter, easyBits, max }: PartLayout): number {
  return Math.min(
    cutAfter(data, start + min, Math.min(data.length, start + min + easyAfter), topBits(strictBits)) ??
      cutAfter(data, start + min + easyAfter, Math.min(data.length, start + max), topBits(easyBits)) ??
      data.length,
    start + max,
  );
}

/** A part as the next version of its file looks for it: its length and content hash. */
export type KnownPart = [length: number, hash: string];

/**
 * The parts of `data` as cutPoints cuts them, each with its content hash. A part of the file's
 * previous version (`before`) found again where a part begins (by its hash; there, or as far from
 * there as the file grew) is taken as it is, without scanning for its end: partEnd reads the part's
 * own bytes only, so the same bytes end at the same place. Only the previous last part ended where
 * its data did, at no cut point: it is taken only as the last part here too. `before` must come
 * from partsOf with the same layout (the cache keeps it under the layout and settings).
 */
export function partsOf(data: Uint8Array, layout: PartLayout, before: KnownPart[] = []): Array<[start: number, end: number, hash: string]> {
  const startedAt = new Map<number, number>();
  let length = 0;
  for (const [i, [partLength]] of before.entries()) {
    startedAt.set(length, i);
    length += partLength;
  }
  const grew = data.length - length;
  const foundAt = (start: number, i: number | undefined): [number, string] | undefined => {
    if (i === undefined) return undefined;
    const [partLength, hash] = before[i]!;
    const end = start + partLength;
    // As partEnd cuts: a part but the last is longer than `min`, at most `max`, and the last ends with the data.
    const fits = i === before.length - 1 ? partLength > 0 && end === data.length : partLength > layout.min && partLength <= layout.max && end <= data.length;
    if (!fits) return undefined;
    return contentHash(data.subarray(start, end)) === hash ? [end, hash] : undefined;
  };
  const parts: Array<[number, number, string]> = [];
  for (let start = 0; start < data.length; ) {
    const [end, hash] = foundAt(start, startedAt.get(start)) ?? (grew === 0 ? undefined : foundAt(start, startedAt.get(start - grew))) ?? cut(start);
    parts.push([start, end, hash]);
    start = end;
  }
  return parts;

  function cut(start: number): [number, string] {
    const end = partEnd(data, start, layout);
    return [end, contentHash(data.subarray(start, end))];
  }
}

/**
 * The first cut point in data[from, to): the end of the first byte where the rolling hash of the bytes
 * before it has the masked bits 0. The hash shifts one bit per byte (int32 arithmetic throughout):
 * its top bits depend on the last 32 bytes only, so a cut point does not depend on where the scan began.
 */
function cutAfter(data: Uint8Array, from: number, to: number, mask: number): number | undefined {
  let hash = 0;
  // The 32 bytes before `from` first: then the hash at every byte scanned is the same as a scan from anywhere earlier.
  for (let i = Math.max(0, from - 32); i < from; i++) hash = ((hash << 1) + GEAR[data[i]!]!) | 0;
  for (let i = from; i < to; i++) {
    hash = ((hash << 1) + GEAR[data[i]!]!) | 0;
    if ((hash & mask) === 0) return i + 1;
  }
  return undefined;
}

/** How one part is compressed: by the caller's workers, from its cache. */
export interface PartMaker {
  /** The cached deflate bytes of a part, or undefined. */
  cached(key: string): Uint8Array | undefined;
  /**
   * Compress `data.subarray(dictionary)` as raw deflate ended by a sync flush, with
   * `data.subarray(0, dictionary)` as its dictionary (see worker.mjs), and keep it under key.
   */
  deflate(key: string, data: Uint8Array, dictionary: number): Promise<Uint8Array>;
}

/** gzip's header: deflate, no name, no mtime (the same bytes at every build), maximum compression, Unix. */
const HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
/** An empty final block with fixed codes: it ends the joined parts. */
const FINAL_BLOCK = Uint8Array.from([3, 0]);

/**
 * The gzip file of `data`, from its parts (cached or made). `settings` names how parts are
 * compressed (it is part of their keys); `before` are the parts of the file's previous version
 * (partsOf). Returns the bytes, the number of parts, how many were compressed, and the parts for the next version.
 */
export async function gzipInParts(
  data: Uint8Array,
  settings: string,
  layout: PartLayout,
  maker: PartMaker,
  before: KnownPart[] = [],
): Promise<{ bytes: Buffer; parts: number; made: number; known: KnownPart[] }> {
  let made = 0;
  let previous = '';
  const found = partsOf(data, layout, before);
  const parts = found.map(([start, end, hash]) => {
    // A part with a dictionary depends on the one before it: both hashes key it.
    const key = contentHash(`${settings}\0${layout.dictionary ? previous : ''}\0${hash}`);
    previous = hash;
    const cached = maker.cached(key);
    if (cached) return cached;
    made++;
    const from = layout.dictionary ? Math.max(0, start - WINDOW) : start;
    // A copy of its own: its buffer is moved to a worker.
    return maker.deflate(key, new Uint8Array(data.subarray(from, end)), start - from);
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  const known = found.map(([start, end, hash]): KnownPart => [end - start, hash]);
  return { bytes: Buffer.concat([HEADER, ...(await Promise.all(parts)), FINAL_BLOCK, trailer]), parts: parts.length, made, known };
}
