/**
 * What a page may publish, through the real build: only files inside the site's folders (after
 * symlinks), links with safe schemes (pages and feeds alike), site-absolute links the site answers,
 * SVGs without active content; raw HTML is left out with a warning. Each test builds its own copy
 * of the minimal site, with its own cache; the CLI tests check exit 1, file:line, and dist/ untouched.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { contentErrorsOf } from '../src/errors.ts';
import { absoluteUrl } from '../plugins/feed/content.ts';
import { SAFE_SCHEMES } from '../src/markdown/link-schemes.ts';
import type { Logger, SourceLocation } from '../src/types.ts';
import { PROJECT_ROOT, removeSite, runCliAsync, snapshotDir, tempSite, writeFiles } from './support/site.ts';

const sites: string[] = [];
afterAll(() => sites.forEach(removeSite));

const md = (front: string, body: string) => `---\n${front}\n---\n\n${body}`;
const PIXEL = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/pixel.png'));

/** A copy of the minimal site with these files; dithering off unless asked (it is slow and beside the point). */
function site(files: Record<string, string | Buffer | null>, config = 'dither: false'): string {
  const root = tempSite({
    'site.config.ts': `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, ${config} };\n`,
    ...files,
  });
  sites.push(root);
  return root;
}

function recorder(root?: string): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => {},
    warn: (message: string, where?: SourceLocation) => void warnings.push(`${where ? `${path.relative(root ?? '', where.file)}:${where.line}` : ''}: ${message}`),
    progress: () => ({ tick: () => {}, done: () => {} }),
  };
}

/** Build in-process; the content errors formatted as the CLI prints them ('' when the build succeeds). */
async function errorsOf(root: string): Promise<string> {
  try {
    await build({ root, log: recorder() });
    return '';
  } catch (error) {
    const errors = contentErrorsOf(error);
    if (!errors) throw error;
    return errors.map((e) => e.format(root)).join('\n');
  }
}

const page = (root: string, url: string) => readFileSync(path.join(root, 'dist', url, 'index.html'), 'utf8');

