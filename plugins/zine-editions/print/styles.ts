/**
 * The print edition's stylesheet: A5 pages, DejaVu (installed with Chromium on Debian, embedded in
 * the PDF), running heads and page numbers in the page margins, and nothing wider than the text
 * block (code wraps, long URLs break anywhere, images and tables fit).
 */
export const PRINT_CSS = `@page { size: A5; margin: 17mm 15mm 18mm 15mm;
  @top-center { content: none; font: italic 7.5pt "DejaVu Serif", serif; color: #000 }
  @bottom-center { content: counter(page); font: 8pt "DejaVu Sans", sans-serif } }
@page cover { margin: 12mm; @top-center { content: none } @bottom-center { content: none } }
@page front { @top-center { content: none } }
html { font: 9pt/1.4 "DejaVu Serif", serif; color: #000; background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact }
body { margin: 0 }
h1, h2, h3, h4, .part-number, .toc-title, .cover-line { font-family: "DejaVu Sans", sans-serif; break-after: avoid; page-break-after: avoid }
h1 { font-size: 15pt; line-height: 1.15; margin: 0 0 4mm }
h2 { font-size: 11pt; margin: 5mm 0 2mm }
h3 { font-size: 9.5pt; margin: 4mm 0 1.5mm }
p { margin: 0 0 2.2mm; orphans: 2; widows: 2 }
a { color: #000; text-decoration: none }
sup { font-size: 6.5pt; line-height: 0 }
sup.url-mark { font-family: "DejaVu Sans", sans-serif }
code, pre { font-family: "DejaVu Sans Mono", monospace }
code { font-size: 8pt; overflow-wrap: anywhere }
pre { font-size: 7pt; line-height: 1.3; white-space: pre-wrap; overflow-wrap: anywhere; border-left: 1.2pt solid #000; padding: 0 0 0 2.5mm; margin: 0 0 3mm }
pre code { font-size: inherit }
blockquote { margin: 0 0 3mm 5mm; font-style: italic }
ul, ol { padding-left: 5mm; margin: 0 0 2.5mm }
dt { font-weight: bold; margin-top: 2mm } dd { margin: 0 0 0 5mm }
img { max-width: 100%; height: auto; image-rendering: pixelated; break-inside: avoid }
figure { margin: 3mm 0; break-inside: avoid } figcaption { font-size: 7.5pt; font-style: italic }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 8pt; margin: 0 0 3mm }
th, td { border: .5pt solid #000; padding: .8mm 1.2mm; text-align: left; vertical-align: top; overflow-wrap: anywhere }
.align-center { text-align: center } .align-right { text-align: right }
.sr-only { display: none }
.cover { page: cover; height: 186mm; display: flex; flex-direction: column; justify-content: space-between }
.cover-frame { border: 2.5pt solid #000; padding: 6mm; flex: 1 1 auto }
.cover-line { font: 800 25pt/1.05 "DejaVu Sans", sans-serif; text-transform: uppercase; margin: 0 0 2mm; overflow-wrap: anywhere }
.cover-meta { font-size: 9pt; margin-top: 5mm } .cover-meta p { margin: 0 0 1mm } .cover-title { font-weight: bold }
.contents { page: front; break-before: page }
.contents ol { list-style: none; padding: 0; margin: 6mm 0 }
.contents li { margin: 0 0 3mm }
.contents a { display: flex; align-items: baseline }
.contents .toc-title { flex: 1 1 auto; font-size: 10pt }
.contents .toc-page { flex: 0 0 auto; padding-left: 4mm; font: bold 10pt "DejaVu Sans", sans-serif }
.colophon { font-size: 7.5pt; margin-top: 12mm; overflow-wrap: anywhere }
.part { break-before: page }
.part-number { font-size: 8pt; text-transform: uppercase; letter-spacing: .08em; margin: 0 0 1mm }
.byline { font-style: italic; margin-bottom: 4mm }
.marker { display: inline-block; width: 1pt; height: 1pt; overflow: hidden }
section.footnotes { font-size: 7.5pt; border-top: .5pt solid #000; margin-top: 5mm; overflow-wrap: anywhere }
section.footnotes h2, .printed-urls h2 { font-size: 8.5pt; margin: 2mm 0 }
.printed-urls { font-size: 7.5pt; margin-top: 4mm; break-inside: auto }
.printed-urls ol { list-style: none; padding: 0 }
.printed-urls li { margin: 0 0 .8mm; overflow-wrap: anywhere; word-break: break-all }
.url-number { font-family: "DejaVu Sans", sans-serif; font-weight: bold }
`;
