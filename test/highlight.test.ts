/**
 * Syntax highlighting at build time, on the code of the club's own guides (the Prosody config in Lua,
 * the nginx configs, the shell sessions): classes in the HTML, the solar theme's colours in Chromium
 * (axe's contrast check, a screenshot in test-output/highlight/), and the ways to turn it off.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Code, Root as MdastRoot } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, removeSite, runCliAsync, tempSite } from './support/site.ts';
import { decodeEntities } from './support/markdown.ts';
import { requireTools } from './support/tools.ts';

const haveChromium = requireTools('/usr/bin/chromium');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'highlight');

/** Every fenced block of the real guides, as the Markdown parser reads them. */
function guideBlocks(): Code[] {
  const dir = path.join(PROJECT_ROOT, 'content/guides');
  const blocks: Code[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const tree = unified().use(remarkParse).parse(readFileSync(path.join(dir, name), 'utf8')) as MdastRoot;
    visit(tree, 'code', (node: Code) => void blocks.push(node));
  }
  return blocks;
}

const fence = (block: Pick<Code, 'lang' | 'meta' | 'value'>) => {
  const ticks = '`'.repeat(Math.max(3, ...[...block.value.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${block.lang ?? ''}${block.meta ? ` ${block.meta}` : ''}\n${block.value}\n${ticks}`;
};

const CONFIG = (extra = '') => `export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' },
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  theme: ${JSON.stringify(path.join(PROJECT_ROOT, 'theme'))}, precompress: false${extra} };\n`;

const blocks = guideBlocks();
const interesting = blocks.filter((b) => ['lua', 'nginx', 'bash'].includes(b.lang ?? ''));
/** The guide's blocks, then the ways to leave one plain. Line numbers of the last ones are checked. */
const prelude = '---\ntitle: Code of the guides\ndate: 2020-01-01\n---\n\n';
const own = ['```text\nlocal plain = "text"\n```', '```lua nohighlight\nlocal flagged = true\n```', '```\nlocal bare = 1\n```'];
const body = [...interesting.map(fence), ...own].join('\n\n');
const typoLine = (prelude + body).split('\n').length + 2;
const markdown = `${prelude}${body}\n\n\`\`\`luaa\nlocal typo = 1\n\`\`\`\n`;

let root: string;
let buildOutput: string;
const html = (dir = 'dist') => readFileSync(path.join(root, dir, 'code/index.html'), 'utf8');
/** The <pre> elements of the page, in order. */
const pres = (page: string) => [...page.matchAll(/<pre[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => m[1]);
const textOf = (pre: string) => decodeEntities(pre.replace(/<[^>]+>/g, ''));

beforeAll(async () => {
  root = tempSite({ 'site.config.ts': CONFIG(), 'content/guides/code.md': markdown });
  const run = await runCliAsync(root, ['build']);
  expect(run.code, run.stderr).toBe(0);
  buildOutput = run.stdout + run.stderr;
}, 120_000);
afterAll(() => removeSite(root));

describe('syntax highlighting', () => {
  it('the guides hold the test case: Lua (Prosody), nginx and shell', () => {
    for (const lang of ['lua', 'nginx', 'bash']) expect(interesting.some((b) => b.lang === lang), lang).toBe(true);
    expect(interesting.find((b) => b.lang === 'lua')!.value).toMatch(/VirtualHost|modules_enabled/);
  });

  it('marks tokens with classes and keeps every character of the code', () => {
    const found = pres(html());
    expect(found).toHaveLength(interesting.length + own.length + 1);
    interesting.forEach((block, i) => {
      expect(textOf(found[i]), `block ${i} (${block.lang})`).toBe(`${block.value}\n`);
      // A one-line shell command may hold no token worth a colour; a config always does.
      if (block.lang !== 'bash') expect(found[i], `block ${i} (${block.lang})`).toMatch(/<span class="hljs-/);
    });
    const bashBlocks = found.filter((_, i) => interesting[i]?.lang === 'bash');
    expect(bashBlocks.filter((pre) => pre.includes('<span class="hljs-')).length).toBeGreaterThanOrEqual(bashBlocks.length / 2);
    const lua = found[interesting.findIndex((b) => b.lang === 'lua')];
    expect(lua).toMatch(/<span class="hljs-string">"[^"<]+"<\/span>/);
    expect(lua).toMatch(/<span class="hljs-comment">--/);
    const nginx = found[interesting.findIndex((b) => b.lang === 'nginx' && /server\s*\{/.test(b.value))];
    expect(nginx).toMatch(/<span class="hljs-section">server<\/span>/);
    expect(nginx).toMatch(/<span class="hljs-attribute">(listen|server_name|root)<\/span>/);
    const bash = found[interesting.findIndex((b) => b.lang === 'bash' && /\bsudo\b/.test(b.value))];
    expect(bash).toMatch(/<span class="hljs-/);
    // No script of any kind comes with it.
    expect(html()).not.toMatch(/highlight|hljs\.js|lowlight/i);
  });

  it('is off for ```text, a nohighlight flag, a block without a language, and an unknown language (warned at its line)', () => {
    const rest = pres(html()).slice(interesting.length);
    expect(rest).toEqual([
      '<code class="language-text">local plain = "text"\n</code>',
      '<code class="language-lua">local flagged = true\n</code>',
      '<code>local bare = 1\n</code>',
      '<code class="language-luaa">local typo = 1\n</code>',
    ]);
    expect(buildOutput).toMatch(new RegExp(`content/guides/code\\.md:${typoLine}\\b.*code block in "luaa", a language solarpress cannot highlight`));
    expect(buildOutput.match(/cannot highlight/g)).toHaveLength(1);
  });

  it('is off for the whole site with highlight: false (the cached bodies are not reused)', async () => {
    writeFileSync(path.join(root, 'site.config.ts'), CONFIG(', highlight: false'));
    try {
      const run = await runCliAsync(root, ['build', '--out', 'dist-plain']);
      expect(run.code, run.stderr).toBe(0);
      const page = html('dist-plain');
      expect(page).not.toContain('hljs-');
      expect(pres(page).slice(0, interesting.length).map(textOf)).toEqual(interesting.map((b) => `${b.value}\n`));
    } finally {
      writeFileSync(path.join(root, 'site.config.ts'), CONFIG());
    }
  }, 120_000);

  it.skipIf(!haveChromium)('in the solar theme, every token passes axe colour contrast; screenshot to look at', async () => {
    const { serveStatic } = await import('../theme/test/static-server.ts');
    const { chromium } = await import('playwright-core');
    const { batteryCss, statsJson } = await import('../theme/test/stats.ts');
    const server = await serveStatic(path.join(root, 'dist'));
    // A full battery: the whole page sunlit yellow, the hardest background for the inks.
    server.overrides.set('/api/battery.css', { body: batteryCss(100, true), type: 'text/css' });
    server.overrides.set('/api/stats.json', { body: JSON.stringify(statsJson({ percent: 100, charging: true })), type: 'application/json' });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      await page.goto(`${server.origin}/code/`, { waitUntil: 'networkidle' });
      const colours = await page.$$eval('pre [class^="hljs-"], pre code', (els) => [...new Set(els.map((e) => getComputedStyle(e).color))]);
      expect(colours.length).toBeGreaterThanOrEqual(4);
      await page.addScriptTag({ path: path.join(PROJECT_ROOT, 'node_modules/axe-core/axe.min.js') });
      const violations = await page.evaluate(async () => {
        const { axe } = window as unknown as { axe: { run(context: unknown, o: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } };
        const result = await axe.run('main', { runOnly: { type: 'rule', values: ['color-contrast'] } });
        return result.violations.map((x) => `${x.id}: ${JSON.stringify(x.nodes.map((n) => n.target))}`);
      });
      expect(violations).toEqual([]);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'guides-code.png'), fullPage: true });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});
