import { describe, expect, it } from 'vitest';
import { parseDirective, splitTitle } from './override.ts';

describe('per-image override in the title', () => {
  it('splits the directive off the title', () => {
    expect(splitTitle('A board')).toEqual({ title: 'A board' });
    expect(splitTitle('dither: none')).toEqual({ title: '', directive: 'none' });
    expect(splitTitle('The board at night dither: palette=3')).toEqual({ title: 'The board at night', directive: 'palette=3' });
    expect(splitTitle('Undithered: a note')).toEqual({ title: 'Undithered: a note' }); // "dither:" must start a word
  });

  it('parses palettes and thresholds', () => {
    expect(parseDirective('none')).toEqual({ none: true });
    expect(parseDirective('palette=11')).toEqual({ none: false, override: { palette: 11 } });
    expect(parseDirective('palette=#000000,#FFFFFF threshold=10,20,30')).toEqual({
      none: false,
      override: { palette: ['#000000', '#FFFFFF'], threshold: [10, 20, 30] },
    });
    expect(parseDirective('threshold=64.5')).toEqual({ none: false, override: { threshold: 64.5 } });
  });

  for (const [directive, message] of [
    ['', /empty "dither:" override/],
    ['palette', /"palette" in the dither override is not key=value/],
    ['palette=3=4', /not key=value/],
    ['palette=#000000', /palette=#000000: write 3, 6, 11 or a comma-separated list of 2–255/],
    ['palette=red,blue', /palette=red,blue/],
    ['threshold=300', /threshold=300: write a number 0–255/],
    ['threshold=1,2', /threshold=1,2/],
    ['size=400', /unknown dither override "size"/],
  ] as [string, RegExp][]) {
    it(`rejects "${directive}"`, () => {
      expect(() => parseDirective(directive)).toThrow(message);
    });
  }
});
