import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/types.ts';
import { ditherCommand } from './cli.ts';
import { ditherOptionsSchema } from './options.ts';
import { photo, tempDir } from './test-helpers.ts';
import { CLI, removeSite, runCliAsync, tempSite } from '../../test/support/site.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function dither(...args: string[]) {
  let stdout = '';
  const messages: string[] = [];
  const env: CommandEnv = {
    root: tmp.dir,
    loadConfig: () => Promise.reject(new Error('the dither command needs no site config')),
    log: { info: (m) => void messages.push(m), warn: (m, where) => void messages.push(`${where?.file ?? ''}: ${m}`), progress: () => ({ tick() {}, done() {} }) },
    stdout: new Writable({ write(chunk, _enc, done) { stdout += chunk; done(); } }),
  };
  const code = await ditherCommand(ditherOptionsSchema.parse({ workers: 2 })).run(args, env);
  return { code, stdout, messages: messages.join('\n') };
}

const at = (...parts: string[]) => path.join(tmp.dir, ...parts);
const ihdrDepth = (file: string) => readFileSync(file)[24];

describe('solarpress dither', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await dither('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: solarpress dither \[--palette 3\|6\|11\|FILE\.json\]/);
  });

  for (const [why, args, message] of [
    ['no --out', ['a.jpg'], /--out DIR is required/],
    ['no files', ['--out', 'x'], /no image files given/],
    ['an unknown option', ['--out', 'x', '--colour', 'red', 'a.jpg'], /unknown option --colour/],
    ['a bad threshold', ['--out', 'x', '--threshold', 'lots', 'a.jpg'], /--threshold lots: give a number 0–255/],
    ['a bad max size', ['--out', 'x', '--max-size', '10', 'a.jpg'], /--max-size 10: give a whole number of pixels, 16–4096/],
    ['a bad palette', ['--out', 'x', '--palette', '7', 'a.jpg'], /--palette 7: give 3, 6, 11 or a FILE\.json/],
    ['two inputs with one output name', ['--out', 'x', 'a/p.jpg', 'b/p.png'], /a\/p\.jpg and b\/p\.png would both write p\.png/],
  ] as [string, string[], RegExp][]) {
    it(`exits 2 on ${why}, saying what is wrong`, async () => {
      const { code, messages } = await dither(...args);
      expect(code).toBe(2);
      expect(messages).toMatch(message);
      expect(messages).toContain('Usage: solarpress dither');
    });
  }

  it('exits 2 on a palette file that is not a list of colours', async () => {
    writeFileSync(at('palette.json'), JSON.stringify({ palette: ['#12345'] }));
    const { code, messages } = await dither('--out', at('out'), '--palette', at('palette.json'), 'a.jpg');
    expect(code).toBe(2);
    expect(messages).toMatch(/palette\.json: expected a list of 2–255 colours/);
  });

  it('exits 2, writing nothing, when --out is a file or a PNG would be written over itself (dithered into its own folder)', async () => {
    const png = await photo(64, 48, 4).png().toBuffer();
    writeFileSync(at('logo.png'), png);
    writeFileSync(at('notes.txt'), 'mine\n');
    for (const [args, message] of [
      [['--out', tmp.dir, at('logo.png')], /logo\.png would be written over by its dithered copy: give another --out folder/],
      [['--out', at('notes.txt'), at('logo.png')], /--out .*notes\.txt is a file: give a folder/],
    ] as [string[], RegExp][]) {
      const { code, messages } = await dither(...args);
      expect(messages).toMatch(message);
      expect(messages).not.toMatch(/internal error|EEXIST/);
      expect(code).toBe(2);
    }
    expect(readFileSync(at('logo.png')).equals(png)).toBe(true);
    expect(readFileSync(at('notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('writes DIR/<basename>.png for each file and prints the sizes', async () => {
    writeFileSync(at('one.jpg'), await photo(1200, 900, 1).jpeg().toBuffer());
    writeFileSync(at('two.webp'), await photo(300, 600, 2).webp().toBuffer());
    const { code, stdout } = await dither('--out', at('out'), '--palette', '3', '--max-size', '400', at('one.jpg'), at('two.webp'));
    expect(code).toBe(0);
    expect(readdirSync(at('out')).sort()).toEqual(['one.png', 'two.png']); // and no temporary folder left
    expect(await sharp(at('out', 'one.png')).metadata()).toMatchObject({ width: 400, height: 300 });
    expect(await sharp(at('out', 'two.png')).metadata()).toMatchObject({ width: 200, height: 400 });
    expect(ihdrDepth(at('out', 'one.png'))).toBe(2);
    expect(stdout).toMatch(/one\.jpg → .*out\/one\.png {2}400×300 {2}[\d.]+ kB → [\d.]+ kB \(−[\d.]+ %\)/);
  });

  it('dithers two files with the same content under different names', async () => {
    const bytes = await photo(64, 48, 3).jpeg().toBuffer();
    writeFileSync(at('copy-a.jpg'), bytes);
    writeFileSync(at('copy-b.jpg'), bytes);
    const { code, messages } = await dither('--out', at('out'), at('copy-a.jpg'), at('copy-b.jpg'));
    expect(code, messages).toBe(0);
    expect(readdirSync(at('out')).sort()).toEqual(['copy-a.png', 'copy-b.png']);
    expect(readFileSync(at('out', 'copy-a.png')).equals(readFileSync(at('out', 'copy-b.png')))).toBe(true);
  });

  it('takes a palette from a JSON file', async () => {
    writeFileSync(at('bw.json'), JSON.stringify(['#000000', [255, 255, 255]]));
    writeFileSync(at('one.png'), await photo(64, 64).png().toBuffer());
    const { code } = await dither('--out', at('out'), '--palette', at('bw.json'), at('one.png'));
    expect(code).toBe(0);
    expect(ihdrDepth(at('out', 'one.png'))).toBe(1);
    const { data } = await sharp(at('out', 'one.png')).raw().toBuffer({ resolveWithObject: true });
    expect(new Set(data)).toEqual(new Set([0, 255]));
  });

  it('exits 1 naming a bad image, and still writes the good ones', async () => {
    writeFileSync(at('good.png'), await photo(64, 64).png().toBuffer());
    writeFileSync(at('bad.jpg'), 'not a jpeg');
    writeFileSync(at('empty.jpg'), '');
    mkdirSync(at('photos.jpg'));
    const { code, messages } = await dither('--out', at('out'), at('good.png'), at('bad.jpg'), at('empty.jpg'), at('missing.gif'), at('photos.jpg'));
    expect(code).toBe(1);
    expect(messages).toMatch(/bad\.jpg: cannot dither: not an image solarpress can read/);
    expect(messages).toMatch(/empty\.jpg: cannot dither: the image file is empty \(0 bytes\)/);
    expect(messages).toMatch(/missing\.gif: cannot dither: no such file/);
    expect(messages).toMatch(/photos\.jpg: cannot dither: a folder, not an image file\n {2}→ give the image files in it/);
    expect(messages).not.toMatch(/internal error/);
    expect(readdirSync(at('out'))).toEqual(['good.png']);
    expect(existsSync(at('out', 'bad.png'))).toBe(false);
  });

  // sharp reads a regular file itself; a pipe (here /dev/stdin) is read by the command, as before.
  it('reads an image from a pipe', async () => {
    const bytes = await photo(120, 80, 5).jpeg().toBuffer();
    const site = tempSite({ 'site.config.ts': "export default { title: 'T', url: 'https://example.org', author: { name: 'A' }, license: { name: 'CC0', url: 'https://example.org/cc0' } };\n", 'one.jpg': bytes });
    try {
      // A shell's pipe (Node's own child stdin is a socket, which /dev/stdin cannot open).
      const piped = spawn('sh', ['-c', `cat one.jpg | "${process.execPath}" "${CLI}" dither --out out /dev/stdin`], { cwd: site });
      let stdout = '';
      let stderr = '';
      piped.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      piped.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      expect(await new Promise((resolve) => piped.on('close', resolve)), stderr).toBe(0);
      expect(stdout).toMatch(/\/dev\/stdin → out\/stdin\.png {2}120×80 /);
      const direct = await runCliAsync(site, ['dither', '--out', 'direct', 'one.jpg']);
      expect(direct.code, direct.stderr).toBe(0);
      expect(readFileSync(path.join(site, 'out/stdin.png')).equals(readFileSync(path.join(site, 'direct/one.png')))).toBe(true);
    } finally {
      removeSite(site);
    }
  }, 120_000);

  // bin/solarpress.js starts `dither` from an entry of its own (cli-main.ts): the same command.
  it('as a user runs it: the site\'s dither section applies, and a mistake in it is reported at site.config.ts', async () => {
    const config = (dither: string) => `export default { title: 'T', url: 'https://example.org', author: { name: 'A' }, license: { name: 'CC0', url: 'https://example.org/cc0' }, ${dither} };\n`;
    const site = tempSite({ 'site.config.ts': config("dither: { palette: 3, maxSize: 100 }"), 'one.jpg': await photo(300, 200, 4).jpeg().toBuffer() });
    try {
      const ok = await runCliAsync(site, ['dither', '--out', 'out', 'one.jpg']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/one\.jpg → out\/one\.png {2}100×67 /);
      expect(ihdrDepth(path.join(site, 'out/one.png'))).toBe(2); // 3 greys

      // No dither section: the defaults (6 greys, within 800 px).
      writeFileSync(path.join(site, 'site.config.ts'), config('budgets: { pageKB: 200 }'));
      const defaults = await runCliAsync(site, ['dither', '--out', 'out', 'one.jpg']);
      expect(defaults.code, defaults.stderr).toBe(0);
      expect(defaults.stdout).toMatch(/one\.jpg → out\/one\.png {2}300×200 /);
      expect(ihdrDepth(path.join(site, 'out/one.png'))).toBe(4);

      writeFileSync(path.join(site, 'site.config.ts'), config("dither: { palette: 7 }"));
      const bad = await runCliAsync(site, ['dither', '--out', 'out', 'one.jpg']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/site\.config\.ts.*"dither\.palette"/);
      expect(bad.stderr).not.toMatch(/internal error/);

      writeFileSync(path.join(site, 'site.config.ts'), config('dither: false'));
      const off = await runCliAsync(site, ['dither', '--out', 'out', 'one.jpg']);
      expect(off.code).toBe(2);
      expect(off.stderr).toMatch(/unknown command "dither"/);
    } finally {
      removeSite(site);
    }
  }, 120_000);
});
