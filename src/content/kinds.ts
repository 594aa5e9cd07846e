/**
 * Where a content file sits decides what it is and its permalink:
 *   articles/<slug>.md → /<slug>/          guides/<slug>.md → /<slug>/       pages/<slug>.md → /<slug>/
 *   zine/<issue>/index.md → /zine/<issue>/  zine/<issue>/NN-<slug>.md → /zine/<issue>/<slug>/
 */
import type { Kind } from '../types.ts';

export interface Placement {
  kind: Kind;
  /** Permalink before a front-matter slug override is applied. */
  url: (slug: string) => string;
  defaultSlug: string;
  /** For zine files: the issue folder name. */
  issue?: string;
  defaultCategory: string;
}

const ORDER_PREFIX = /^\d+[-_]/;

/** undefined: the file is in no place solarpress knows. */
export function placementOf(id: string): Placement | undefined {
  const parts = id.split('/');
  const base = parts[parts.length - 1].replace(/\.md$/, '');
  const slug = base.replace(ORDER_PREFIX, '');
  const flat = (kind: Kind, category: string): Placement => ({ kind, url: (s) => `/${s}/`, defaultSlug: slug, defaultCategory: category });
  if (parts.length === 2 && parts[0] === 'articles') return flat('article', 'articles');
  if (parts.length === 2 && parts[0] === 'guides') return flat('guide', 'guides');
  if (parts.length === 2 && parts[0] === 'pages') return flat('page', 'pages');
  if (parts.length === 3 && parts[0] === 'zine') {
    const issue = parts[1];
    if (base === 'index') return { kind: 'zine-issue', url: () => `/zine/${issue}/`, defaultSlug: issue, issue, defaultCategory: 'zine' };
    return { kind: 'zine-part', url: (s) => `/zine/${issue}/${s}/`, defaultSlug: slug, issue, defaultCategory: 'zine' };
  }
  return undefined;
}

export const PLACES_HINT = 'put Markdown in content/articles/, content/guides/, content/pages/ or content/zine/<issue>/';
