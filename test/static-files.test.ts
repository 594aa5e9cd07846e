import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.ts';
import { contentErrorsOf } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { PROJECT_ROOT, runCli, snapshotDir } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const quiet = () => createLogger({ quiet: true });
const site = tempSites();

const FIXTURE_CONFIG = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/site.config.ts'), 'utf8');
const NOTES = 'Notes for the club meeting, repeated so that compression pays off.\n'.repeat(40);
const PDF = Buffer.from('%PDF-1.4\n% not really a PDF, but published byte for byte\n%%EOF\n');

async function failure(root: string): Promise<string> {
  try {
    await build({ root, log: quiet() });
  } catch (error) {
    const problems = contentErrorsOf(error);
    if (!problems) throw error;
    return problems.map((p) => p.format(root)).join('\n');
  }
  throw new Error('the build succeeded');
}

describe('the static folder', () => {
  it('publishes its files verbatim, .well-known/ included and dot-files left out, precompressed like the rest', async () => {
    const root = site({
      'static/robots.txt': 'User-agent: *\nDisallow: /private/\n',
      'static/favicon.ico': Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]),
      'static/.well-known/security.txt': 'Contact: mailto:club@example.org\n',
      'static/google1234.html': 'google-site-verification: google1234.html',
      'static/docs/notes.txt': NOTES,
      'static/docs/flyer.pdf': PDF,
      'static/.DS_Store': 'junk',
      'static/docs/.notes.txt.swp': 'junk',
    });
    const result = await build({ root, log: quiet() });
    const dist = path.join(root, 'dist');
    expect(readFileSync(path.join(dist, 'robots.txt'), 'utf8')).toBe('User-agent: *\nDisallow: /private/\n');
    expect(readFileSync(path.join(dist, 'favicon.ico'))).toEqual(Buffer.from([0, 0, 1, 0, 1, 0, 16, 16]));
    expect(readFileSync(path.join(dist, '.well-known/security.txt'), 'utf8')).toContain('Contact:');
    expect(readFileSync(path.join(dist, 'google1234.html'), 'utf8')).toBe('google-site-verification: google1234.html');
    expect(readFileSync(path.join(dist, 'docs/flyer.pdf')).equals(PDF)).toBe(true);
    expect(existsSync(path.join(dist, '.DS_Store'))).toBe(false);
    expect(existsSync(path.join(dist, 'docs/.notes.txt.swp'))).toBe(false);
    // Precompression covers them like generated files.
    expect(existsSync(path.join(dist, 'docs/notes.txt.gz'))).toBe(true);
    expect(existsSync(path.join(dist, 'docs/notes.txt.br'))).toBe(true);
    expect(result.stats.written).toBe('written');

    // A rebuild with nothing changed writes nothing; an edited static file is published again.
    expect((await build({ root, log: quiet() })).stats.written).toBe('unchanged');
    writeFileSync(path.join(root, 'static/docs/notes.txt'), NOTES + 'One more line.\n');
    const edited = await build({ root, log: quiet() });
    expect(edited.stats.written).toBe('written');
    expect(edited.stats.renderedBodies).toBe(0);
    expect(readFileSync(path.join(dist, 'docs/notes.txt'), 'utf8')).toContain('One more line.');
  });

  it('follows a configured staticDir, and publishes symlinks that stay inside it', async () => {
    const root = site({
      'site.config.ts': FIXTURE_CONFIG.replace("title: 'Fixture',", "title: 'Fixture', staticDir: 'public',"),
      'public/files/a.txt': 'the real file\n',
    });
    symlinkSync('files/a.txt', path.join(root, 'public/b.txt'));
    await build({ root, log: quiet() });
    expect(readFileSync(path.join(root, 'dist/b.txt'), 'utf8')).toBe('the real file\n');
    expect(readFileSync(path.join(root, 'dist/files/a.txt'), 'utf8')).toBe('the real file\n');
  });

  it('never publishes a file from outside the folder through a symlink, and keeps the last good output', async () => {
    const root = site({ 'static/ok.txt': 'ok\n', 'secret.txt': 'the project’s secret\n' });
    await build({ root, log: quiet() });
    const before = snapshotDir(path.join(root, 'dist'));
    symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'static/leak.txt'));
    mkdirSync(path.join(root, 'static/dir'));
    symlinkSync('/etc', path.join(root, 'static/dir/etc'));
    const message = await failure(root);
    expect(message).toContain('static/leak.txt: is a symbolic link to');
    expect(message).toContain('static/dir/etc: is a symbolic link to /etc, outside the static folder');
    expect(snapshotDir(path.join(root, 'dist'))).toEqual(before);

    const cli = runCli(root, ['build']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('static/leak.txt');
    expect(cli.stderr).not.toContain('internal error');
  });

  it('refuses a symlink back to a folder it lies in (it would be walked forever), and publishes one to a sibling', async () => {
    const root = site({ 'static/docs/a.txt': 'a\n' });
    symlinkSync('.', path.join(root, 'static/loop'));
    symlinkSync('..', path.join(root, 'static/docs/up'));
    symlinkSync('docs', path.join(root, 'static/papers'));
    const cli = runCli(root, ['build']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).not.toContain('internal error');
    expect(cli.stderr).toContain('static/loop: is a symbolic link back to a folder it lies in');
    expect(cli.stderr).toContain('static/docs/up: is a symbolic link back to a folder it lies in');
    expect(cli.stderr).toContain('static/papers/up: is a symbolic link back to a folder it lies in');

    rmSync(path.join(root, 'static/loop'));
    rmSync(path.join(root, 'static/docs/up'));
    expect(runCli(root, ['build']).code).toBe(0);
    expect(readFileSync(path.join(root, 'dist/papers/a.txt'), 'utf8')).toBe('a\n');
  });

  it('names both files when a static file clashes with a page or with a plugin’s output', async () => {
    const withPage = site({ 'static/hello/index.html': '<p>hand-made</p>' });
    const message = await failure(withPage);
    expect(message).toContain('static/hello/index.html: is published at /hello/index.html, which clashes with /hello/index.html, the page content/articles/hello.md');

    const withFeed = site({ 'static/feed.xml': '<rss/>' });
    expect(await failure(withFeed)).toContain('static/feed.xml: is published at /feed.xml, which clashes with /feed.xml, which the feed plugin generates');

    // A file where the build needs a folder.
    const asFolder = site({ 'static/hello': 'a file, not a folder' });
    expect(await failure(asFolder)).toContain('static/hello: is published at /hello, which clashes with /hello/index.html, the page content/articles/hello.md');
    expect(existsSync(path.join(asFolder, 'dist'))).toBe(false);
  });

  it('refuses a static folder that holds the output', async () => {
    const root = site({
      'site.config.ts': FIXTURE_CONFIG.replace("title: 'Fixture',", "title: 'Fixture', staticDir: '.',"),
    });
    // The output folder guard (src/output-guard.ts) sees it first: the static folder holds dist/.
    expect(await failure(root)).toMatch(/the output folder "dist" \(outDir in site\.config\.ts\) is inside the static folder \(\.\)/);
  });
});
