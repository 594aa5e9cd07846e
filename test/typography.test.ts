/**
 * Quotes are educated in pieces of whole blocks (src/markdown/typography.ts, which keeps a long
 * post's cost linear): the pieces must give exactly what the whole text gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { educateQuotes } from '../src/markdown/typography.ts';

/** Blocks of prose dense in what smartypants decides by its neighbours: quotes, punctuation, decades. */
const token = fc.constantFrom('"', "'", 'word', 'club', 'The', 'Mr', 'e.g', 'A', 's', '80s', '.', '.', ',', '!', '?', '(', ')', '-', ':', ' ', ' ', '\n', '*');
const block = fc.array(token, { maxLength: 14 }).map((tokens) => tokens.join(''));

function text(blocks: string[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let all = '';
  for (const b of blocks) {
    starts.push(all.length);
    all += ` ${b}`;
  }
  return { text: all, starts };
}

describe('educateQuotes', () => {
  it('gives the same quotes in pieces as in one piece', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (blocks, piece) => {
        const { text: all, starts } = text(blocks);
        const whole = educateQuotes(all, [], Infinity);
        expect(educateQuotes(all, starts, piece)).toBe(whole);
        expect(whole.length).toBe(all.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('opens a quote that starts a block and closes one that ends it', () => {
    const { text: all, starts } = text(['"Solar" power.', 'The board\'s "off."', 'It said "on"']);
    expect(educateQuotes(all, starts, 1)).toBe(' “Solar” power. The board’s “off.” It said “on”');
  });
});
