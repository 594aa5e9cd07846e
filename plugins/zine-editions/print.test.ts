/**
 * The print edition of ILU #9 made by `solarpress zine ilu-9 --pdf --booklet`, read back with
 * Debian's poppler tools: A5 pages, contents whose page numbers point at the parts, every part's
 * title, fonts embedded, printed URL lists; the booklet on A4 landscape sheets in folding order,
 * inside the printer's margin. Also: the folding order itself, and the error without Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, tempSite } from '../../test/support/site.ts';
import { requireTools } from '../../test/support/tools.ts';
import { foldingOrder } from './print/booklet.ts';
import { realSite, type RealSite } from './test-site.ts';

const PARTS_DIR = path.join(PROJECT_ROOT, 'content/zine/ilu-9');
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
const pdfText = (file: string, first: number, last = first, crop: string[] = []) =>
  run('pdftotext', ['-layout', '-f', String(first), '-l', String(last), ...crop, file, '-']);
const words = (s: string) => s.replace(/\s+/g, ' ').trim();

function info(file: string): { pages: number; width: number; height: number } {
  const out = run('pdfinfo', [file]);
  const [, width, height] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(out)!;
  return { pages: Number(/Pages:\s+(\d+)/.exec(out)![1]), width: Number(width), height: Number(height) };
}

describe('folding order', () => {
  it('puts pages n and 1 on the first front, 2 and n-1 on its back, the middle pair last', () => {
    expect(foldingOrder(8)).toEqual([[8, 1], [2, 7], [6, 3], [4, 5]]);
    expect(foldingOrder(4)).toEqual([[4, 1], [2, 3]]);
    const pages = foldingOrder(36).flat().sort((a, b) => a - b);
    expect(pages).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(() => foldingOrder(6)).toThrow(/multiple of 4/);
  });
});

describe.runIf(requireTools('/usr/bin/chromium', 'pdfinfo', 'pdftotext', 'pdffonts'))('the print edition of ILU #9', () => {
  let site: RealSite;
  let a5 = '';
  let booklet = '';
  let pages = 0;
  let pageTexts: string[] = [];
  const parts = readdirParts();

  beforeAll(() => {
    site = realSite({ epub: true });
    const out = path.join(site.root, 'print');
    const result = runCli(site.root, ['zine', 'ilu-9', '--pdf', '--booklet', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    a5 = path.join(out, 'ilu-9-a5.pdf');
    booklet = path.join(out, 'ilu-9-booklet.pdf');
    expect(existsSync(path.join(out, 'ilu-9.epub'))).toBe(false); // only what was asked for
    pages = info(a5).pages;
    pageTexts = Array.from({ length: pages }, (_, i) => pdfText(a5, i + 1));
  }, 600_000);

  afterAll(() => rmSync(site.root, { recursive: true, force: true }));

  it('is A5 (419.5 × 595.3 pt) and its booklet A4 landscape, half as many sides as padded pages', () => {
    const page = info(a5);
    expect(page.width).toBeCloseTo(419.5, 0);
    expect(page.height).toBeCloseTo(595.3, 0);
    const sheet = info(booklet);
    expect(sheet.width).toBeCloseTo(841.9, 0);
    expect(sheet.height).toBeCloseTo(595.3, 0);
    const padded = Math.ceil(pages / 4) * 4;
    expect(padded % 4).toBe(0);
    expect(sheet.pages * 2).toBe(padded);
  });

  it('has a cover, contents whose page numbers point at each part, running heads and page numbers', () => {
    expect(words(pageTexts[0])).toMatch(/^SPECIAL ISSUE IMMATERIAL LABOUR UNION XMPP #9/);
    const contents = pageTexts[1];
    expect(contents).toContain('Contents');
    for (const [i, title] of parts.entries()) {
      const line = contents.split('\n').find((l) => words(l).startsWith(words(title)));
      expect(line, title).toBeDefined();
      const number = Number(/(\d+)\s*$/.exec(line!)![1]);
      const start = words(pageTexts[number - 1]);
      // The running head is the part's title, the page starts "Part N", the foot is the page number.
      expect(start, title).toContain(`Part ${i + 1}`.toUpperCase());
      expect(start, title).toContain(words(title));
      expect(start.endsWith(String(number)), `${title}: page number ${number}`).toBe(true);
    }
  });

  it('embeds every font', () => {
    const rows = run('pdffonts', [a5]).split('\n').slice(2).filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(/\s+/).at(-5), row).toBe('yes');
    for (const row of run('pdffonts', [booklet]).split('\n').slice(2).filter(Boolean)) expect(row.split(/\s+/).at(-5), row).toBe('yes');
  });

  it('prints the URLs of each part that links out, numbered, after the part (as the 2016 print did)', () => {
    const all = pageTexts.join('\f');
    // Parts whose Markdown has a link whose text is not its URL (autolinks print themselves).
    const linked = readdirSync(PARTS_DIR)
      .filter((n) => /^\d+-.*\.md$/.test(n))
      .sort()
      .flatMap((n, i) => (/\[[^\]^]+\]\((https?|xmpp|mailto):[^)\s]+\)/.test(readFileSync(path.join(PARTS_DIR, n), 'utf8')) ? [parts[i]] : []));
    expect(linked.length).toBeGreaterThanOrEqual(3);
    for (const title of linked) {
      const i = parts.indexOf(title);
      expect(i, title).toBeGreaterThanOrEqual(0);
      const next = parts[i + 1];
      const from = all.indexOf(`PART ${i + 1}`);
      const text = all.slice(from, next ? all.indexOf(`PART ${i + 2}`) : undefined);
      expect(text, title).toMatch(/\bLinks\b/);
      expect(text, title).toMatch(/\b1: (https?|xmpp|mailto):/);
    }
  });

  it('puts the pages on the sheets in folding order (first and last sheet, both sides)', () => {
    const padded = Math.ceil(pages / 4) * 4;
    const sides = foldingOrder(padded);
    const half = (side: number, right: boolean) =>
      words(pdfText(booklet, side, side, ['-x', right ? '421' : '0', '-y', '0', '-W', '421', '-H', '596']));
    const a5Words = (n: number) => (n <= pages ? words(pageTexts[n - 1]) : '');
    const sheets = sides.length / 2;
    for (const side of [1, 2, sides.length - 1, sides.length]) {
      const [left, right] = sides[side - 1];
      expect(half(side, false), `side ${side} left = page ${left}`).toBe(a5Words(left));
      expect(half(side, true), `side ${side} right = page ${right}`).toBe(a5Words(right));
    }
    expect(sheets).toBe(padded / 4);
    expect(half(1, true)).toMatch(/^SPECIAL ISSUE/);
  });

  it('a mistyped option is a usage error with a suggestion, like every command', () => {
    const result = runCli(site.root, ['zine', 'ilu-9', '--bookelt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --bookelt.*--booklet/);
  });

  it("keeps the booklet's pages inside the printer's margin", () => {
    const out = path.join(site.root, 'margin');
    const result = runCli(site.root, ['zine', 'ilu-9', '--booklet', '--printer-margin', '12', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const bbox = run('pdftotext', ['-bbox', '-f', '1', '-l', '2', path.join(out, 'ilu-9-booklet.pdf'), '-']);
    const margin = (12 / 25.4) * 72;
    const boxes = [...bbox.matchAll(/xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
    expect(boxes.length).toBeGreaterThan(20);
    for (const [xMin, yMin, xMax, yMax] of boxes) {
      expect(xMin).toBeGreaterThanOrEqual(margin - 0.5);
      expect(yMin).toBeGreaterThanOrEqual(margin - 0.5);
      expect(xMax).toBeLessThanOrEqual(841.89 - margin + 0.5);
      expect(yMax).toBeLessThanOrEqual(595.28 - margin + 0.5);
    }
  }, 300_000);
});

describe('without Chromium', () => {
  it('fails the build with a message that says what to do, and leaves the previous output alone', () => {
    const dir = tempSite();
    try {
      expect(runCli(dir, ['build']).code).toBe(0);
      const before = readFileSync(path.join(dir, 'dist/index.html'));
      const config = readFileSync(path.join(dir, 'site.config.ts'), 'utf8').replace(
        "url: 'https://example.org',",
        "url: 'https://example.org',\n  zine: { pdf: true, chromium: '/nonexistent/chromium' },",
      );
      writeFileSync(path.join(dir, 'site.config.ts'), config);
      const result = runCli(dir, ['build']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('site.config.ts');
      expect(result.stderr).toMatch(/needs Chromium, and there is none at \/nonexistent\/chromium/);
      expect(result.stderr).toMatch(/zine\.chromium|apt-get install chromium/);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(readFileSync(path.join(dir, 'dist/index.html')).equals(before)).toBe(true);
      expect(existsSync(path.join(dir, 'dist/zine/one/one-a5.pdf'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

/** The parts' titles in print order, from their Markdown. */
function readdirParts(): string[] {
  const dir = PARTS_DIR;
  return readdirSync(dir)
    .filter((n) => /^\d+-.*\.md$/.test(n))
    .sort()
    .map((n) => {
      const title = /^title:\s*"?(.*?)"?\s*$/m.exec(readFileSync(path.join(dir, n), 'utf8'))![1];
      return title.replace(/\\"/g, '"');
    });
}

