import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { startDevServer, type DevServer } from '../src/dev/server.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, removeSite, runCli, tempSite, writeFiles } from './support/site.ts';

let root: string;
let server: DevServer;

beforeAll(async () => {
  const config = readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/minimal/site.config.ts'), 'utf8').replace(/\};\s*$/, "  dev: { allowedHosts: ['preview.lan'] },\n};\n");
  root = tempSite({ 'content/articles/draft.md': '---\ntitle: Draft\ndraft: true\n---\n\nNot yet.\n', 'site.config.ts': config });
  server = await startDevServer({ root, port: 0, log: createLogger({ quiet: !process.env.DEBUG_DEV }) });
});
afterAll(async () => {
  await server.close();
  removeSite(root);
});

const get = (path: string) => fetch(new URL(path, server.url));

/** A request exactly as given (raw path, any Host header or none), unlike fetch. */
function raw(target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, path: target, method, headers, agent: false, setHost: !('host' in headers) && !('Host' in headers) }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Bytes straight onto a socket: what the server answers, or '' if it only closed. */
function rawBytes(text: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Read server-sent events until one matches. */
async function nextEvent(stream: ReadableStreamDefaultReader<Uint8Array>, match: (data: { id: number; error: string | null }) => boolean) {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await stream.read();
    if (done) throw new Error('event stream closed');
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
      if (match(data)) return data;
    }
  }
}

describe('the preview server', () => {
  it('serves pages on 127.0.0.1 with the reload client, and drafts', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get('/hello/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script src="/__solarpress/client.js" defer></script></body>');
    expect((await get('/draft/')).status).toBe(200);
    expect((await get('/hello')).status).toBe(200); // redirected to /hello/
  });

  it('serves sample power statistics in the board schema', async () => {
    const stats = await (await get('/api/stats.json')).json();
    expect(stats.schema).toBe(1);
    expect(typeof stats.battery.percent).toBe('number');
    expect(Date.now() - Date.parse(stats.generated)).toBeLessThan(10 * 60_000);
    const css = await (await get('/api/battery.css')).text();
    expect(css).toMatch(/--battery-level:\d+%/);
  });

  it('rebuilds on save and tells open pages to reload', async () => {
    const events = (await get('/__solarpress/events')).body!.getReader();
    const first = await nextEvent(events, () => true);
    writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\ndate: 2021-03-04\n---\n\n## Part\n\nFresh words.\n' });
    const next = await nextEvent(events, (d) => d.id !== first.id);
    expect(next.error).toBeNull();
    expect(await (await get('/second/')).text()).toContain('Fresh words.');
    // A body-only save: shown at once, and the rebuild that follows (which the home page waits for)
    // takes the body it was shown with from the cache and renders none.
    expect(await (await get('/')).text()).toContain('Second');
    expect(server.state().result!.stats.renderedBodies).toBe(0);
    expect(server.state().result!.stats.laidOut).toBeLessThan(server.state().result!.stats.pages);
    await events.cancel();
  });

  it('sees pages in a folder made after it started, and pages removed', async () => {
    const events = (await get('/__solarpress/events')).body!.getReader();
    const first = await nextEvent(events, () => true);
    mkdirSync(path.join(root, 'content/guides'));
    writeFiles(root, { 'content/guides/later.md': '---\ntitle: Later\ndate: 2027-01-02\n---\n\nWritten in a new folder.\n' });
    const added = await nextEvent(events, (d) => d.id !== first.id && d.error === null);
    expect(await (await get('/later/')).text()).toContain('Written in a new folder.');
    rmSync(path.join(root, 'content/guides'), { recursive: true });
    await nextEvent(events, (d) => d.id !== added.id && d.error === null);
    expect((await get('/later/')).status).toBe(404);
    await events.cancel();
  });

  it('writes its caches after a quiet moment while it runs, not only when it stops', async () => {
    const bodies = path.join(root, '.solarpress-cache/bodies');
    const packs = () => (existsSync(bodies) ? readdirSync(bodies, { recursive: true }).map(String).filter((f) => /pack\./.test(f)).sort() : []);
    const before = packs();
    const events = (await get('/__solarpress/events')).body!.getReader();
    const first = await nextEvent(events, () => true);
    writeFiles(root, { 'content/articles/quiet.md': '---\ntitle: Quiet\ndate: 2021-05-06\n---\n\nA body for the cache.\n' });
    await nextEvent(events, (d) => d.id !== first.id && d.error === null);
    await events.cancel();
    const deadline = Date.now() + 20_000;
    while (JSON.stringify(packs()) === JSON.stringify(before) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(packs()).not.toEqual(before);
  });

  it('shows a build error while still serving the last good version', async () => {
    const events = (await get('/__solarpress/events')).body!.getReader();
    await nextEvent(events, () => true);
    writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\n---\n\nSee [nowhere](nowhere.md).\n' });
    const failed = await nextEvent(events, (d) => d.error !== null);
    expect(failed.error).toMatch(/content\/articles\/second\.md:5:5: broken link: nowhere\.md does not exist/);
    expect(await (await get('/second/')).text()).toContain('Fresh words.');
    writeFiles(root, { 'content/articles/second.md': '---\ntitle: Second\n---\n\nMended.\n' });
    const mended = await nextEvent(events, (d) => d.error === null);
    expect(mended.error).toBeNull();
    expect(await (await get('/second/')).text()).toContain('Mended.');
    await events.cancel();
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    for (const target of ['/%ff', '/%', '/hello/%E0%A4%A', '//']) {
      const r = await raw(target);
      expect(r.status, target).toBe(400);
    }
    expect((await raw('/hello/', {}, 'POST')).status).toBe(405);
    expect(await rawBytes('GET /%ff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawBytes('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawBytes('GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/); // no Host at all
    expect((await get('/hello/')).status).toBe(200);
  });

  it('answers only its own host names (no DNS rebinding onto the drafts)', async () => {
    const { port } = new URL(server.url);
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io']) {
      const r = await raw('/draft/', { host });
      expect(r.status, host).toBe(403);
      expect(r.body).not.toContain('Not yet.');
      expect(r.body).toMatch(/dev\.allowedHosts/);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LocalHost', 'zine.localhost', `[::1]:${port}`, '192.168.1.20', `preview.lan:${port}`]) {
      const r = await raw('/draft/', { host });
      expect(r.status, host).toBe(200);
      expect(r.body).toContain('Not yet.');
    }
  });

  it('sends the Content-Security-Policy of the generated nginx config', async () => {
    const nginx = runCli(root, ['nginx']);
    expect(nginx.code, nginx.stderr).toBe(0);
    const policy = /add_header Content-Security-Policy "([^"]+)" always;/.exec(nginx.stdout)![1];
    for (const target of ['/hello/', '/nowhere', '/%ff', '/__solarpress/client.js']) {
      expect((await raw(target)).headers['content-security-policy'], target).toBe(policy);
    }
  });
});
