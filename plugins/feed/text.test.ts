/**
 * cleanText leaves text with nothing to clean as it is (one scan) and cleans the rest with its three
 * replacements: both ways give the same string for any mix of the characters it cares about.
 */
import { describe, expect, it } from 'vitest';
import { cleanText } from './text.ts';

/** The replacements alone: what cleanText must give for every input. */
function replaced(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '');
}

// Each kind of character the replacements touch, next to ones they must leave alone.
const ALPHABET = ['a', ' ', '\n', '\t', '\r', '\u0000', '\u0008', '\u000B', '\u001F', '\u007F', '\u0085', '\u009F', '\u00A0', '\uD83D', '\uDE00', '\uD7FF', '\uE000', '\uFFFD', '\uFFFE', '\uFFFF', 'é', '<'];

describe('cleanText', () => {
  it('gives what the three replacements give, on 20,000 random strings', () => {
    let seed = 12345;
    // The high bits of a linear congruential generator (its low bits repeat in short cycles).
    const next = () => Math.floor((seed = (seed * 1103515245 + 12345) % 2147483648) / 65536);
    let cleaned = 0;
    for (let n = 0; n < 20_000; n++) {
      const length = next() % 8;
      let value = '';
      for (let i = 0; i < length; i++) value += ALPHABET[next() % ALPHABET.length];
      expect(cleanText(value), JSON.stringify(value)).toBe(replaced(value));
      if (replaced(value) !== value) cleaned++;
    }
    expect(cleaned).toBeGreaterThan(5_000); // the strings with something to clean are many
  });

  it('keeps emoji and text without forbidden characters as they are', () => {
    expect(cleanText('Solar ☀ 😀 power')).toBe('Solar ☀ 😀 power');
    expect(cleanText('a\r\nb\rc\u0000d\uD800e')).toBe('a\nb\ncde');
  });
});
