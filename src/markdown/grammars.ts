/**
 * The grammars highlight.ts loads on the first block to highlight: highlight.js's common set and the
 * languages of a self-hoster's configs. A module of its own, imported by name, so that the bundle
 * holds these grammars only: `import('lowlight')` took the whole namespace, with `all` (190 grammars,
 * a 1.5 MB chunk compiled on every build that highlights a block).
 */
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import nginx from 'highlight.js/lib/languages/nginx';
import { common, createLowlight } from 'lowlight';

export const lowlight = createLowlight({ ...common, nginx, dockerfile });
