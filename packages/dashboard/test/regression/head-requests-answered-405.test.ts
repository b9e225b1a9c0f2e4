import http from 'node:http';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardPlugin } from '@perfkit/dashboard';

/**
 * `HEAD /health` (how uptime monitors and some load balancers probe) and `HEAD` on every API route answered
 * `405 method_not_allowed ... use GET`, with `Allow: GET`: a server MUST support HEAD wherever it supports GET
 * (RFC 9110 9.1), and a monitor probing with HEAD saw a live service as broken. Only the page accepted it. Meanwhile
 * `POST /api/v1/openapi.json` answered 200 with the document. HEAD is now GET without the body (same status and
 * headers, `content-length` included), `Allow` names HEAD beside GET, and the OpenAPI document refuses other methods.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

async function setup(): Promise<DashboardPlugin> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ port: 0, cacheTtlMs: 0 }));
  await dash.ready();
  perf.operation('download', 'weights').record(0.2);
  return dash;
}

/** One request on a socket of its own; the body as received (a HEAD answer has none). */
function request(base: string, method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = http.request({ method, host: url.hostname, port: url.port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('head-requests-answered-405', () => {
  it('answers HEAD like GET, without the body, on /health, the API and the page', async () => {
    const dash = await setup();
    for (const path of ['/health', '/health/detailed', '/api/v1/performance/operations/active', '/api/v1/resources/memory', '/api/v1/performance/report?window=1h', '/api/v1/openapi.json', '/']) {
      const got = await request(dash.url!, 'GET', path);
      const head = await request(dash.url!, 'HEAD', path);
      expect([path, head.status]).toEqual([path, 200]);
      expect([path, got.status]).toEqual([path, 200]);
      expect(head.body).toBe('');
      expect(head.headers['content-type']).toBe(got.headers['content-type']);
      expect(head.headers['cache-control']).toBe(got.headers['cache-control']);
      expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    }
    // Bodies that do not change between two requests: the length HEAD announces is the GET body's.
    for (const path of ['/api/v1/openapi.json', '/']) {
      const [got, head] = [await request(dash.url!, 'GET', path), await request(dash.url!, 'HEAD', path)];
      expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(got.body));
    }
  });

  it('keeps HEAD behind the same checks as GET and names it in Allow', async () => {
    const dash = await setup();
    const bad = await request(dash.url!, 'HEAD', '/api/v1/performance/history?window=-5m');
    expect([bad.status, bad.body]).toEqual([400, '']);
    const post = await request(dash.url!, 'HEAD', '/api/v1/performance/optimize');
    expect([post.status, post.headers.allow]).toEqual([405, 'POST']);
    const del = await request(dash.url!, 'DELETE', '/health');
    expect([del.status, del.headers.allow]).toEqual([405, 'GET, HEAD']);
    const doc = await request(dash.url!, 'POST', '/api/v1/openapi.json');
    expect([doc.status, doc.headers.allow, JSON.parse(doc.body).error.code]).toEqual([405, 'GET, HEAD', 'method_not_allowed']);
  });
});
