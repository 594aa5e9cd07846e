/**
 * A save that changed only pages' bodies, shown at once: each page rendered and laid out again
 * against the last build's site model, and nothing else. What else the save changes (feeds that
 * carry the full text, the sitemap's dates, lists that show reading times) comes with the
 * follow-up rebuild, which the server makes every other request wait for (server.ts).
 */
import { statSync } from 'node:fs';
import { pageWithBody, type LastBuild } from '../build.ts';
import { checkMarkdownSize, readSource, type SourceFile } from '../content/load.ts';
import { contentErrorsOf } from '../errors.ts';
import { checkSiteLinks } from '../markdown/site-links.ts';
import { renderBody } from '../render/body.ts';
import { layOut } from '../render/layout.ts';
import { runTextStage } from '../render/text-stage.ts';
import type { Logger, Page } from '../types.ts';
import { bodyOnly } from './body-only.ts';
import { siteWith } from './site-with.ts';

/** A page as the preview serves it ahead of the follow-up rebuild. */
export interface PatchedPage {
  page: Page;
  outputPath: string;
  html: Buffer;
}

/**
 * The pages patched since the last build, by id, with the saved files' pages in their new
 * version; undefined when a save is not for this path (a new, removed or unreadable file, a
 * changed front matter, a problem to report): the full rebuild then takes it.
 */
export async function patchPages(last: LastBuild, saved: readonly string[], earlier: ReadonlyMap<string, PatchedPage>): Promise<Map<string, PatchedPage> | undefined> {
  const read: SourceFile[] = [];
  for (const file of saved) {
    const before = last.files.get(file);
    const size = statSync(file, { throwIfNoEntry: false })?.size;
    if (!before || size === undefined) return undefined;
    const after = orUndefined(() => {
      checkMarkdownSize(file, size);
      return readSource(file, before.page.id, last.load);
    });
    if (!after || !bodyOnly(before, after)) return undefined;
    read.push(after);
  }
  const pages = new Map([...earlier].map(([id, p]) => [id, p.page]));
  const processors = await last.processors();
  // Its warnings are the follow-up's to print (it replays them from the body cache).
  const log: Logger = { ...last.ctx.log, warn: () => {} };
  for (const file of read) {
    if (file.hash === last.files.get(file.page.source!)!.hash) {
      pages.delete(file.page.id); // as the last build has it
      continue;
    }
    const rendering = renderBody(file, {
      ctx: { ...last.bodyCtx, log },
      textStage: (page, markdown) => runTextStage(page, markdown, processors.text, last.textEnv),
      publisher: processors.publish,
      settingsHash: last.settingsHash,
      urls: last.urls,
      store: last.bodies,
      // Served once the follow-up has them in its output.
      emitFile: () => {},
      counts: { fresh: 0 },
    });
    const body = await rendering.catch((error: unknown) => {
      if (contentErrorsOf(error)) return undefined;
      throw error;
    });
    // A link to a file the last build did not make: the rebuild says whether this one does.
    if (!body || checkSiteLinks([{ source: file.page.source!, links: body.siteLinks }], (p) => last.result.output.has(p), last.servedOutside).length > 0) return undefined;
    pages.set(file.page.id, pageWithBody(file, body));
  }
  // Each page laid out against the others' new versions too (a page may show another's reading time).
  const site = siteWith(last.result.site, pages.values());
  const { ctx, theme, asset } = last;
  const patched = new Map<string, PatchedPage>();
  for (const page of pages.values()) {
    const { html } = layOut(page, { ctx, theme, site, output: last.result.output, asset });
    patched.set(page.id, { page, outputPath: page.outputPath, html: Buffer.from(html) });
  }
  return patched;
}

/** What fn returns, or undefined if it throws a content problem (the full rebuild reports it). */
function orUndefined<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (contentErrorsOf(error)) return undefined;
    throw error;
  }
}
