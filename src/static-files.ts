/**
 * The static folder (config `staticDir`, default static/): files published verbatim at the same
 * path (static/robots.txt → /robots.txt, static/.well-known/… → /.well-known/…). Only regular files
 * that resolve, after symlinks, inside the folder are published; a file the build also generates is
 * an error naming both, and so is one under a path the server answers from elsewhere (servedOutside).
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ContentError, ContentErrors } from './errors.ts';
import { servedOutsideAt, shadowedError } from './markdown/site-links.ts';
import type { Output } from './output.ts';
import type { Site } from './types.ts';

export interface StaticFile {
  /** Path in the output, posix ('robots.txt', '.well-known/security.txt'). */
  outputPath: string;
  /** The file as the author sees it (a symlink's own path), for messages. */
  source: string;
  /** What is published: the real file behind any symlink, inside the static folder. */
  real: string;
}

/**
 * Every file to publish from staticDir (none when the folder does not exist), with all problems at once.
 * Dot-files are left out (editor leftovers, .git, .DS_Store: nginx would refuse them anyway), except
 * the .well-known/ folder, which is what it is for.
 */
export function listStaticFiles(staticDir: string, forbidden: { outDir: string; cacheDir: string }, outside: readonly string[] = []): StaticFile[] {
  let root: string;
  try {
    root = realpathSync(staticDir);
  } catch {
    return [];
  }
  if (!statSync(root).isDirectory()) {
    throw new ContentError('is not a folder', { file: staticDir }, 'set `staticDir` in site.config.ts to the folder of files to publish as they are');
  }
  for (const [key, dir] of Object.entries(forbidden)) {
    const other = path.resolve(dir);
    if (inside(other, root) || inside(root, other)) {
      throw new ContentError(
        `the static folder and ${key} (${other}) overlap`,
        { file: staticDir },
        'keep the static folder separate from the output and the cache: set `staticDir` to its own folder, such as static/',
      );
    }
  }
  const errors: ContentError[] = [];
  const files: StaticFile[] = [];
  // within: the real paths of the folders walked down to dir, dir's last (a link to one would be walked forever).
  const walk = (dir: string, relative: string, within: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.') && !(relative === '' && entry.name === '.well-known')) continue;
      const source = path.join(dir, entry.name);
      const outputPath = relative ? `${relative}/${entry.name}` : entry.name;
      let real = path.join(within.at(-1)!, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          real = realpathSync(source);
        } catch {
          errors.push(new ContentError('is a broken symbolic link', { file: source }, 'remove the link or point it at a file inside the static folder'));
          continue;
        }
        if (!inside(real, root)) {
          errors.push(
            new ContentError(`is a symbolic link to ${real}, outside the static folder: it is not published`, { file: source }, 'copy the file into the static folder instead of linking to it'),
          );
          continue;
        }
        if (within.includes(real)) {
          errors.push(new ContentError('is a symbolic link back to a folder it lies in: publishing it would never end', { file: source }, 'remove the link'));
          continue;
        }
      }
      const stat = lstatSync(real);
      if (stat.isDirectory()) walk(source, outputPath, [...within, real]);
      else if (stat.isFile()) {
        const url = `/${outputPath}`;
        const prefix = servedOutsideAt(url, outside);
        if (prefix) errors.push(shadowedError(url, prefix, source, `move it out of ${path.join(path.basename(staticDir), prefix)}`));
        else files.push({ outputPath, source, real });
      }
      else errors.push(new ContentError('is not a regular file (a pipe, socket or device): it cannot be published', { file: source }, 'remove it from the static folder'));
    }
  };
  walk(root, '', [root]);
  if (errors.length > 0) throw new ContentErrors(errors);
  return files;
}

/** a is b or below it. */
function inside(a: string, b: string): boolean {
  return a === b || a.startsWith(b + path.sep);
}

/** Paths in the output that are a file at `outputPath`, a folder it needs, or a file below it as a folder. */
function clashing(outputPath: string, paths: Iterable<string>): string | undefined {
  for (const other of paths) {
    if (other === outputPath || other.startsWith(outputPath + '/') || outputPath.startsWith(other + '/')) return other;
  }
  return undefined;
}

/**
 * Puts the static files into the output after the pages, assets and images, and guards what the
 * plugins emit afterwards: every clash names both files.
 */
export class StaticPublisher {
  private readonly byPath: Map<string, StaticFile>;

  constructor(
    private readonly files: StaticFile[],
    private readonly root: string,
  ) {
    this.byPath = new Map(files.map((f) => [f.outputPath, f]));
  }

  publish(output: Output, site: Site): void {
    const errors: ContentError[] = [];
    const generated = [...output.files.keys()];
    for (const file of this.files) {
      const other = clashing(file.outputPath, generated);
      if (other) errors.push(this.clash(file, `/${other}, ${originOf(other, output, site, this.root)}`));
      else output.emitFile(file.outputPath, file.real);
    }
    if (errors.length > 0) throw new ContentErrors(errors);
  }

  /** The static file published at outputPath, or one that needs it as a folder (or the reverse), if any. */
  sourceAt(outputPath: string): string | undefined {
    const file = this.byPath.get(outputPath) ?? this.byPath.get(clashing(outputPath, this.byPath.keys()) ?? '');
    return file?.source;
  }

  /** Throws when a plugin's file would take a static file's place (called before each plugin emit). */
  guard(outputPath: string, emitter: string): void {
    const file = this.byPath.get(outputPath) ?? this.byPath.get(clashing(outputPath, this.byPath.keys()) ?? '');
    if (file) throw this.clash(file, `/${outputPath}, which ${emitter} generates`);
  }

  private clash(file: StaticFile, other: string): ContentError {
    return new ContentError(
      `is published at /${file.outputPath}, which clashes with ${other}`,
      { file: file.source },
      'rename or remove one of the two (the static file, or the page, setting or plugin that makes the other)',
    );
  }
}

/** Who put an output path there, in words: a page's source, a theme asset, or a file a page uses. */
function originOf(outputPath: string, output: Output, site: Site, root: string): string {
  const page = site.pages.find((p) => p.outputPath === outputPath);
  if (page) return page.source ? `the page ${path.relative(root, page.source)}` : `the page ${page.url} the theme generates`;
  const source = output.files.get(outputPath);
  if (source && 'file' in source) return `published from ${path.relative(root, source.file)}`;
  return 'a file the build generates';
}
