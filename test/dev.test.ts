import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { startDevServer, type DevServer } from '../src/dev/server.ts';
import { removeSite, tempSite, writeFiles } from './support/site.ts';

let root: string;
let server: DevServer;

beforeAll(async () => {
  root = tempSite({ 'content/articles/draft.md': '---\ntitle: Draft\ndraft: true\n---\n\nNot yet.\n' });
  server = await startDevServer({ root, port: 0, log: createLogger({ quiet: !process.env.DEBUG_DEV }) });
});
afterAll(async () => {
  await server.close();
  removeSite(root);
});

const get = (path: string) => fetch(new URL(path, server.url));

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
    expect(server.state().result!.stats.renderedBodies).toBe(1);
    await events.cancel();
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
});
