/**
 * The zine issue in content/zine/ilu-9/ against its sources in ../shared/seeds/:
 * 000 (the zine's clean text, links lost), 001 (the print layout with its numbered URL lists)
 * and 002 (the club's website, which repeats some of the same guides).
 *
 * Checked: front matter, the titles and section headings of every part, the glossary's definition
 * list, that prose and code come from the seeds (no invented words, commands byte for byte), that
 * every URL is one the print listed (or a well-known project home), and that the real site builds
 * the issue's pages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import type { Root as HastRoot } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import type { Code, Heading, Root as MdastRoot } from 'mdast';
import { toString as mdastToString } from 'mdast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { decodeEntities, elements, markdown } from './support/markdown.ts';
import { lostImages, pointersToNothing, unmarkedCaptions } from './support/lost-images.ts';
import { copyRealSite } from './support/real-site.ts';
import { removeSite } from './support/site.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ISSUE = 'ilu-9';
const ZINE_DIR = path.join(ROOT, 'content/zine', ISSUE);
const SEEDS_DIR = path.resolve(ROOT, '../shared/seeds');

/** What the issue must hold, in print order: file, title, and every section heading in order. */
const EXPECTED: { file: string; title: string; headings: string[] }[] = [
  { file: 'index.md', title: 'Immaterial Labour Union #9: Special Issue on XMPP', headings: ['Contents'] },
  { file: '01-editors-note.md', title: "Editors' Note", headings: ['About the Homebrew Server Club'] },
  {
    file: '02-have-you-considered-the-alternative.md',
    title: 'Have you considered the alternative',
    headings: [
      'Pattern Recognition',
      'There are no alternatives.',
      'Cryptography matters, but then it also doesn’t',
      'The Wrong Signal',
      'XMPP, the federated messaging protocol',
      'Approaches not Apps',
    ],
  },
  {
    file: '03-configuring-an-xmpp-server.md',
    title: 'Configuring an XMPP server',
    headings: ['Enabling HTTPS', 'Installing and setting up MySQL as a storage back-end', 'Installing and configuring Prosody, the XMPP server', 'Finishing up'],
  },
  {
    file: '04-setting-up-an-xmpp-messenger.md',
    title: 'Setting up an XMPP Messenger',
    headings: [
      'Introduction',
      'Registering an account',
      'Considering XMPP clients',
      'Conversations, Android',
      'Download the Conversations app on your Smartphone',
      'Start the messenger app and register/log in',
      'Start chatting',
      'Encryption',
      'Troubleshooting Conversations',
      'ChatSecure, iOS',
      'Start the messenger app and register / log in.',
      'Enabling Push',
      'Create New Account',
      'Adding contacts',
      'Encryption',
      'Gajim, Desktop Windows / Linux',
      'Getting the latest version of Gajim',
      'Installing Gajim & other dependencies from backports',
      'Starting Gajim and installing plugins',
      'Fingerprints',
      'Troubleshooting',
    ],
  },
  {
    file: '05-beginners-guide-to-xmpp-speak.md',
    title: "Beginner's Guide to XMPP Speak",
    headings: ['XMPP', 'Software: Clients', 'Software: Server', 'Encryption'],
  },
  { file: '06-call-for-submissions.md', title: 'Call for Submissions', headings: [] },
];

/** The glossary's terms, in order, as the definition list must render them. */
const GLOSSARY_TERMS = [
  'Extensible Messaging and Presence Protocol', 'Jabber', 'MUC', 'ROSTER', 'JID', 'XEP', 'XEP-0045 MUC', 'XEP-0163: PEP', 'XEP-0313: MAM',
  'Conversations', 'Gajim', 'ChatSecure', 'Adium', 'Kaiwa', 'Pidgin',
  'Federated server', 'Centralized service', 'Prosody',
  'C2S', 'S2S', 'Transport Layer encryption', 'End-To-End Encryption (e2e)', 'OTR', 'OMEMO', 'TOFU', 'OpenPGP', 'Threat Model',
];

/** Hosts whose addresses are public knowledge: links to them need not come from the print's lists. */
const PUBLIC_HOSTS = new Set(['conversations.im', 'prosody.im', 'f-droid.org', 'letsencrypt.org', 'homebrewserver.club']);

/** Words of ours that are not the zine's: the cover page's navigation heading. */
const EDITORIAL_TEXT = new Set(['Contents']);
/** Our marks where a picture is lost (issue 15): the caption inside is the zine's own and is checked. */
const LOST_MARKS = [/^\[Image lost: /, /\]$/, / \[screenshot lost\]/];
/** A note of the editors (issue 15), in a blockquote of its own: their words, not the zine's. */
const EDITOR_NOTE = /^Editor’s note \(\d{4}\): /;

