/**
 * The grammars of syntax highlighting, each loaded when a block first names it (src/markdown/grammars.ts):
 * a language highlighted with only its own grammar registered gives what it gives with all of them.
 */
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import nginx from 'highlight.js/lib/languages/nginx';
import { toHtml } from 'hast-util-to-html';
import { common, createLowlight } from 'lowlight';
import { describe, expect, it, vi } from 'vitest';
import { GRAMMARS } from '../src/markdown/grammars.ts';

const full = createLowlight({ ...common, nginx, dockerfile });

/** A bit of every language's syntax, and parts other grammars highlight (CSS and JS in HTML, bash in a shell session…). */
const SAMPLE = [
  '<!-- note --> <p class="a">text</p> <style>a { color: red; }</style> <script>let x = `a${1}`; // js</script>',
  '$ echo "hi" | grep h # shell',
  '>>> print("x")',
  'key: [1, "two"] # yaml',
  '<?php echo $x; ?>',
  'def f(x): return x  # python',
  'SELECT * FROM t WHERE a = 1; -- sql',
  'local x = { 1, 2 } -- lua',
  'server { listen 80; location / { proxy_pass http://a; } }',
  'FROM alpine',
  'RUN apk add bash && echo $HOME',
  '# Title',
  '',
  '<b>bold</b> `code` [link](http://a)',
  'int main(void) { return 0; } /* c */',
].join('\n');

describe('grammars loaded one by one', () => {
  it("are lowlight's common set, in its order, with nginx and dockerfile", () => {
    expect(Object.keys(GRAMMARS)).toEqual([...Object.keys(common), 'nginx', 'dockerfile']);
  });

  it('highlight each language as it is highlighted with every grammar registered, its aliases too', async () => {
    const names = [...Object.keys(GRAMMARS), 'sh', 'console', 'html', 'yml', 'js', 'docker', 'no-such-language'];
    for (const name of names) {
      // A fresh module for each: the language is the first one asked for.
      vi.resetModules();
      const { highlighterFor } = await import('../src/markdown/grammars.ts');
      const alone = await highlighterFor([name]);
      expect(alone.registered(name), name).toBe(full.registered(name));
      if (full.registered(name)) expect(toHtml(alone.highlight(name, SAMPLE)), name).toBe(toHtml(full.highlight(name, SAMPLE)));
    }
  }, 60_000);
});
