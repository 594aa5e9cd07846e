/**
 * Moved pages (front matter `aliases:`) through real nginx: a site is built, `solarpress nginx`
 * renders its standalone config in the site's folder (reading the aliases from the content), nginx
 * serves the build on 127.0.0.1 and curl checks each old address answers 301 to the page.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSite, runCliAsync, tempSite } from '../../test/support/site.ts';
import { requireTools } from '../../test/support/tools.ts';
import { curl, freePorts, nginxTest, selfSignedCertificate, startNginx, type RunningNginx } from './harness.ts';

const ok = requireTools('nginx', 'openssl', 'curl');

describe.skipIf(!ok)('aliases in the generated nginx config, served by real nginx', () => {
  let root: string;
  let prefix: string;
  let conf: string;
  let server: RunningNginx | undefined;
  let https: number;

  beforeAll(async () => {
    root = tempSite({
      'content/articles/moved.md': '---\ntitle: Moved here\ndate: 2020-01-01\nslug: moved\naliases:\n  - /old/path/\n  - /2019/01/moved.html\n  - /über/\n---\n\nThe page itself.\n',
      'content/articles/draft.md': '---\ntitle: Not yet\ndraft: true\naliases: [/draft-old/]\n---\n\nX.\n',
      'site.config.ts': "export default { title: 'Fixture', url: 'https://example.org', author: { name: 'Tester' }, license: { name: 'CC BY-SA 4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' }, precompress: false };\n",
    });
    // nginx started as root runs its workers as nobody: they must be able to read the site.
    chmodSync(root, 0o755);
    const built = await runCliAsync(root, ['build']);
    expect(built.code, built.stderr).toBe(0);
    prefix = mkdtempSync(join(tmpdir(), 'solarpress-aliases-'));
    chmodSync(prefix, 0o755);
    const { cert, key } = await selfSignedCertificate(prefix);
    const [http, httpsPort] = await freePorts(2);
    https = httpsPort;
    conf = join(prefix, 'nginx.conf');
    const rendered = await runCliAsync(root, [
      'nginx', '--standalone', '--prefix', prefix, '--listen', '127.0.0.1', '--http-port', String(http), '--https-port', String(https),
      '--root', join(root, 'dist'), '--cert', cert, '--key', key, '--brotli', 'off', '--out', conf,
    ]);
    expect(rendered.code, rendered.stderr).toBe(0);
    await nginxTest(prefix, conf);
    server = await startNginx(prefix, conf, https);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    if (root) removeSite(root);
  });

  it('the config maps each old address of a published page to its permalink', () => {
    const text = readFileSync(conf, 'utf8');
    expect(text).toMatch(/map \$uri \$solarpress_moved \{\n\s+default "";\n/);
    expect(text).toContain('/old/path/ /moved/;');
    expect(text).toContain('/old/path /moved/;');
    expect(text).toContain('/2019/01/moved.html /moved/;');
    expect(text).toMatch(/if \(\$solarpress_moved\) \{\n\s+return 301 \$solarpress_moved;/);
    // A draft is not published, so its old address does not move anywhere yet.
    expect(text).not.toContain('/draft-old/');
  });

  it('nginx answers the old addresses with 301 to the page, which answers 200', async () => {
    for (const from of ['/old/path/', '/old/path', '/2019/01/moved.html', '/%C3%BCber/', '/%C3%BCber']) {
      const response = await curl(`https://127.0.0.1:${https}${from}`);
      expect(response.status, from).toBe(301);
      expect(response.headers.location, from).toBe('/moved/');
    }
    const page = await curl(`https://127.0.0.1:${https}/moved/`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('The page itself.');
    // An address nobody moved stays a 404; the redirect page itself is there for servers without this config.
    expect((await curl(`https://127.0.0.1:${https}/never-moved/`)).status).toBe(404);
    expect((await curl(`https://127.0.0.1:${https}/old/path/index.html`)).body.toString()).toContain('url=/moved/');
  });
});
