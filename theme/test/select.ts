/** Minimal selectors over hast for tests: tag names, .classes, [attr], descendant combinators and lists. */
import { visit } from 'unist-util-visit';
import type { Element, Nodes } from 'hast';

function matchesSimple(e: Element, simple: string): boolean {
  const m = /^([a-z0-9]*)((?:\.[\w-]+)*)((?:\[[\w-]+\])*)$/i.exec(simple);
  if (!m) throw new Error(`unsupported selector ${simple}`);
  const [, tag, classes, attrs] = m;
  if (tag && e.tagName !== tag) return false;
  const own = Array.isArray(e.properties.className) ? e.properties.className.map(String) : [];
  for (const c of classes.split('.').filter(Boolean)) if (!own.includes(c)) return false;
  for (const a of attrs.match(/[\w-]+/g) ?? []) {
    const key = a.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (e.properties[key] === undefined) return false;
  }
  return true;
}

export function selectAll(tree: Nodes, selector: string): Element[] {
  const out: Element[] = [];
  for (const alternative of selector.split(',').map((s) => s.trim())) {
    const parts = alternative.split(/\s+/);
    visit(tree, 'element', (e: Element, _i, _p) => {
      if (!matchesSimple(e, parts[parts.length - 1])) return;
      // Check ancestors for the remaining parts, right to left.
      const ancestors = ancestorsOf(tree, e);
      let k = parts.length - 2;
      for (let j = ancestors.length - 1; j >= 0 && k >= 0; j--) if (matchesSimple(ancestors[j], parts[k])) k--;
      if (k < 0 && !out.includes(e)) out.push(e);
    });
  }
  return out;
}

export function select(tree: Nodes, selector: string): Element | undefined {
  return selectAll(tree, selector)[0];
}

function ancestorsOf(tree: Nodes, target: Element): Element[] {
  let found: Element[] = [];
  const walk = (node: Nodes, stack: Element[]): boolean => {
    if (node === target) {
      found = stack;
      return true;
    }
    if (!('children' in node)) return false;
    const next = node.type === 'element' ? [...stack, node] : stack;
    return node.children.some((c) => walk(c as Nodes, next));
  };
  walk(tree, []);
  return found;
}
