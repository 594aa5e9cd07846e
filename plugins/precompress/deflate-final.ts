/**
 * A whole raw deflate stream turned into a part that others may follow (gzip-parts.ts): its final
 * block's BFINAL bit cleared and an empty stored block after it, so that it ends on a byte as zlib's
 * sync flush does. zopfli writes only whole streams; this is how its parts are joined. Finding the
 * final block's header means walking every block (RFC 1951): their lengths are known only by decoding.
 */

/** Reads bits least significant first, as deflate packs them. */
class Bits {
  pos = 0;
  constructor(private readonly data: Uint8Array) {}
  bit(): number {
    const byte = this.data[this.pos >>> 3];
    if (byte === undefined) throw new Error('deflate stream ends inside a block');
    return (byte >>> (this.pos++ & 7)) & 1;
  }
  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value |= this.bit() << i;
    return value;
  }
}

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Code {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function code(lengths: ArrayLike<number>): Code {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offsets[lengths[i]!]!++] = i;
  return { counts, symbols };
}

function decode(bits: Bits, { counts, symbols }: Code): number {
  let value = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len < 16; len++) {
    value |= bits.bit();
    const count = counts[len]!;
    if (value - first < count) return symbols[index + value - first]!;
    index += count;
    first = (first + count) << 1;
    value <<= 1;
  }
  throw new Error('invalid Huffman code in deflate stream');
}

/** Extra bits after length symbols 257..285. */
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const FIXED = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
  return { literals: code(lengths), distances: code(new Uint8Array(30).fill(5)) };
})();

/** Skips the symbols of a compressed block up to its end-of-block code. */
function skipSymbols(bits: Bits, literals: Code, distances: Code): void {
  for (;;) {
    const symbol = decode(bits, literals);
    if (symbol < 256) continue;
    if (symbol === 256) return;
    bits.pos += LENGTH_EXTRA[symbol - 257] ?? 0;
    const distance = decode(bits, distances);
    bits.pos += distance < 4 ? 0 : (distance >>> 1) - 1;
  }
}

function dynamicCodes(bits: Bits): { literals: Code; distances: Code } {
  const nlen = bits.bits(5) + 257;
  const ndist = bits.bits(5) + 1;
  const ncode = bits.bits(4) + 4;
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = bits.bits(3);
  const lengthCode = code(codeLengths);
  const lengths = new Uint8Array(nlen + ndist);
  for (let i = 0; i < nlen + ndist; ) {
    const symbol = decode(bits, lengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    const [value, repeat] = symbol === 16 ? [lengths[i - 1] ?? 0, 3 + bits.bits(2)] : symbol === 17 ? [0, 3 + bits.bits(3)] : [0, 11 + bits.bits(7)];
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  return { literals: code(lengths.subarray(0, nlen)), distances: code(lengths.subarray(nlen)) };
}

/** The bit position of the final block's header and the bit where the stream ends. */
function finalBlock(data: Uint8Array): { header: number; end: number } {
  const bits = new Bits(data);
  for (;;) {
    const header = bits.pos;
    const last = bits.bit();
    const type = bits.bits(2);
    if (type === 0) {
      bits.pos = (bits.pos + 7) & ~7;
      const length = bits.bits(16);
      bits.pos += 16 + length * 8;
    } else if (type === 1) {
      skipSymbols(bits, FIXED.literals, FIXED.distances);
    } else if (type === 2) {
      const { literals, distances } = dynamicCodes(bits);
      skipSymbols(bits, literals, distances);
    } else {
      throw new Error('invalid deflate block type');
    }
    if (last) return { header, end: bits.pos };
  }
}

/** `raw` (a whole raw deflate stream) ending on a byte with an empty stored block, not as the stream's end. */
export function unfinished(raw: Uint8Array): Uint8Array {
  const { header, end } = finalBlock(raw);
  // The empty stored block's 3 header bits (all 0) follow `end`, then padding to the byte, then LEN 0, NLEN 0xffff.
  const bytes = (end + 3 + 7) >>> 3;
  const out = new Uint8Array(bytes + 4);
  out.set(raw.subarray(0, Math.min(bytes, raw.length)));
  out[header >>> 3]! &= ~(1 << (header & 7));
  if (end & 7) out[end >>> 3]! &= (1 << (end & 7)) - 1;
  out.fill(0, (end + 7) >>> 3, bytes);
  out.set([0, 0, 0xff, 0xff], bytes);
  return out;
}
