/**
 * `solarpress init [folder]`: start a site of one's own — a commented site.config.ts, a first
 * article and an about page, npm scripts and a .gitignore. Writes nothing if any file it would
 * write exists already (package.json only gains the scripts it lacks).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags } from './cli/flags.ts';
import { UsageError } from './errors.ts';
import type { CommandSpec } from './types.ts';
import { VERSION } from './version.ts';

const SCRIPTS = {
  dev: 'solarpress dev',
  build: 'solarpress build',
  check: 'solarpress check',
  deploy: 'solarpress deploy',
};

function siteConfig(title: string): string {
  return `import { defineConfig } from 'solarpress';

// Every key is described in solarpress's README ("Configuration reference").
export default defineConfig({
  // The site's name, in every page's header and in the feeds.
  title: ${JSON.stringify(title)},
  subtitle: 'A solar-powered website',
  // Public address of the site, no trailing slash: feeds and canonical links are absolute against it.
  url: 'https://example.org',
  // Who writes here: the default author of every page and of the feeds.
  author: { name: 'Your name' },
  // The licence of your texts, shown in the footer and the feeds.
  license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' },
  // The board the site runs on, shown by the theme next to its battery meter.
  board: {
    location: 'Your town',
    timezone: 'Europe/Amsterdam',
    hardware: 'a single-board computer on a solar panel',
  },
  // Where 'npm run deploy' sends the site (see scripts/ in the solarpress package for the board's side).
  deploy: { host: '', user: '' },
  // theme: 'theme',  // after 'npx solarpress theme eject': your own copy of the solar theme
});
`;
}

function firstArticle(date: string): string {
  return `---
title: Hello, sun
date: ${date}
summary: The first article on this solar-powered website.
category: articles
tags:
  - low-tech
---

This site is built by solarpress and served from a small board that runs on the sun. When
the battery runs out, the site goes offline until the sun comes back.

Write articles in \`content/articles/\` as Markdown files like this one, preview them with
\`npm run dev\` and build the site with \`npm run build\`.
`;
}

function aboutPage(date: string): string {
  return `---
title: About
date: ${date}
summary: Who writes this website, and how it is powered.
category: pages
order: 1
slug: about
---

Tell your readers who you are, and where the board serving this page stands.
`;
}

/** The new site's .gitignore: besides the output and the cache, the folders a build keeps beside the
 * output for a moment (src/output-guard.ts): one it was killed while writing, one being removed. */
export const SITE_GITIGNORE = `node_modules/
dist/
.solarpress-cache/
# Left by a build that was killed while writing (the next build removes them).
.*.staging-*/
.*.previous-*/
# The output a build replaced, while it is removed in the background.
.*.old-*/
`;

export const initCommand: CommandSpec = {
  name: 'init',
  summary: 'start a new site in this folder (or in a new one)',
  usage: `Usage: solarpress init [FOLDER] [--title TITLE]

Writes site.config.ts, content/articles/hello-sun.md, content/pages/about.md, .gitignore and the npm
scripts dev, build, check and deploy into FOLDER (default: this folder). Overwrites nothing: when any
of these files exists already, nothing is written. Then: npm run build.`,
  async run(args, env) {
    const { values, positionals } = parseFlags(args, { title: { type: 'string' } }, true);
    if (positionals.length > 1) throw new UsageError(`init takes one folder, got ${positionals.length}: ${positionals.join(' ')}`);
    const dir = path.resolve(env.root, positionals[0] ?? '.');
    const title = values.title ?? 'My solar-powered site';
    // The config's schema wants a title: an empty one would write a site that does not load.
    if (!title.trim()) throw new UsageError('--title needs some text: solarpress init --title "My site"');
    const date = new Date().toISOString().slice(0, 10);
    const files: Record<string, string> = {
      'site.config.ts': siteConfig(title),
      'content/articles/hello-sun.md': firstArticle(date),
      'content/pages/about.md': aboutPage(date),
      '.gitignore': SITE_GITIGNORE,
    };
    // A file where a folder must go (FOLDER itself, or content/): named, before anything is written.
    const notFolder = foldersOf(Object.keys(files)).find((name) => statSync(path.join(dir, name), { throwIfNoEntry: false })?.isDirectory() === false);
    if (notFolder) throw new UsageError(`${path.relative(env.root, path.join(dir, notFolder)) || '.'} is a file, not a folder: init needs a folder there`);
    const existing = Object.keys(files).filter((name) => existsSync(path.join(dir, name)));
    if (existing.length > 0) {
      throw new UsageError(`${existing.join(', ')} exist${existing.length === 1 ? 's' : ''} already in ${path.relative(env.root, dir) || '.'}: init writes nothing over existing files (start in an empty folder)`);
    }
    const pkg = packageJson(dir, title);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text, { flag: 'wx' });
    }
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg.json, null, 2) + '\n');
    const where = path.relative(env.root, dir);
    env.stdout.write(
      `Wrote ${[...Object.keys(files), 'package.json'].join(', ')}${where ? ` in ${where}` : ''}.\n` +
        (pkg.skipped.length ? `package.json already had scripts ${pkg.skipped.join(', ')}: left as they were.\n` : '') +
        `Next: ${where ? `cd ${where} && ` : ''}${pkg.needsInstall ? 'npm install && ' : ''}npm run dev\n`,
    );
    return 0;
  },
};

/** FOLDER and the folders its files go in, relative to it, each after the one holding it: '.', 'content', 'content/articles', … */
function foldersOf(names: string[]): string[] {
  const folders = new Set(['.']);
  for (const name of names) for (let dir = path.posix.dirname(name); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir);
  // Outer first: the first file found is the one in the way (stat below it would fail with ENOTDIR).
  return [...folders].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.split('/').length - b.split('/').length));
}

/** The site's package.json: an existing one gains the scripts it lacks; a new one also depends on solarpress. */
function packageJson(dir: string, title: string) {
  const file = path.join(dir, 'package.json');
  let json: Record<string, any>;
  let needsInstall = false;
  if (existsSync(file)) {
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON (${(error as Error).message}): fix it, then run init again`);
    }
  } else {
    json = { name: path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'site', private: true, description: title, type: 'module', dependencies: { solarpress: `^${VERSION}` } };
    needsInstall = true;
  }
  json.scripts ??= {};
  const skipped: string[] = [];
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (json.scripts[name] === undefined) json.scripts[name] = command;
    else if (json.scripts[name] !== command) skipped.push(name);
  }
  return { json, skipped, needsInstall };
}
