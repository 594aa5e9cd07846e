import { describe, expect, it } from 'vitest';
import { summary } from './service.ts';

describe('the dither summary', () => {
  it('says how much smaller the images got, or how much larger (a tiny image may grow)', () => {
    expect(summary({ images: 2, fresh: 1, cached: 1, bytesBefore: 23_552, bytesAfter: 10_752 })).toBe('dither: 2 images (1 new, 1 cached), 23.0 kB → 10.5 kB (−54.3 %)');
    expect(summary({ images: 1, fresh: 1, cached: 0, bytesBefore: 92, bytesAfter: 104 })).toBe('dither: 1 image (1 new, 0 cached), 92 B → 104 B (+13.0 %)');
  });
});