/** Titles the seeds do not print as such: the issue's (composed from its cover) and the call's (its first words). */
const COMPOSED_TITLES = new Set(['Immaterial Labour Union #9: Special Issue on XMPP', 'Call for Submissions']);

const CODE_LANGUAGES = new Set(['bash', 'console', 'text', 'sql', 'lua', 'nginx']);

// ---------------------------------------------------------------------------------------------
// Sources

function seed(prefix: string): string {
  const name = readdirSync(SEEDS_DIR).find((n) => n.startsWith(`${prefix}_`) && n.endsWith('.txt'));
  if (!name) throw new Error(`seed ${prefix}_*.txt is missing from ${SEEDS_DIR}`);
  return readFileSync(path.join(SEEDS_DIR, name), 'utf8');
}

const SEED_000 = seed('000');
const SEED_001 = seed('001');
// The website's text is indented six spaces by its extraction.
const SEED_002 = seed('002').replace(/^ {6}/gm, '');

const linesOf = (text: string) => text.split('\n').map((line) => line.trimEnd());
const LINES = { '000': linesOf(SEED_000), '001': linesOf(SEED_001), '002': linesOf(SEED_002) };

/** The fenced code blocks of the print (001). */
const PRINT_BLOCKS = [...SEED_001.matchAll(/^```[^\n]*\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);

/** Every address the print (001) carries, in its footnote lists and in its code (rejoined where the layout wrapped one after its scheme). */
const PRINT_URLS = new Set([...SEED_001.replace(/:\/\/\n/g, '://').matchAll(/(?:https?|xmpp):\/\/[^\s<>]+/g)].map((m) => m[0].replace(/[>.,;:]+$/, '')));

// ---------------------------------------------------------------------------------------------
// Markdown

interface Part {
  file: string;
  raw: string;
  data: Record<string, unknown>;
  frontLines: string[];
  mdast: MdastRoot;
  hast: HastRoot;
  html: string;
}

function loadPart(file: string): Part {
  const raw = readFileSync(path.join(ZINE_DIR, file), 'utf8');
  const parsed = matter(raw, {});
  const frontLines = raw.slice(0, raw.length - parsed.content.length).split('\n');
  const mdast = markdown.parse(parsed.content) as MdastRoot;
  const hast = markdown.runSync(structuredClone(mdast)) as HastRoot;
  const html = markdown.stringify(hast);
  return { file, raw, data: parsed.data, frontLines, mdast, hast, html };
}

// The cover page first, then the parts by their file names.
const FILES = existsSync(ZINE_DIR) ? readdirSync(ZINE_DIR).filter((f) => f.endsWith('.md')).sort((a, b) => (a === 'index.md' ? -1 : b === 'index.md' ? 1 : a.localeCompare(b))) : [];
const PARTS = new Map(FILES.map((f) => [f, loadPart(f)]));
const part = (file: string): Part => {
  const p = PARTS.get(file);
  if (!p) throw new Error(`content/zine/${ISSUE}/${file} is missing`);
  return p;
};

/** A heading's text without its footnote reference (the print hangs one on "The Wrong Signal"). */
function headingText(node: Heading): string {
  const copy = structuredClone(node);
  copy.children = copy.children.filter((child) => child.type !== 'footnoteReference');
  return mdastToString(copy).trim();
}

function headingsOf(p: Part): string[] {
  const out: string[] = [];
  visit(p.mdast, 'heading', (node: Heading) => {
    out.push(headingText(node));
  });
  return out;
}

function codeBlocksOf(p: Part): Code[] {
  const out: Code[] = [];
  visit(p.mdast, 'code', (node: Code) => {
    out.push(node);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparisons with the sources

/** Words for comparing prose: case, punctuation, quote styles and footnote numbers ignored. */
function words(text: string): string[] {
  return (text.replace(/[\u00b9\u00b2\u00b3\u2070-\u2079]/g, ' ').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function ngrams(list: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= list.length; i++) out.push(list.slice(i, i + n).join(' '));
  return out;
}

const SEED_WORDS = [SEED_000, SEED_001, SEED_002].map(words);
const SEED_VOCABULARY = new Set(SEED_WORDS.flat());
const SEED_TRIGRAMS = new Set(SEED_WORDS.flatMap((list) => ngrams(list, 3)));

/** Word runs of ours that no seed has (every three consecutive words must occur in a seed). */
function inventedIn(text: string): string[] {
  const list = words(text);
  if (list.length < 3) return list.filter((w) => !SEED_VOCABULARY.has(w));
  return ngrams(list, 3).filter((g) => !SEED_TRIGRAMS.has(g));
}

/** Where `lines` occur as a contiguous run of lines in `haystack`. */
function runIndex(lines: string[], haystack: string[]): number {
  outer: for (let i = 0; i + lines.length <= haystack.length; i++) {
    for (let j = 0; j < lines.length; j++) if (haystack[i + j] !== lines[j]) continue outer;
    return i;
  }
  return -1;
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (i < short.length && ch === short[i]) i++;
  return i === short.length;
}

const firstToken = (line: string) => line.trim().split(/\s+/)[0];

/**
 * A block rebuilt from both texts: 000 lost the addresses (links) from its commands, 001 kept them
 * but its print layout wrapped and joined lines. The block must hold exactly the characters of a
 * block of the print (whitespace aside), in the line structure of 000: each line either is a line
 * of 000 with its addresses back (000's line is a subsequence of it, same command) or is a line
 * 000 dropped whole because it was one address.
 */
function isRebuiltBlock(lines: string[]): boolean {
  const squeeze = (s: string) => s.replace(/\s+/g, '');
  if (!PRINT_BLOCKS.some((block) => squeeze(block) === squeeze(lines.join('\n')))) return false;
  const clean = LINES['000'].map((l) => l.replace(/\*/g, '').trim());
  for (let start = 0; start < clean.length; start++) {
    let j = start;
    let ok = true;
    for (const line of lines) {
      const candidate = clean[j];
      if (candidate && firstToken(candidate) === firstToken(line) && isSubsequence(candidate, line)) j++;
      else if (!/(?:https?|xmpp):\/\//.test(line)) {
        ok = false;
        break;
      }
    }
    if (ok && j > start) return true;
  }
  return false;
}

/** Every address in a part: link targets, autolinks, footnote targets, and any written out (code included). */
function urlsOf(p: Part): string[] {
  const found = new Set<string>();
  visit(p.mdast, (node) => {
    if ((node.type === 'link' || node.type === 'definition' || node.type === 'image') && 'url' in node) found.add(String(node.url));
  });
  const body = p.raw.slice(p.frontLines.join('\n').length);
  for (const m of body.matchAll(/(?:https?|xmpp|mailto):\/?\/?[^\s<>()`\]]+/g)) found.add(m[0].replace(/[.,;:]+$/, ''));
  return [...found];
}

