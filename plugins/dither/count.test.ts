import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countImages } from './count.ts';
import { ditherStore, tempDir } from './test-helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

const RASTER = /\.(jpe?g|png|webp|gif|tiff?|avif|heic|heif)$/i;
const listed = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => RASTER.test(name)).length;

function content(): string {
  const dir = path.join(tmp.dir, 'content');
  const elsewhere = path.join(tmp.dir, 'elsewhere');
  for (const folder of [path.join(dir, 'articles/one'), path.join(dir, 'a-folder.png'), elsewhere]) mkdirSync(folder, { recursive: true });
  for (const file of ['articles/one/a.jpg', 'articles/one/b.PNG', 'articles/one/index.md', 'c.webp', 'notes.txt']) writeFileSync(path.join(dir, file), '');
  writeFileSync(path.join(elsewhere, 'd.gif'), '');
  symlinkSync(elsewhere, path.join(dir, 'linked'));
  return dir;
}

describe('countImages', () => {
  it('counts what a recursive readdir lists, linked folders and a folder named like an image included; 0 without the folder', () => {
    const dir = content();
    const store = ditherStore(path.join(tmp.dir, 'cache'));
    expect(listed(dir)).toBe(5);
    expect(countImages(dir, store)).toBe(5);
    expect(countImages(path.join(tmp.dir, 'missing'), store)).toBe(0);
  });

  it('keeps the count while no folder changes, and walks again when one does', async () => {
    const dir = content();
    const store = ditherStore(path.join(tmp.dir, 'cache'));
    // Folders changed in the last few seconds may change again unseen: nothing is kept.
    expect(countImages(dir, store)).toBe(5);
    expect(store.get('image-count')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(countImages(dir, store)).toBe(5);
    // The kept count is what a build with unchanged folders gets (shown here with a count put in by hand).
    const kept = JSON.parse(store.get('image-count')!.toString('utf8'));
    store.put('image-count', JSON.stringify({ ...kept, count: 99 }));
    expect(countImages(dir, store)).toBe(99);
    // An image added deep down, or in a linked folder: that folder changed, so it is walked again.
    writeFileSync(path.join(dir, 'articles/one/e.jpeg'), '');
    expect(countImages(dir, store)).toBe(6);
    store.put('image-count', JSON.stringify({ ...kept, count: 99 }));
    writeFileSync(path.join(tmp.dir, 'elsewhere/f.tif'), '');
    expect(countImages(dir, store)).toBe(listed(dir));
    expect(listed(dir)).toBe(7);
  });
});
