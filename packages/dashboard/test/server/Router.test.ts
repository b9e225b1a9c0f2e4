import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDiagLogger, createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import { z } from 'zod';
import type { Route } from '../../src/api/routes';
import { Router } from '../../src/server/Router';
import { StaticPage } from '../../src/server/StaticPage';
import { HeavyLimiter } from '../../src/server/HeavyLimiter';

const open: Array<{ close(): void }> = [];
const perfs: Perfkit[] = [];
afterAll(async () => {
  for (const s of open) s.close();
  await Promise.all(perfs.map((p) => p.shutdown()));
});

/** A plain HTTP server that asks `handler` first and answers 418 itself for anything else, like an app would. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): Promise<string> {
  const server = http.createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(418).end('app');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => server.close() });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setup(start = true) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = dashboardPlugin();
  if (start) perf.use(dash);
  const base = await serve(dash.handler);
  const get = async (path: string, method = 'GET') => {
    const res = await fetch(`${base}${path}`, { method });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return { perf, dash, get };
}

describe('Router mounted on an application server', () => {
  it('leaves paths that are not its own to the application', async () => {
    const { get } = await setup();
    for (const path of ['/metrics', '/knobs', '/service', '/api/v2/x', '/healthz', '/favicon.ico']) {
      expect((await get(path)).status).toBe(418);
    }
  });

  it('answers 503 with a clear body before the plug-in is started', async () => {
    const { get } = await setup(false);
    const res = await get('/api/v1/performance/dashboard');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).error.code).toBe('not_started');
    expect((await get('/metrics')).status).toBe(418);
  });

  it('does not serve files outside the page for traversal attempts and hostile paths', async () => {
    const { get } = await setup();
    for (const path of ['/assets/../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/app.js%00.map', `/assets/${'a'.repeat(10_000)}`]) {
      const res = await get(path);
      expect([404, 414, 418, 431]).toContain(res.status);
      expect(res.text).not.toContain('"name": "@perfkit');
    }
    expect((await get('/', 'POST')).status).toBe(405);
    expect((await get('/api/v1/performance/dashboard', 'PUT')).status).toBe(405);
  });

  it('turns a response that does not match its schema into a 500 and reports it', async () => {
    const errors: unknown[] = [];
    const diag = createDiagLogger('error', { error: (...args: unknown[]) => errors.push(args) });
    const route: Route = { method: 'GET', path: '/api/v1/broken/{id}', summary: 'broken', query: z.object({}).strict(), response: z.object({ n: z.number() }), handle: (_q, p) => ({ body: { n: p.id === 'ok' ? 1 : NaN } }) };
    const thrower: Route = { ...route, path: '/api/v1/throws', handle: () => { throw new Error('boom'); } };
    const guards = { isAuthorized: () => true, hasKey: false, isHostAllowed: () => true, redact: (t: string) => t, limiter: new HeavyLimiter(2) };
    const router = new Router([route, thrower], new StaticPage(), () => ({}), guards, diag);
    const base = await serve((req, res) => router.handle(req, res));
    expect((await fetch(`${base}/api/v1/broken/ok`)).status).toBe(200);
    const bad = await fetch(`${base}/api/v1/broken/nan`);
    expect(bad.status).toBe(500);
    expect(((await bad.json()) as any).error.code).toBe('invalid_response');
    expect((await fetch(`${base}/api/v1/throws`)).status).toBe(500);
    expect(errors).toHaveLength(2);
  });
});

describe('StaticPage', () => {
  it('says how to build the page when it is missing', async () => {
    const page = new StaticPage('/nonexistent-dir');
    const base = await serve((req, res) => (page.serve(new URL(req.url!, 'http://x').pathname, res), true));
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.message).toMatch(/npm run build -w @perfkit\/dashboard/);
  });
});
