/**
 * Imposition for saddle stitching with pdf-lib: A4 landscape sheets holding two A5 pages each, in
 * folding order. The n pages are padded with blank pages to a multiple of 4; sheet k (from 0) has
 * on its front pages n-2k (left) and 2k+1 (right), on its back 2k+2 (left) and n-2k-1 (right).
 * Print double-sided, flipping on the short edge; fold the stack and staple it on the fold.
 */
import { PDFDocument } from 'pdf-lib';

/** A4 landscape in points. */
const SHEET = { width: 841.89, height: 595.28 };
const POINTS_PER_MM = 72 / 25.4;

export interface BookletOptions {
  /** Millimetres the printer cannot print at each edge of the sheet: the pages shrink to stay inside it. */
  printerMargin: number;
}

/** The page pairs of each sheet side in printing order, 1-based, for n pages (already a multiple of 4). */
export function foldingOrder(n: number): [number, number][] {
  if (n % 4 !== 0) throw new Error(`a booklet needs a multiple of 4 pages, not ${n}`);
  const sides: [number, number][] = [];
  for (let k = 0; k < n / 4; k++) {
    sides.push([n - 2 * k, 2 * k + 1]);
    sides.push([2 * k + 2, n - 2 * k - 1]);
  }
  return sides;
}

export async function bookletPdf(a5: Uint8Array, options: BookletOptions): Promise<Uint8Array> {
  const source = await PDFDocument.load(a5, { updateMetadata: false });
  const out = await PDFDocument.create({ updateMetadata: false });
  const count = source.getPageCount();
  const padded = Math.ceil(count / 4) * 4;
  const embedded = await out.embedPages(source.getPages());
  const { width: pageWidth, height: pageHeight } = source.getPage(0).getSize();
  const margin = options.printerMargin * POINTS_PER_MM;
  // Both halves scaled alike to fit inside the printable area, meeting at the fold.
  const scale = Math.min(1, (SHEET.width / 2 - margin) / pageWidth, (SHEET.height - 2 * margin) / pageHeight);
  const w = pageWidth * scale;
  const hgt = pageHeight * scale;
  const y = (SHEET.height - hgt) / 2;
  for (const [left, right] of foldingOrder(padded)) {
    const sheet = out.addPage([SHEET.width, SHEET.height]);
    if (left <= count) sheet.drawPage(embedded[left - 1], { x: SHEET.width / 2 - w, y, width: w, height: hgt });
    if (right <= count) sheet.drawPage(embedded[right - 1], { x: SHEET.width / 2, y, width: w, height: hgt });
  }
  out.setTitle(`${source.getTitle() ?? 'Booklet'} (booklet)`);
  if (source.getAuthor()) out.setAuthor(source.getAuthor()!);
  out.setCreator('solarpress');
  out.setProducer('solarpress (pdf-lib)');
  const date = source.getModificationDate();
  if (date) {
    out.setCreationDate(date);
    out.setModificationDate(date);
  }
  return out.save();
}
