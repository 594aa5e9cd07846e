/**
 * The redirect page at each alias (front matter `aliases:`): a small HTML document that sends the
 * reader on without JavaScript (meta refresh), tells search engines where the page lives now
 * (canonical link), and holds a plain link for browsers that do neither. The generated nginx config
 * answers the same addresses with a 301 (plugins/nginx/redirects.ts); these pages serve everywhere else.
 */
import path from 'node:path';
import { h } from 'hastscript';
import { toHtml } from 'hast-util-to-html';
import { aliasOutputPath } from './content/aliases.ts';
import type { SourceFile } from './content/load.ts';
import { ContentError, ContentErrors } from './errors.ts';
import type { Output } from './output.ts';
import type { ResolvedConfig, Site } from './types.ts';

export function redirectPage(config: ResolvedConfig, target: { url: string; title: string }): string {
  const canonical = config.url + target.url;
  const tree = h('html', { lang: config.language }, [
    h('head', [
      h('meta', { charSet: 'utf-8' }),
      h('title', `Moved: ${target.title}`),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { name: 'robots', content: 'noindex' }),
      h('link', { rel: 'canonical', href: canonical }),
      h('meta', { httpEquiv: 'refresh', content: `0; url=${target.url}` }),
    ]),
    h('body', [h('p', ['This page has moved to ', h('a', { href: target.url }, target.title), '.'])]),
  ]);
  return toHtml({ type: 'root', children: [{ type: 'doctype' }, tree] });
}

/** The redirect pages published, by output path: plugins' files must not take their place. */
export type PublishedRedirects = Map<string, { alias: string; file: string; line?: number }>;

/**
 * Emits the redirect page of every alias, after the pages, assets and images and before the static
 * files: an alias that takes the place of one of them (or a static file) is an error naming both.
 */
export function publishRedirects(
  files: readonly SourceFile[],
  site: Site,
  output: Output,
  staticSource: (outputPath: string) => string | undefined,
  root: string,
): PublishedRedirects {
  const errors: ContentError[] = [];
  const published: PublishedRedirects = new Map();
  const taken = new Map(site.pages.map((p) => [p.outputPath, p]));
  for (const file of files) {
    const page = site.byId.get(file.page.id);
    if (!page) continue;
    for (const alias of file.aliases) {
      const outputPath = aliasOutputPath(alias.url);
      const where = { file: file.page.source!, line: alias.line };
      const other = taken.get(outputPath);
      const staticFile = staticSource(outputPath);
      if (other) {
        errors.push(new ContentError(`alias ${alias.url} is the address of ${other.source ? path.relative(root, other.source) : `the page ${other.url} the theme generates`}`, where, 'remove the alias, or move the other page'));
      } else if (staticFile) {
        errors.push(new ContentError(`alias ${alias.url} is the address of the static file ${path.relative(root, staticFile)}`, where, 'remove the alias or the static file'));
      } else if (output.has(outputPath)) {
        errors.push(new ContentError(`alias ${alias.url} is the address of /${outputPath}, a file the build publishes`, where, 'remove the alias'));
      } else {
        output.emit(outputPath, redirectPage(site.config, page));
        published.set(outputPath, { alias: alias.url, ...where });
      }
    }
  }
  if (errors.length > 0) throw new ContentErrors(errors);
  return published;
}

/** Throws when a plugin's file would take a redirect page's place (called before each plugin emit). */
export function guardRedirects(published: PublishedRedirects, outputPath: string, emitter: string): void {
  const redirect = published.get(outputPath);
  if (redirect) {
    throw new ContentError(`alias ${redirect.alias} is the address of /${outputPath}, which ${emitter} generates`, { file: redirect.file, line: redirect.line }, 'remove the alias, or change what the plugin publishes');
  }
}
