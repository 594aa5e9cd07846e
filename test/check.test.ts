/**
 * `solarpress check` through the real command: drafts are checked, every content error is reported
 * at once, and --external asks a local server about each link (HEAD, then GET), politely.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from './support/site.ts';
import { tempSites } from './support/temp-sites.ts';

const site = tempSites();

describe('solarpress check', () => {
  it('checks drafts by default (what `new` makes), and leaves them out with --no-drafts', () => {
    const root = site({ 'content/articles/draft.md': '---\ntitle: A draft\ndate: 2024-01-01\ndraft: true\n---\n\n![panel](images/missing.png)\n' });
    const checked = runCli(root, ['check']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('content/articles/draft.md:7');
    expect(checked.stderr).toContain('missing.png');
    const without = runCli(root, ['check', '--no-drafts']);
    expect(without.code, without.stderr).toBe(0);
    expect(without.stderr).toMatch(/checked \d+ pages: 0 warnings, no errors/);
  });

  it('reports broken links in one file while front matter in another is wrong, and no false broken link to it', () => {
    const root = site({
      'content/articles/bad-date.md': '---\ntitle: Bad date\ndate: 2021-02-30\n---\n\nText.\n',
      'content/articles/linker.md': '---\ntitle: Linker\ndate: 2021-01-01\n---\n\n[gone](nowhere.md) and [the bad one](bad-date.md).\n',
    });
    const checked = runCli(root, ['check']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('content/articles/bad-date.md:3');
    expect(checked.stderr).toMatch(/content\/articles\/linker\.md:6[:\d]*: .*nowhere\.md/);
    expect(checked.stderr).not.toMatch(/linker\.md.*bad-date\.md/);
    expect(checked.stderr).toContain('2 problems');
  });

  it('--external asks each link once (HEAD, then GET), with a timeout and a per-host limit', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const server = http.createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = (status: number) => {
        inFlight--;
        response.writeHead(status).end();
      };
      if (request.url === '/slow') return; // never answers: the timeout's business
      if (request.url === '/head-refused') return done(request.method === 'HEAD' ? 405 : 200);
      if (request.url === '/gone') return done(404);
      setTimeout(() => done(200), 50); // /ok/N: slow enough for requests to overlap
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const many = Array.from({ length: 8 }, (_, i) => `[ok ${i}](${base}/ok/${i})`).join(' ');
      const root = site({
        'content/articles/links.md': `---\ntitle: Links\ndate: 2021-01-01\n---\n\n${many}\n\n[refused HEAD](${base}/head-refused) and [again](${base}/head-refused)\n\n[gone](${base}/gone)\n\n[slow](${base}/slow)\n`,
      });
      const checked = await runCliAsync(root, ['check', '--external', '--timeout', '1', '--per-host', '2']);
      expect(checked.code).toBe(1);
      expect(checked.stderr).toContain(`content/articles/links.md:10: external link ${base}/gone answers 404 Not Found`);
      expect(checked.stderr).toContain(`content/articles/links.md:12: external link ${base}/slow does not answer within 1 s`);
      expect(checked.stderr).not.toContain('head-refused');
      expect(checked.stderr).not.toContain('/ok/');
      expect(checked.stderr).toContain('2 problems');
      // Asked once each, HEAD first; GET only where HEAD was refused or failed.
      expect(seen.filter((r) => r === 'HEAD /head-refused')).toHaveLength(1);
      expect(seen.filter((r) => r === 'GET /head-refused')).toHaveLength(1);
      expect(seen.filter((r) => r.startsWith('GET /ok/'))).toHaveLength(0);
      expect(seen.filter((r) => r.startsWith('HEAD /ok/'))).toHaveLength(8);
      expect(maxInFlight).toBeLessThanOrEqual(2);

      // Never at build time: a build asks nobody.
      const before = seen.length;
      expect((await runCliAsync(root, ['build'])).code).toBe(0);
      expect(seen.length).toBe(before);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
