import { deflateAsync } from '@gfx/zopfli';
import { describe, expect, it } from 'vitest';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { unfinished } from './deflate-final.ts';

/** Prose with numbers that vary, so that dynamic Huffman blocks with every kind of code are written. */
const prose = (n: number) => {
  let text = '';
  for (let i = 0; text.length < n; i++) text += `<p>Day ${i}: the panel gave ${(i * 37) % 251} Wh, the battery held ${(i * 13) % 97} %.</p>\n`;
  return Buffer.from(text.slice(0, n));
};

/** Streams made unfinished, joined and ended by an empty final block: one stream of the inputs one after another. */
const joined = (...streams: Uint8Array[]) => inflateRawSync(Buffer.concat([...streams.map(unfinished), Uint8Array.from([3, 0])]));

describe('unfinished', () => {
  it('makes dynamic, fixed, stored and empty streams of zlib and zopfli joinable, ending on an empty stored block', async () => {
    const text = prose(40_000);
    const random = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251));
    const cases: Array<[Buffer, Uint8Array]> = [
      [text, deflateRawSync(text, { level: 9 })], // dynamic blocks
      [Buffer.from('abc'), deflateRawSync('abc', { strategy: constants.Z_FIXED })], // fixed codes
      [random, deflateRawSync(random, { level: 0 })], // stored
      [Buffer.alloc(0), deflateRawSync(Buffer.alloc(0))],
      [text, await deflateAsync(text, { numiterations: 1 })],
    ];
    for (const [data, stream] of cases) {
      const part = unfinished(stream);
      // A sync flush's marker: LEN 0, NLEN 0xffff, on a byte boundary.
      expect([...part.subarray(-4)]).toEqual([0, 0, 0xff, 0xff]);
      expect(joined(stream, stream).equals(Buffer.concat([data, data]))).toBe(true);
    }
  });

  it('fails on a stream that is cut short, rather than writing a broken file', () => {
    const stream = deflateRawSync(prose(20_000), { level: 9 });
    expect(() => unfinished(stream.subarray(0, stream.length - 50))).toThrow(/ends inside a block|invalid/);
  });
});
