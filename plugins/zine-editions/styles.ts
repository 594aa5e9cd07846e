/**
 * The books' stylesheets. The EPUB's is small and leaves fonts, sizes and margins to the reader
 * (e-ink readers let people choose them); black on white only, no background colours that an e-ink
 * screen would render as grey mush.
 */
export const EPUB_CSS = `body { margin: 0; line-height: 1.4; orphans: 2; widows: 2 }
h1, h2, h3, h4 { line-height: 1.2; page-break-after: avoid; break-after: avoid; font-weight: bold }
h1 { font-size: 1.6em; margin: 0 0 .8em }
h2 { font-size: 1.3em; margin: 1.4em 0 .5em }
h3 { font-size: 1.1em; margin: 1.2em 0 .4em }
p { margin: 0 0 .7em }
a { color: inherit }
img { max-width: 100%; height: auto }
figure { margin: 1em 0; page-break-inside: avoid; break-inside: avoid }
figcaption { font-size: .9em; font-style: italic }
blockquote { margin: 1em 1.2em; font-style: italic }
pre { font-family: monospace; font-size: .8em; white-space: pre-wrap; word-wrap: break-word; border-left: 2px solid black; padding-left: .5em }
code { font-family: monospace }
table { border-collapse: collapse }
th, td { border: 1px solid black; padding: .2em .4em; text-align: left; vertical-align: top }
.align-center { text-align: center } .align-right { text-align: right }
dt { font-weight: bold; margin-top: .6em }
dd { margin: 0 0 0 1.2em }
.byline, .dek { font-style: italic }
section.footnotes, aside[epub|type~="footnote"] { font-size: .85em; border-top: 1px solid black; margin-top: 2em }
nav ol { list-style: none; padding: 0 }
nav li { margin: .4em 0 }
.title-page { text-align: center; margin-top: 3em }
.title-page .meta { font-size: .9em; margin-top: 2em }
.cover { text-align: center; margin: 0; padding: 0 }
.cover img { max-height: 100%; max-width: 100% }
.sr-only { display: none }
`;
