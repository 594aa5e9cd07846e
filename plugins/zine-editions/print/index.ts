/** The print edition: the A5 PDF (Chromium) and the booklet (pdf-lib). Loaded only when asked for. */
export { printPdf, CHROMIUM_ARGS, type PrintOptions } from './pdf.ts';
export { bookletPdf, foldingOrder, type BookletOptions } from './booklet.ts';