describe('local files a page publishes stay inside the site', () => {
  it('a link climbing out to /etc/passwd is an error at its line, and nothing is published', async () => {
    const root = site({ 'content/articles/leak.md': md('title: Leak', 'Intro.\n\nSee [x](../../../../../../../../../../etc/passwd).\n') });
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/leak\.md:7:5: link \.\.\/(\.\.\/)+etc\/passwd lies outside the site's folders: solarpress publishes only files inside content\//m);
  });

  it('an image outside the project folder is an error', async () => {
    const root = site({ 'content/articles/pic.md': md('title: Pic', '![a pixel](../../../outside.png)\n') });
    writeFileSync(path.join(root, '..', 'outside.png'), PIXEL);
    try {
      expect(await errorsOf(root)).toMatch(/^content\/articles\/pic\.md:5:1: image \.\.\/\.\.\/\.\.\/outside\.png lies outside/m);
    } finally {
      removeSite(path.join(root, '..', 'outside.png'));
    }
  });

  it('a symlink inside content/ pointing outside is followed and refused (also in a hidden folder the content walk skips); one pointing inside is published', async () => {
    const root = site({
      'content/articles/keys.md': md('title: Keys', 'My [key](.links/id_ed25519) and [notes](files/notes.txt).\n'),
      'secret/id_ed25519': 'PRIVATE KEY',
      'content/shared/notes.txt': 'notes',
    });
    mkdirSync(path.join(root, 'content/articles/.links'));
    mkdirSync(path.join(root, 'content/articles/files'));
    symlinkSync(path.join(root, 'secret/id_ed25519'), path.join(root, 'content/articles/.links/id_ed25519'));
    symlinkSync(path.join(root, 'content/shared/notes.txt'), path.join(root, 'content/articles/files/notes.txt'));
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/keys\.md:5:4: link \.links\/id_ed25519 lies outside the site's folders \(through a symbolic link, to .*secret\/id_ed25519\)/m);
    expect(errors).not.toMatch(/notes/);
    writeFiles(root, { 'content/articles/keys.md': md('title: Keys', 'My [notes](files/notes.txt).\n') });
    expect(await errorsOf(root)).toBe('');
    expect(page(root, 'keys')).toMatch(/<a href="\/media\/notes\.[0-9a-f]{16}\.txt">notes<\/a>/);
  });

  it('an SVG that gains a script after a build is refused although the page is unchanged (cache)', async () => {
    const root = site({ 'content/articles/doc.md': md('title: Doc', 'The ![plan](plan.svg).\n'), 'content/articles/plan.svg': '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' });
    expect(await errorsOf(root)).toBe('');
    writeFiles(root, { 'content/articles/plan.svg': '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>' });
    expect(await errorsOf(root)).toMatch(/^content\/articles\/doc\.md:5:5: SVG plan\.svg cannot be published: <rect> has an event handler \(onclick\)/m);
  });

  it('hidden files and web documents (which would run on the site) are not published', async () => {
    const root = site({
      'content/articles/env.md': md('title: Env', 'The [settings](.env).\n'),
      'content/articles/.env': 'TOKEN=1',
      'content/articles/demo.md': md('title: Demo', 'The [demo](demo.html).\n'),
      'content/articles/demo.html': '<script src="/media/x.js"></script>',
    });
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/env\.md:5:5: link \.env is a hidden file/m);
    expect(errors).toMatch(/^content\/articles\/demo\.md:5:5: link demo\.html is a web document: published under \/media\/ it would run on the site's address/m);
  });

  it('a query and a fragment stay on the published link; the file is found without them', async () => {
    const root = site({
      'content/articles/query.md': md('title: Query', 'The [leaflet](leaflet.pdf?download#page=2) and [the other](hello.md?ref=query#part).\n'),
      'content/articles/leaflet.pdf': '%PDF-1.4 leaflet',
    });
    expect(await errorsOf(root)).toBe('');
    const html = page(root, 'query');
    expect(html).toMatch(/href="\/media\/leaflet\.[0-9a-f]{16}\.pdf\?download#page=2"/);
    expect(html).toContain('href="/hello/?ref=query#part"');
  });

  it('a malformed percent escape names the line and the reason', async () => {
    const root = site({ 'content/articles/pct.md': md('title: Pct', 'One [x](foo%zz.md), one ![y](a%zz.png), one [z](/a%zz/).\n') });
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/pct\.md:5:5: foo%zz\.md is not a valid link: "%" must start an escape of two hexadecimal digits/m);
    expect(errors).toMatch(/write %25 for a literal "%"/);
    expect(errors).not.toMatch(/could not render|URI malformed/);
  });
});

describe('the image: front-matter key', () => {
  it('is published like a body image and becomes the lead image (feeds, Open Graph), ahead of the body\'s first', async () => {
    const root = site({
      'content/articles/cover.md': md('title: Cover\ndate: 2024-01-01\nimage: images/cover.png', 'Text with ![another](images/other.png).\n'),
      'content/articles/images/cover.png': PIXEL,
      'content/articles/images/other.png': Buffer.concat([PIXEL, Buffer.from([0])]),
    });
    const result = await build({ root, log: recorder() });
    const lead = result.site.byUrl.get('/cover/')!.leadImage!;
    expect(lead).toMatchObject({ url: expect.stringMatching(/^\/media\/cover\.[0-9a-f]{16}\.png$/), width: 4, height: 3, type: 'image/png' });
    expect(readFileSync(path.join(root, 'dist', lead.url)).equals(PIXEL)).toBe(true);
    expect(readFileSync(path.join(root, 'dist/feed.xml'), 'utf8')).toContain(`<enclosure length="${PIXEL.length}" type="image/png" url="https://example.org${lead.url}"/>`);
    // From the cache: the same lead image, the file published again.
    const again = await build({ root, log: recorder() });
    expect(again.stats.renderedBodies).toBe(0);
    expect(again.site.byUrl.get('/cover/')!.leadImage).toEqual(lead);
    expect(again.output.has(lead.url.slice(1))).toBe(true);
  });

  it('is dithered like a body image when dithering is on', async () => {
    const root = site({ 'content/articles/cover.md': md('title: Cover\nimage: cover.png', 'Text.\n'), 'content/articles/cover.png': PIXEL }, '');
    const result = await build({ root, log: recorder() });
    const lead = result.site.byUrl.get('/cover/')!.leadImage!;
    expect(lead.url).toMatch(/^\/media\/[0-9a-f]+\.png$/);
    expect(result.output.has(lead.url.slice(1))).toBe(true);
  });

  it('outside the site, missing, not an image or not a path: an error at the key\'s line', async () => {
    const values = ['../../cover.png', 'gone.png', 'notes.txt', 'https://elsewhere.example/x.png', '/media/x.png'];
    const root = site({
      ...Object.fromEntries(values.map((value, i) => [`content/articles/img${i}.md`, md(`title: Img\nslug: img${i}\nimage: ${value}`, 'Text.\n')])),
      'content/articles/notes.txt': 'x',
      'cover.png': PIXEL,
    });
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/img0\.md:4: lead image \.\.\/\.\.\/cover\.png lies outside the site's folders/m);
    expect(errors).toMatch(/^content\/articles\/img1\.md:4: missing lead image: gone\.png/m);
    expect(errors).toMatch(/^content\/articles\/img2\.md:4: image: notes\.txt is not an image/m);
    expect(errors).toMatch(/^content\/articles\/img3\.md:4: image: https:\/\/elsewhere\.example\/x\.png is not a file beside this page/m);
    expect(errors).toMatch(/^content\/articles\/img4\.md:4: image: \/media\/x\.png is not a file beside this page/m);
  });
});

