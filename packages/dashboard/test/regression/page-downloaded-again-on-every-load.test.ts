import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardPlugin } from '@perfkit/dashboard';
import { StaticPage } from '../../src/server/StaticPage';

/**
 * The page and its ~56 KiB script were served with `cache-control: no-cache` but no validator (`ETag`,
 * `Last-Modified`): a browser must revalidate such a response before each use, and with nothing to revalidate
 * against it downloaded every file again on every load. Each file now carries a strong ETag, and `If-None-Match`
 * naming it (RFC 9110 13.1.2: `*`, lists, weak comparison) gets `304` with no body, for GET and HEAD, keeping the
 * cache and security headers.
 */
const PUBLIC = path.join(__dirname, '..', '..', 'dist', 'public');
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

async function setup(): Promise<DashboardPlugin> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ port: 0 }));
  await dash.ready();
  return dash;
}

/** One request on a socket of its own; the body as received. */
function request(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = http.request({ method, host: url.hostname, port: url.port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('page-downloaded-again-on-every-load', () => {
  it('gives each file a strong ETag, the same on every request and for HEAD', async () => {
    const dash = await setup();
    const js = await request(dash.url!, 'GET', '/assets/app.js');
    const css = await request(dash.url!, 'GET', '/assets/app.css');
    const html = await request(dash.url!, 'GET', '/');
    // The bytes sent are the built file's, read here by the test itself.
    expect(js.body.equals(fs.readFileSync(path.join(PUBLIC, 'app.js')))).toBe(true);
    for (const r of [js, css, html]) expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(new Set([js.headers.etag, css.headers.etag, html.headers.etag]).size).toBe(3);
    expect((await request(dash.url!, 'GET', '/index.html')).headers.etag).toBe(html.headers.etag);
    expect((await request(dash.url!, 'GET', '/assets/app.js')).headers.etag).toBe(js.headers.etag);
    expect((await request(dash.url!, 'HEAD', '/assets/app.js')).headers.etag).toBe(js.headers.etag);
  });

  it('tags by content, read once at start-up: same bytes same tag, other bytes another tag', async () => {
    const tags: string[] = [];
    for (const script of ['console.log("a")', 'console.log("a")', 'console.log("b")']) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-page-'));
      for (const file of ['index.html', 'app.css']) fs.writeFileSync(path.join(dir, file), 'x');
      fs.writeFileSync(path.join(dir, 'app.js'), script);
      const page = new StaticPage(dir);
      // A rebuild under a running server changes neither the bytes served nor their tag (they always agree).
      fs.writeFileSync(path.join(dir, 'app.js'), 'rebuilt');
      const server = http.createServer((req, res) => page.serve(new URL(req.url!, 'http://x').pathname, res, req.headers['if-none-match']));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const r = await request(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, 'GET', '/assets/app.js');
      await new Promise((resolve) => server.close(resolve));
      expect(r.body.toString()).toBe(script);
      tags.push(String(r.headers.etag));
    }
    expect(tags[0]).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(tags[1]).toBe(tags[0]);
    expect(tags[2]).not.toBe(tags[0]);
  });

  it('answers If-None-Match naming the current tag with 304, no body, same cache and security headers', async () => {
    const dash = await setup();
    const full = await request(dash.url!, 'GET', '/assets/app.js');
    const etag = full.headers.etag!;
    const opaque = etag.slice(1, -1);
    for (const method of ['GET', 'HEAD']) {
      for (const condition of [etag, '*', ` ${etag} `, `W/${etag}`, `"other", ${etag}`, `"a", W/"b",${etag}`, `W/"x" , , ${etag}`]) {
        const r = await request(dash.url!, method, '/assets/app.js', { 'if-none-match': condition });
        expect([method, condition, r.status, r.body.length]).toEqual([method, condition, 304, 0]);
        expect(r.headers.etag).toBe(etag);
        expect(r.headers['cache-control']).toBe('no-cache');
        expect(r.headers['content-security-policy']).toBe(full.headers['content-security-policy']);
        expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect([r.headers['x-frame-options'], r.headers['x-content-type-options'], r.headers['referrer-policy']]).toEqual(['DENY', 'nosniff', 'no-referrer']);
      }
    }
    // Tags that are not this file's, and malformed lists, get the whole file.
    const otherCase = [etag.toLowerCase(), etag.toUpperCase()].filter((t) => t !== etag);
    for (const condition of ['"other"', `"${opaque}x"`, opaque, `${etag} ${etag}`, `"${opaque}`, '', 'W/"other", "x"', `w/${etag}`, ...otherCase]) {
      const r = await request(dash.url!, 'GET', '/assets/app.js', { 'if-none-match': condition });
      expect([condition, r.status, r.body.length]).toEqual([condition, 200, full.body.length]);
    }
    // Another file's tag does not validate this one.
    const css = await request(dash.url!, 'GET', '/assets/app.css');
    expect((await request(dash.url!, 'GET', '/assets/app.js', { 'if-none-match': css.headers.etag! })).status).toBe(200);
    // A 304 for the page itself keeps its CSP too.
    const html = await request(dash.url!, 'GET', '/');
    const cached = await request(dash.url!, 'GET', '/', { 'if-none-match': html.headers.etag! });
    expect([cached.status, cached.headers['content-security-policy']]).toEqual([304, html.headers['content-security-policy']]);
  });
});
