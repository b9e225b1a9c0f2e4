import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';

/**
 * The router resolved the request target against a base URL, which reads an origin-form target starting with `//`
 * as a host and a path: mounted on an application's server, `GET //anything` was answered with the dashboard page
 * and `GET //x/api/v1/health/...` by the API, requests the application never saw. A target is now a path when it
 * starts with `/`; an absolute-form target (`http://host/path`) is still parsed as a URL.
 */
const perfs: Perfkit[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(perfs.map((p) => p.shutdown()));
});

async function mountedOnApp(): Promise<(target: string) => Promise<{ status: number; text: string }>> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0 }));
  const server = http.createServer((req, res) => {
    if (!dash.handler(req, res)) res.writeHead(418).end(`app saw ${req.url}`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // http.request sends `path` as the request target unchanged (fetch would normalise it).
  return (target) =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: target, agent: false, headers: { host: `127.0.0.1:${port}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end();
    });
}

describe('double-slash path taken from the app', () => {
  it('leaves targets starting with // to the application', async () => {
    const get = await mountedOnApp();
    for (const target of ['//anything', '//x/api/v1/performance/operations/active', '//x/health', '//']) {
      expect(await get(target)).toEqual({ status: 418, text: `app saw ${target}` });
    }
  });

  it('still answers its own paths, in origin form and in absolute form', async () => {
    const get = await mountedOnApp();
    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/v1/performance/operations/active')).status).toBe(200);
    expect((await get('http://127.0.0.1/health')).status).toBe(200);
    expect(await get('/not-the-dashboard')).toEqual({ status: 418, text: 'app saw /not-the-dashboard' });
  });
});
