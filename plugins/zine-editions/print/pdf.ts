/**
 * The A5 PDF, printed by the system Chromium through playwright-core. Chromium cannot number the
 * contents itself (no target-counter()), so the issue is printed twice: the first print finds the
 * page each part starts on (a marker link in each part's title, read back from the PDF's link
 * annotations with pdf-lib), the second prints those numbers in the contents.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type { ResolvedConfig } from '../../../src/types.ts';
import type { Edition } from '../edition.ts';
import type { ReadOutput } from '../epub.ts';
import { markerUrl, printDocument } from './html.ts';
import { printImages } from './images.ts';

export interface PrintOptions {
  chromium: string;
  /** Called with each element wider than the text block (nothing may be clipped on paper). */
  overflow?: (what: string) => void;
}

/** The flags every Chromium solarpress starts gets: no GPU, no sandbox (containers), no background traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Text-block width of an A5 page with the stylesheet's margins (148 - 2 × 15 mm), in CSS pixels. */
const TEXT_WIDTH_PX = Math.round((118 / 25.4) * 96);

/** 1-based page number on which each marker link sits. */
async function markerPages(pdf: Uint8Array, count: number): Promise<number[]> {
  const doc = await PDFDocument.load(pdf);
  const found = new Map<string, number>();
  doc.getPages().forEach((page, index) => {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (let j = 0; j < (annots?.size() ?? 0); j++) {
      const action = annots!.lookupMaybe(j, PDFDict)?.lookupMaybe(PDFName.of('A'), PDFDict);
      const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString, PDFHexString);
      const text = uri?.decodeText();
      if (text && !found.has(text)) found.set(text, index + 1);
    }
  });
  return Array.from({ length: count }, (_, i) => {
    const page = found.get(markerUrl(i));
    if (page === undefined) throw new Error(`the first print lost the marker of part ${i + 1}`);
    return page;
  });
}

export async function printPdf(edition: Edition, config: ResolvedConfig, read: ReadOutput, options: PrintOptions): Promise<Uint8Array> {
  const images = await printImages(edition, read);
  const image = (url: string) => images.get(url);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: TEXT_WIDTH_PX, height: 800 } });
    // Nothing leaves the machine: the document is self-contained (images are data: URLs).
    await page.route('**/*', (route) => route.abort());
    await page.emulateMedia({ media: 'print' });
    const print = async (html: string) => {
      await page.setContent(html, { waitUntil: 'load' });
      return page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true });
    };
    const first = await print(printDocument(edition, config, { markers: true, image }));
    const pageNumbers = await markerPages(first, edition.parts.length);
    const final = await print(printDocument(edition, config, { markers: false, pageNumbers, image }));
    if (options.overflow) {
      const wide: string[] = await page.evaluate(() => {
        const out: string[] = [];
        const width = document.body.clientWidth;
        for (const el of Array.from(document.querySelectorAll('body *'))) {
          const box = el.getBoundingClientRect();
          if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1) {
            const part = el.closest('section.part')?.querySelector('h1')?.textContent ?? 'front matter';
            out.push(`${part}: <${el.tagName.toLowerCase()}> "${(el.textContent ?? '').trim().slice(0, 60)}"`);
          }
        }
        return out;
      });
      wide.forEach(options.overflow);
    }
    return await finish(final, edition);
  } finally {
    await browser.close();
  }
}

/** ISO A5 in points (148 × 210 mm). */
export const A5 = { width: (148 / 25.4) * 72, height: (210 / 25.4) * 72 };

/**
 * Pages set to exact A5 (Chromium rounds to whole CSS pixels: 420 × 594.96 pt; the half point lies
 * in the margins), and the document information a catalogue reads, dated by the edition, not the print.
 */
async function finish(pdf: Uint8Array, edition: Edition): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  for (const page of doc.getPages()) page.setSize(A5.width, A5.height);
  doc.setTitle(edition.title);
  doc.setAuthor(edition.authors.join(', '));
  doc.setLanguage(edition.language);
  doc.setCreator('solarpress');
  doc.setProducer('solarpress (Chromium, pdf-lib)');
  doc.setCreationDate(edition.date ?? edition.modified);
  doc.setModificationDate(edition.modified);
  return doc.save();
}
