import http from 'node:http';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardPlugin } from '@perfkit/dashboard';

/**
 * `GET /health?x=1` answered `400 bad_request: unknown query parameter "x"`: an uptime probe or load balancer that
 * adds a cache-busting parameter (`?t=1733235000`, `?_=…`) saw a live service as down. `/health` takes no parameters
 * and now ignores any (repeated, empty, odd ones too); the API routes keep rejecting unknown ones with 400.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

async function setup(): Promise<DashboardPlugin> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ port: 0 }));
  await dash.ready();
  return dash;
}

/** One request on a socket of its own; the body as received (a HEAD answer has none). */
function request(base: string, method: string, path: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = http.request({ method, host: url.hostname, port: url.port, path, agent: false, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('health-probe-with-query-string-answered-400', () => {
  it('answers /health 200 whatever query parameters the probe adds, for GET and HEAD, from any Host', async () => {
    const dash = await setup();
    for (const path of ['/health?x=1', '/health?t=1733235000', '/health?_=1&_=2', '/health?', '/health?window=-5m', '/health?%zz=1', `/health?${'k'.repeat(2000)}=v`]) {
      const got = await request(dash.url!, 'GET', path);
      expect([path, got.status]).toEqual([path, 200]);
      expect(JSON.parse(got.body).status).toBe('ok');
      expect([path, (await request(dash.url!, 'HEAD', path)).status]).toEqual([path, 200]);
    }
    expect((await request(dash.url!, 'GET', '/health?x=1', 'lb.internal.example')).status).toBe(200);
  });

  it('keeps rejecting unknown and repeated parameters on the API routes, /health/detailed included', async () => {
    const dash = await setup();
    const unknown = await request(dash.url!, 'GET', '/api/v1/resources/memory?x=1');
    expect([unknown.status, JSON.parse(unknown.body).error.message]).toEqual([400, 'unknown query parameter "x"']);
    expect((await request(dash.url!, 'GET', '/health/detailed?x=1')).status).toBe(400);
    const repeated = await request(dash.url!, 'GET', '/api/v1/performance/report?window=1h&window=2h');
    expect([repeated.status, JSON.parse(repeated.body).error.message]).toEqual([400, 'query parameter "window" is repeated']);
  });

  it('documents /health without a 400 answer in the OpenAPI document', async () => {
    const dash = await setup();
    const doc = JSON.parse((await request(dash.url!, 'GET', '/api/v1/openapi.json')).body);
    expect(Object.keys(doc.paths['/health'].get.responses)).toEqual(['200']);
    expect(doc.paths['/health'].get.parameters).toEqual([]);
    expect(Object.keys(doc.paths['/api/v1/resources/memory'].get.responses)).toContain('400');
  });
});
