import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/cache/hash.js';
import { cutPoints, gzipInParts, partsOf, WINDOW, ZLIB_PARTS, ZOPFLI_PARTS, type KnownPart, type PartLayout, type PartMaker } from './gzip-parts.ts';
import { unfinished } from './deflate-final.ts';
import { syncParts } from './fixtures/sync-parts.ts';

const WORDS = 'the board panel battery solar served pages slept sunlight cloudy roof cable volt watt hour night morning reader feed club'.split(' ');

/** Prose that varies, like a feed of many articles: about 2 MB (words from a fixed pseudo-random sequence). */
function feedLike(items = 4000): Buffer {
  let seed = 12345;
  const word = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return WORDS[(seed >>> 0) % WORDS.length];
  };
  let text = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n';
  for (let i = 0; i < items; i++) {
    text += `<item><title>Day ${i} on the roof</title><link>https://example.org/log/${i}/</link><description>`;
    for (let w = 0; w < 60; w++) text += `${word()} `;
    text += `</description></item>\n`;
  }
  return Buffer.from(`${text}</channel></rss>\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'gzip-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cutPoints', () => {
  it('cuts the whole file into parts of at least the window (but the last) and at most 512 KB', () => {
    const data = feedLike();
    const parts = cutPoints(data);
    expect(parts[0]![0]).toBe(0);
    expect(parts.at(-1)![1]).toBe(data.length);
    for (const [i, [start, end]] of parts.entries()) {
      if (i > 0) expect(start).toBe(parts[i - 1]![1]);
      expect(end - start).toBeLessThanOrEqual(512 * 1024);
      if (i < parts.length - 1) expect(end - start).toBeGreaterThan(WINDOW);
    }
    expect(parts.length).toBeGreaterThan(8);
  });

  it('cuts where the content says: an insertion moves only the cut points near it', () => {
    const data = feedLike();
    const at = data.indexOf('<title>Day 1500 ');
    const edited = Buffer.concat([data.subarray(0, at), Buffer.from('<title>An extra line. '), data.subarray(at + 7)]);
    const shift = edited.length - data.length;
    const before = cutPoints(data);
    const after = cutPoints(edited);
    const beforeKeys = new Set(before.map(([s, e]) => data.subarray(s, e).toString('latin1')));
    const changed = after.filter(([s, e]) => !beforeKeys.has(edited.subarray(s, e).toString('latin1')));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThanOrEqual(2);
    // Every cut point after the changed parts is the old one, moved by the insertion.
    const lastChanged = changed.at(-1)![1];
    const moved = new Set(before.map(([, e]) => e + shift));
    for (const [, end] of after) if (end > lastChanged) expect(moved.has(end)).toBe(true);
  });
});

describe('partsOf', () => {
  const data = feedLike();
  const at = data.indexOf('<title>Day 1500 ');
  const edits: Record<string, Buffer> = {
    same: data,
    'a line inserted': Buffer.concat([data.subarray(0, at), Buffer.from('<p>An extra line.</p>\n'), data.subarray(at)]),
    'a line removed': Buffer.concat([data.subarray(0, at), data.subarray(data.indexOf('<item>', at + 10))]),
    'the first bytes changed': Buffer.concat([Buffer.from('<?xml version="1.1"'), data.subarray(19)]),
    'bytes added at the end': Buffer.concat([data, Buffer.from('<!-- more -->\n'.repeat(3000))]),
    'cut short': data.subarray(0, Math.floor(data.length / 2)),
    'shorter than a part': data.subarray(0, 1000),
    empty: Buffer.alloc(0),
  };
  const known = (parts: Array<[number, number, string]>): KnownPart[] => parts.map(([s, e, h]) => [e - s, h]);

  for (const layout of [ZLIB_PARTS, { ...ZOPFLI_PARTS, min: 64 * 1024, easyAfter: 64 * 1024, strictBits: 16 }]) {
    it(`cuts a new version where cutPoints does, taking the parts found again from the last version (${layout.dictionary ? 'zlib' : 'zopfli'} parts)`, () => {
      const before = known(partsOf(data, layout));
      for (const [edit, edited] of Object.entries(edits)) {
        const parts = partsOf(edited, layout, before);
        expect(parts.map(([s, e]) => [s, e]), edit).toEqual(cutPoints(edited, layout));
        for (const [s, e, hash] of parts) expect(hash).toBe(contentHash(edited.subarray(s, e)));
        // And back: a longer or shorter last version is a starting point too.
        expect(partsOf(data, layout, known(parts)).map(([s, e]) => [s, e]), `${edit}, back`).toEqual(cutPoints(data, layout));
      }
    });
  }

  it('is not misled by parts that are not the file\'s', () => {
    const other = feedLike(3000);
    // Broken, of another file, of a part too short to be one, or of the whole file as one part (longer than `max`).
    const wrong: KnownPart[][] = [[[0, 'x']], [[-5, 'y'], [NaN, 'z']], known(partsOf(other, ZLIB_PARTS)), [[100, contentHash(data.subarray(0, 100))], [5, 'y']], [[data.length, contentHash(data)], [1, 'x']]];
    for (const before of wrong) expect(partsOf(data, ZLIB_PARTS, before).map(([s, e]) => [s, e])).toEqual(cutPoints(data));
  });
});

describe('gzipInParts', () => {
  it('writes one gzip member that zlib, gzip -t and gzip -d read, within 1 % of zlib 9 on the whole file', async () => {
    const data = feedLike();
    const { bytes, parts, made } = await gzipInParts(data, 'zlib 9', ZLIB_PARTS, syncParts());
    expect(parts).toBe(cutPoints(data).length);
    expect(made).toBe(parts);
    expect(gunzipSync(bytes).equals(data)).toBe(true);
    const file = join(dir, 'feed.xml.gz');
    writeFileSync(file, bytes);
    execFileSync('gzip', ['-t', file]);
    expect(execFileSync('gzip', ['-dc', file], { maxBuffer: 1 << 26 }).equals(data)).toBe(true);
    const whole = gzipSync(data, { level: 9, memLevel: 9 }).length;
    expect(bytes.length / whole).toBeLessThan(1.01);
    // One member: the trailer right after the deflate stream, nothing after it.
    expect(bytes.readUInt32LE(bytes.length - 4)).toBe(data.length);
  });

  it('joins parts that stand alone (no dictionary, as zopfli makes them): one gzip member, and an edit compresses only its own part', async () => {
    const data = feedLike();
    const layout: PartLayout = { ...ZOPFLI_PARTS, min: 64 * 1024, easyAfter: 64 * 1024, strictBits: 16 };
    const kept = new Map<string, Uint8Array>();
    // A whole stream per part, made joinable: what worker.mjs does with zopfli's output.
    const maker: PartMaker = {
      cached: (key) => kept.get(key),
      deflate: async (key, part, dictionary) => {
        expect(dictionary).toBe(0);
        const bytes = unfinished(deflateRawSync(part, { level: 9 }));
        kept.set(key, bytes);
        return bytes;
      },
    };
    const first = await gzipInParts(data, 'alone', layout, maker);
    expect(first.parts).toBeGreaterThan(3);
    expect(gunzipSync(first.bytes).equals(data)).toBe(true);
    const file = join(dir, 'alone.xml.gz');
    writeFileSync(file, first.bytes);
    execFileSync('gzip', ['-t', file]);
    const edited = Buffer.from(data.toString().replace('<title>Day 1500 on the roof', '<title>Day 1500 on the roof, in the rain'));
    const again = await gzipInParts(edited, 'alone', layout, maker);
    expect(again.made).toBe(1);
    expect(gunzipSync(again.bytes).equals(edited)).toBe(true);
  });

  it('after an edit compresses only the parts around it, and writes the bytes a run from nothing writes', async () => {
    const data = feedLike();
    const maker = syncParts();
    await gzipInParts(data, 'zlib 9', ZLIB_PARTS, maker);
    const edited = Buffer.from(data.toString().replace('<title>Day 1500 on the roof', '<title>Day 1500 on the roof, in the rain'));
    const again = await gzipInParts(edited, 'zlib 9', ZLIB_PARTS, maker);
    expect(again.made).toBeGreaterThan(0);
    expect(again.made).toBeLessThanOrEqual(3);
    const fresh = await gzipInParts(edited, 'zlib 9', ZLIB_PARTS, syncParts());
    expect(again.bytes.equals(fresh.bytes)).toBe(true);
    expect(gunzipSync(again.bytes).equals(edited)).toBe(true);
    // Other settings never reuse these parts.
    expect((await gzipInParts(edited, 'zlib 6', ZLIB_PARTS, syncParts(maker.kept, 6))).made).toBe(fresh.parts);
  });

  it('writes an empty file and one shorter than a part as valid gzip', async () => {
    for (const data of [Buffer.alloc(0), Buffer.from('short text, one part only\n'.repeat(10))]) {
      const { bytes } = await gzipInParts(data, 'zlib 9', ZLIB_PARTS, syncParts());
      expect(gunzipSync(bytes).equals(data)).toBe(true);
      const file = join(dir, `small-${data.length}.gz`);
      writeFileSync(file, bytes);
      execFileSync('gzip', ['-t', file]);
    }
  });
});