// ---------------------------------------------------------------------------------------------

describe(`content/zine/${ISSUE}`, () => {
  it('holds the cover page and the parts in print order, nothing else', () => {
    expect(FILES).toEqual(EXPECTED.map((e) => e.file));
  });

  describe.each(EXPECTED)('$file', ({ file, title, headings }) => {
    it('has complete, valid front matter', () => {
      const { data, frontLines } = part(file);
      expect(data.title).toBe(title);
      if (!COMPOSED_TITLES.has(title)) {
        // A part's title is a line of the zine (000), as printed.
        expect(LINES['000']).toContain(title);
      }
      expect(data.date).toBeInstanceOf(Date);
      const date = data.date as Date;
      expect(Number.isNaN(date.getTime())).toBe(false);
      // After WhatsApp's announcement of August 2016, which the issue answers, and in 2016.
      expect(date.getTime()).toBeGreaterThanOrEqual(Date.UTC(2016, 7, 1));
      expect(date.getTime()).toBeLessThan(Date.UTC(2017, 0, 1));
      // The date says how it was derived, in a comment on its line.
      expect(frontLines.find((l) => l.startsWith('date:'))).toMatch(/^date: \d{4}-\d{2}-\d{2} # \S.{20,}$/);
      const authors = data.authors ?? (data.author === undefined ? undefined : [data.author]);
      expect(Array.isArray(authors) && authors.length > 0 && authors.every((a) => typeof a === 'string' && a.trim() !== '')).toBe(true);
      expect(typeof data.summary).toBe('string');
      expect(String(data.summary)).toMatch(/^\S.{30,}[.!?]$/);
      expect(data.category).toBe('zine');
      expect(Array.isArray(data.tags) && (data.tags as unknown[]).length > 0).toBe(true);
      for (const tag of data.tags as unknown[]) expect(tag).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(data.issue).toBe(ISSUE);
      expect(Number.isInteger(data.order)).toBe(true);
      if (data.slug !== undefined) expect(data.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    });

    it('has its section headings, in order, as the seeds print them', () => {
      const p = part(file);
      expect(headingsOf(p)).toEqual(headings);
      for (const heading of headings) {
        if (EDITORIAL_TEXT.has(heading)) continue;
        const asPrinted = [heading, `- ${heading} -`];
        expect(asPrinted.some((h) => LINES['000'].includes(h) || LINES['001'].includes(h)), heading).toBe(true);
      }
    });

    it('says nothing the seeds do not say', () => {
      const p = part(file);
      const invented: string[] = [];
      visit(p.mdast, (node) => {
        if (node.type === 'code' || node.type === 'footnoteDefinition') return node.type === 'code' ? SKIP : undefined;
        if (node.type === 'blockquote' && EDITOR_NOTE.test(mdastToString(node))) return SKIP;
        if (node.type === 'text' && !EDITORIAL_TEXT.has(node.value.trim())) {
          const zines = LOST_MARKS.reduce((text, mark) => text.replace(mark, ''), node.value);
          invented.push(...inventedIn(zines));
        }
        if (node.type === 'inlineCode' && ![SEED_000, SEED_001, SEED_002].some((s) => s.includes(node.value))) invented.push(node.value);
        return undefined;
      });
      expect(invented).toEqual([]);
    });

    it('has every code block verbatim from the seeds, and verbatim in the HTML', () => {
      const p = part(file);
      const blocks = codeBlocksOf(p);
      for (const block of blocks) {
        expect(CODE_LANGUAGES.has(block.lang ?? ''), `language of\n${block.value}`).toBe(true);
        const lines = block.value.split('\n').map((l) => l.trimEnd());
        const verbatim = Object.values(LINES).some((seedLines) => runIndex(lines, seedLines) !== -1);
        expect(verbatim || isRebuiltBlock(lines), `not in the seeds:\n${block.value}`).toBe(true);
      }
      const rendered = [...p.html.matchAll(/<pre><code(?: class="[^"]*")?>([\s\S]*?)<\/code><\/pre>/g)].map((m) => decodeEntities(m[1].replace(/<[^>]+>/g, ''))); // highlighting's spans stripped
      expect(rendered).toEqual(blocks.map((b) => `${b.value}\n`));
    });

    it('links only to addresses of the print, well-known project homes, or other parts', () => {
      const p = part(file);
      for (const url of urlsOf(p)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
          expect(url.startsWith('mailto:'), `an example address became a mail link: ${url}`).toBe(false);
          const host = /^[a-z]+:\/\/([^/?#:]+)/i.exec(url)?.[1]?.replace(/^www\./, '');
          expect(PRINT_URLS.has(url) || (host !== undefined && PUBLIC_HOSTS.has(host)), `address in no seed list: ${url}`).toBe(true);
        } else {
          expect(url, 'a relative link goes to another Markdown file').toMatch(/^[^/#?]+\.md(#[\w-]+)?$/);
          expect(existsSync(path.join(ZINE_DIR, url.replace(/#.*/, ''))), url).toBe(true);
        }
      }
    });

    it('has every footnote referenced and defined, and no leftover markup', () => {
      const p = part(file);
      const refs = new Set<string>();
      const defs = new Set<string>();
      visit(p.mdast, (node) => {
        if (node.type === 'footnoteReference') refs.add(node.identifier);
        if (node.type === 'footnoteDefinition') defs.add(node.identifier);
      });
      expect([...refs].sort()).toEqual([...defs].sort());
      const text = hastToString(p.hast);
      expect(text).not.toContain('[^');
      expect(text).not.toContain('[ref]');
      expect(text).not.toMatch(/\)\]/);
    });
  });

  it('numbers the parts 1..N in print order, as their file names do, after the cover', () => {
    const orders = EXPECTED.map((e) => part(e.file).data.order);
    expect(orders[0]).toBe(0);
    const partOrders = orders.slice(1);
    expect(partOrders).toEqual(partOrders.map((_, i) => i + 1));
    for (const e of EXPECTED.slice(1)) expect(e.file.startsWith(String(part(e.file).data.order).padStart(2, '0') + '-')).toBe(true);
  });

  it('lists the parts on the cover page as relative links, in print order, with their titles', () => {
    const links: [string, string][] = [];
    visit(part('index.md').mdast, 'link', (node) => {
      if (!/^[a-z]+:/i.test(node.url)) links.push([mdastToString(node), node.url]);
    });
    expect(links).toEqual(EXPECTED.slice(1).map((e) => [e.title, e.file]));
  });

  it('keeps the article’s opening quotes as blockquotes with their attribution', () => {
    const p = part('02-have-you-considered-the-alternative.md');
    const quotes = p.mdast.children.filter((n) => n.type === 'blockquote').map((q) => mdastToString(q));
    expect(quotes).toHaveLength(3);
    expect(quotes[0]).toMatch(/Have you considered the alternative\?'"Brian Acton and Jan Koum, June 2012$/);
    expect(quotes[1]).toMatch(/Facebook Newsroom, February 2014$/);
    expect(quotes[2]).toMatch(/Brian Acton and Jan Koum, August 2016$/);
    // Footnotes 1–15 of the print: one footnote per number.
    expect(elements(p.hast, 'li').filter((li) => String(li.properties.id ?? '').startsWith('user-content-fn-'))).toHaveLength(15);
  });

  it('points the reader at no picture that is not there: lost ones are marked, and the part says so', () => {
    for (const file of FILES) {
      const { mdast, raw } = part(file);
      expect(unmarkedCaptions(mdast), `${file}: captions of pictures that are not there`).toEqual([]);
      expect(pointersToNothing(mdast), `${file}: sentences pointing at a picture that is not there`).toEqual([]);
      if (lostImages(mdast).length > 0) expect(raw, file).toMatch(/^> Editor’s note \(\d{4}\): .*\[Image lost: …\]/m);
    }
    // The screenshots of the messenger guide: each caption kept, marked.
    expect(lostImages(part('04-setting-up-an-xmpp-messenger.md').mdast)).toContain('[Image lost: Friend request]');
  });

  it('renders the glossary as a definition list of its terms', () => {
    const p = part('05-beginners-guide-to-xmpp-speak.md');
    expect(elements(p.hast, 'dt').map((dt) => hastToString(dt).trim())).toEqual(GLOSSARY_TERMS);
    const dds = elements(p.hast, 'dd');
    expect(dds).toHaveLength(GLOSSARY_TERMS.length);
    // Two definitions run to a second paragraph in the zine.
    const twoParagraphs = dds.filter((dd) => dd.children.filter((c) => c.type === 'element' && c.tagName === 'p').length === 2);
    expect(twoParagraphs.map((dd) => hastToString(dd).trim().slice(0, 29))).toEqual(['Encrypts communication while ', 'When thinking about security ']);
  });

  it('builds into the real site with every part at its permalink', async () => {
    const { build } = (await import(path.join(ROOT, 'src/build.ts'))) as typeof import('../src/build.ts');
    // A copy of the real site: its own output and cache folders.
    const site = copyRealSite('zine-');
    const out = path.join(site, 'dist');
    try {
      await build({ root: site, log: createLogger({ quiet: true }) });
      for (const e of EXPECTED) {
        const slug = e.file === 'index.md' ? '' : `${e.file.replace(/^\d\d-/, '').replace(/\.md$/, '')}/`;
        const file = path.join(out, 'zine', ISSUE, slug, 'index.html');
        expect(existsSync(file), file).toBe(true);
        const text = decodeEntities(readFileSync(file, 'utf8').replace(/<[^>]+>/g, ''));
        // Typographic quotes may be applied to the prose: compare with straight quotes.
        const plain = (s: string) => s.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
        // The cover's written contents list gives way to the theme's generated one (checked below).
        const headings = e.file === 'index.md' ? [] : e.headings;
        for (const heading of [e.title, ...headings]) expect(plain(text), `${heading} in ${file}`).toContain(plain(heading));
      }
      // The cover links every part at its permalink, in print order; the glossary stays a definition list.
      const cover = readFileSync(path.join(out, 'zine', ISSUE, 'index.html'), 'utf8');
      const positions = EXPECTED.slice(1).map((e) => cover.indexOf(`href="/zine/${ISSUE}/${e.file.replace(/^\d\d-/, '').replace(/\.md$/, '')}/"`));
      expect(positions.every((at) => at >= 0), 'every part linked from the cover').toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      const glossary = readFileSync(path.join(out, 'zine', ISSUE, 'beginners-guide-to-xmpp-speak', 'index.html'), 'utf8');
      // Each term has an id (glossary.md#omemo links to its entry).
      const ids = [...glossary.matchAll(/<dt id="([^"]+)">/g)].map((m) => m[1]);
      expect(ids).toHaveLength(GLOSSARY_TERMS.length);
      expect(ids).toContain('omemo');
    } finally {
      removeSite(site);
    }
  }, 300_000);
});