describe('site-absolute links', () => {
  it('must name something the site publishes; /api/ (the board) and plugin files are fine', async () => {
    const root = site({
      'content/articles/abs.md': md('title: Abs', '[a](/about/) [b](/about) [c](/feed.xml) [d](/api/stats.json) [e](/second/#part) [f](/?q=1)\n\n[g](/nonexistent/)\n\n![h](/abs/path.png)\n'),
    });
    const errors = await errorsOf(root);
    expect(errors.split('\n').filter((l) => /^content/.test(l))).toEqual([
      'content/articles/abs.md:7: link to /nonexistent/, which this site does not publish',
      'content/articles/abs.md:9: link to /abs/path.png, which this site does not publish',
    ]);
  });

  it('are checked again when what the site publishes changes, though the linking page comes from the cache', async () => {
    const root = site({ 'content/articles/abs.md': md('title: Abs', 'See [contact](/contact/).\n'), 'content/pages/contact.md': md('title: Contact', 'Write.\n') });
    expect(await errorsOf(root)).toBe('');
    writeFiles(root, { 'content/pages/contact.md': null });
    expect(await errorsOf(root)).toMatch(/^content\/articles\/abs\.md:5: link to \/contact\/, which this site does not publish/m);
  });
});

describe('link schemes: one rule for pages and feeds', () => {
  it('javascript:, vbscript: and data: links and images are errors at their line', async () => {
    const links = ['[a](javascript:alert(1))', '[b](VBScript:msgbox)', '![c](data:image/png;base64,AAAA)', '[d](JAVASCRIPT:alert(1))', '<javascript:alert(2)>', '[e](data:text/html,<b>x</b>)'];
    const root = site(Object.fromEntries(links.map((link, i) => [`content/articles/js${i}.md`, md(`title: JS\nslug: js${i}`, `Intro.\n\n${link}\n`)])));
    const errors = await errorsOf(root);
    expect(errors).toMatch(/^content\/articles\/js0\.md:8:1: link to a javascript: URL is not published\n\s+→ javascript: links run or carry code/m);
    expect(errors).toMatch(/^content\/articles\/js1\.md:8:1: link to a vbscript: URL/m);
    expect(errors).toMatch(/^content\/articles\/js2\.md:8:1: image to a data: URL/m);
    expect(errors).toMatch(/^content\/articles\/js3\.md:8:1: link to a javascript: URL/m);
    expect(errors).toMatch(/^content\/articles\/js4\.md:8:1: link to a javascript: URL/m);
    expect(errors).toMatch(/^content\/articles\/js5\.md:8:1: link to a data: URL/m);
  });

  it('safe schemes reach the page and the feeds alike', async () => {
    const links = ['mailto:club@example.org', 'xmpp:club@muc.example.org?join', 'tel:+31101234567', 'geo:51.92,4.47', 'irc://irc.example.org/hbsc', 'matrix:r/hbsc:example.org', 'gemini://example.org/'];
    const root = site({ 'content/articles/reach.md': md('title: Reach\ndate: 2024-01-01', links.map((l, i) => `[${i}](${l})`).join('\n\n') + '\n') });
    expect(await errorsOf(root)).toBe('');
    const html = page(root, 'reach');
    const feed = readFileSync(path.join(root, 'dist/feed.xml'), 'utf8');
    const json = readFileSync(path.join(root, 'dist/feed.json'), 'utf8');
    for (const link of links) {
      const escaped = link.replaceAll('&', '&#x26;');
      expect(html).toContain(`href="${escaped}"`);
      expect(feed, link).toContain(`href="${new URL(link).href}"`);
      expect(json, link).toContain(`href=\\"${new URL(link).href}\\"`);
    }
  });

  it('the feed transform keeps exactly the schemes pages keep', () => {
    const options = { pageUrl: 'https://example.org/x/', siteUrl: 'https://example.org' };
    for (const scheme of SAFE_SCHEMES) expect(absoluteUrl(`${scheme}://example.net/thing`, options), scheme).toBe(new URL(`${scheme}://example.net/thing`).href);
    for (const bad of ['javascript:alert(1)', 'vbscript:x', 'data:text/html,x', 'file:///etc/passwd', 'blob:x']) expect(absoluteUrl(bad, options), bad).toBeUndefined();
  });
});

describe('raw HTML and SVG', () => {
  it('raw HTML is left out of the page with a warning at its line (comments silently)', async () => {
    const root = site({
      'content/articles/raw.md': md('title: Raw', 'Intro.\n\n<script>alert(1)</script>\n\nAn <img src="x" onerror="alert(2)"> inline.\n\n<iframe src="https://example.com"></iframe>\n\n<!-- a note to self -->\n\nEnd.\n'),
    });
    const log = recorder(root);
    await build({ root, log });
    expect(log.warnings.filter((w) => w.includes('raw HTML'))).toEqual([
      'content/articles/raw.md:7: raw HTML <script> is left out of the page: solarpress publishes Markdown, not HTML (see "What solarpress refuses" in README.md)',
      'content/articles/raw.md:9: raw HTML <img> is left out of the page: solarpress publishes Markdown, not HTML (see "What solarpress refuses" in README.md)',
      'content/articles/raw.md:11: raw HTML <iframe> is left out of the page: solarpress publishes Markdown, not HTML (see "What solarpress refuses" in README.md)',
    ]);
    const html = page(root, 'raw');
    expect(html).not.toMatch(/<script|onerror|<iframe|a note to self/);
    // From the cache: the same warnings again.
    const again = recorder(root);
    await build({ root, log: again });
    expect(again.warnings.filter((w) => w.includes('raw HTML'))).toEqual(log.warnings.filter((w) => w.includes('raw HTML')));
  });

  const svg = (inner: string, head = '') => `${head}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">\n${inner}\n</svg>\n`;

  it('an SVG with a script, an event handler or a reference to elsewhere is refused, as an image or a link, dithering on or off', async () => {
    const bad: Array<[string, RegExp]> = [
      [svg('<script>alert(1)</script>'), /it has a <script> element \(line 2 of the SVG\)/],
      [svg('<rect width="10" height="10" onload="alert(1)"/>'), /<rect> has an event handler \(onload\) \(line 2/],
      [svg('<image href="https://tracker.example/x.png" width="1" height="1"/>'), /<image href="https:\/\/tracker\.example\/x\.png"> refers to another file or site/],
      [svg('<use xlink:href="other.svg#a"/>'), /<use xlink:href="other\.svg#a"> refers to another file or site/],
      [svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'), /uses a javascript: URL/],
      [svg('<style>rect { fill: url("https://x.example/f.svg#g") }</style>'), /<style> refers to https:\/\/x\.example\/f\.svg#g/],
      [svg('<style>@import "https://x.example/a.css";</style>'), /imports a stylesheet/],
      [svg('<rect style="fill: \\75 rl(http://x.example/p)"/>'), /refers to http:\/\/x\.example\/p/],
      [svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'), /<set> animates the attribute href/],
      [svg('<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://x.example/"/></foreignObject>'), /it has a <iframe> element/],
      [svg('<rect/>', '<?xml-stylesheet href="https://x.example/a.css"?>\n'), /<\?xml-stylesheet\?> instruction/],
      [svg('<rect>'), /is not well-formed XML/],
    ];
    for (const [dither, kind] of [['dither: false', 'image'], ['', 'image'], ['dither: false', 'link']] as const) {
      const files: Record<string, string> = {};
      bad.forEach(([text], i) => {
        files[`content/articles/draw${i}.md`] = md(`title: Draw\nslug: draw${i}`, kind === 'image' ? `Intro.\n\n![a drawing](drawing${i}.svg)\n` : `Intro.\n\n[the drawing](drawing${i}.svg)\n`);
        files[`content/articles/drawing${i}.svg`] = text;
      });
      const errors = (await errorsOf(site(files, dither))).split('\n').filter((line) => line.startsWith('content/'));
      bad.forEach(([text, reason], i) => {
        const line = errors.find((l) => l.startsWith(`content/articles/draw${i}.md:8:1: SVG drawing${i}.svg cannot be published: `));
        expect(line, `${text} (${dither || 'dither on'}, ${kind})`).toMatch(reason);
      });
    }
  });

  it('a plain SVG (gradients, internal references, embedded raster, links) is published as it is', async () => {
    const text = svg(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient><rect id="r" width="5" height="5"/></defs>\n' +
        '<rect width="10" height="10" fill="url(#g)" style="stroke: url(\'#g\')"/><use xlink:href="#r"/><use href="#r"/>\n' +
        '<image width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/>\n<a href="https://example.org/"><text>club</text></a>',
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
    );
    const root = site({ 'content/articles/draw.md': md('title: Draw', '![a drawing](drawing.svg)\n'), 'content/articles/drawing.svg': text });
    const result = await build({ root, log: recorder() });
    const lead = result.site.byUrl.get('/draw/')!.leadImage!;
    expect(readFileSync(path.join(root, 'dist', lead.url), 'utf8')).toBe(text);
  });
});

describe('the command line', () => {
  /** Build a good site, break it, build again: exit 1, the error at file:line, dist/ byte for byte as before. */
  async function refused(files: Record<string, string | Buffer | null>, prepare?: (root: string) => void): Promise<string> {
    const root = site({});
    expect((await runCliAsync(root, ['build'])).code).toBe(0);
    const before = snapshotDir(path.join(root, 'dist'));
    writeFiles(root, files);
    prepare?.(root);
    const run = await runCliAsync(root, ['build']);
    expect(run.code).toBe(1);
    const after = snapshotDir(path.join(root, 'dist'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, bytes] of before) expect(after.get(file)!.equals(bytes), file).toBe(true);
    expect(run.stderr).not.toMatch(/internal error|    at /);
    return run.stderr;
  }

  it('a symlink to a private file: exit 1, file:line, dist/ untouched', async () => {
    const stderr = await refused({ 'content/articles/key.md': md('title: Key', '[key](.ssh/id_ed25519)\n'), 'home/.ssh/id_ed25519': 'PRIVATE' }, (root) =>
      symlinkSync(path.join(root, 'home/.ssh'), path.join(root, 'content/articles/.ssh')),
    );
    expect(stderr).toMatch(/content\/articles\/key\.md:5:1: link \.ssh\/id_ed25519 lies outside the site's folders \(through a symbolic link/);
  });

  it('a javascript: link, then (once fixed) a link to nothing on the site: exit 1 and file:line each time, dist/ untouched', async () => {
    const stderr = await refused({ 'content/articles/js.md': md('title: JS', '[a](javascript:alert(1))\n\n[b](/nowhere/)\n') });
    expect(stderr).toMatch(/content\/articles\/js\.md:5:1: link to a javascript: URL is not published/);
    // Site-absolute links are checked once every page rendered: after the other errors are fixed.
    writeFiles(sites.at(-1)!, { 'content/articles/js.md': md('title: JS', '[b](/nowhere/)\n') });
    const run = await runCliAsync(sites.at(-1)!, ['build']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/content\/articles\/js\.md:5: link to \/nowhere\/, which this site does not publish/);
  });
});
