import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createPerfkit, PerfkitConfigError, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, DashboardError, loadDashboardConfig, type DashboardOptions } from '@perfkit/dashboard';
import { createHostCheck, createRedactor, hostOf, isCrossSite, isJsonRequest } from '../../src/server/security';
import { HeavyLimiter } from '../../src/server/HeavyLimiter';
import { countTurns } from '../countTurns';

const KEY = 'security-test-key-0123456789';
const perfs: Perfkit[] = [];
const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(perfs.map((p) => p.shutdown()));
});

/** The dashboard mounted on an application server listening on `host` (like the example does). */
async function mounted(options: DashboardOptions = {}, host = '127.0.0.1') {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0, ...options }));
  const server = http.createServer((req, res) => {
    if (!dash.handler(req, res)) res.writeHead(418).end('app');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  /** A raw request, so the test chooses the Host header (fetch does not let it). */
  const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string; address?: string } = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = http.request({ host: init.address ?? '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      });
      req.on('error', reject);
      req.end(init.body);
    });
  return { perf, dash, port, request };
}

function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** Calls the handler with an in-memory request from loopback; resolves with what it answered. */
function fakeRequest(handler: (req: http.IncomingMessage, res: http.ServerResponse) => boolean, url: string, headers: Record<string, string> = { host: '127.0.0.1:8080' }) {
  let resolve!: (v: { status: number; headers: Record<string, string>; body: string }) => void;
  const done = new Promise<{ status: number; headers: Record<string, string>; body: string }>((r) => (resolve = r));
  let status = 0;
  let sent: Record<string, string> = {};
  const res = {
    destroyed: false,
    headersSent: false,
    writeHead(s: number, h: Record<string, string | number>) {
      status = s;
      sent = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
      return res;
    },
    end(body?: string) {
      resolve({ status, headers: sent, body: String(body ?? '') });
    },
  } as unknown as http.ServerResponse;
  const req = Object.assign(new http.IncomingMessage(null as never), { url, method: 'GET', headers });
  Object.defineProperty(req, 'socket', { value: { localAddress: '127.0.0.1' } });
  handler(req, res);
  return { done };
}

describe('security headers', () => {
  it('forbids framing, referrers and sniffing on JSON answers, errors and the page', async () => {
    const { request } = await mounted();
    for (const path of ['/api/v1/performance/dashboard', '/api/v1/nope', '/health', '/']) {
      const { headers } = await request(path);
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('Host allow-list (DNS rebinding)', () => {
  it('refuses a foreign Host on data routes and the page, allows loopback names, IP literals and configured names', async () => {
    const { request, port } = await mounted({ allowedHosts: ['dash.internal'] });
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.nip.io', 'a b']) {
      const res = await request('/api/v1/performance/report', { headers: { host } });
      expect({ host, status: res.status }).toEqual({ host, status: 403 });
      if (host) expect(JSON.parse(res.text).error.code).toBe('host_not_allowed');
    }
    expect((await request('/', { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'app.localhost', '10.1.2.3:8080', 'dash.internal', 'DASH.internal:443']) {
      expect({ host, status: (await request('/api/v1/performance/report', { headers: { host } })).status }).toEqual({ host, status: 200 });
    }
    // Liveness carries no data and must answer whatever Host a load balancer sends.
    expect((await request('/health', { headers: { host: 'evil.example' } })).status).toBe(200);
  });

  it('parses Host headers strictly', () => {
    expect(hostOf('Example.COM:8080')).toBe('example.com');
    expect(hostOf('[::1]:80')).toBe('::1');
    expect(hostOf('a/b')).toBeUndefined();
    expect(hostOf('x'.repeat(400))).toBeUndefined();
    const check = createHostCheck([]);
    expect(check({ headers: {} } as http.IncomingMessage)).toBe(true);
    expect(check({ headers: { host: 'user@evil.example' } } as http.IncomingMessage)).toBe(false);
  });

  it('gives the same verdict for a Host value asked again, however many values it has seen', () => {
    const check = createHostCheck(['app.example']);
    const ask = (host: string) => check({ headers: { host } } as http.IncomingMessage);
    for (let round = 0; round < 2; round++) {
      expect(ask('localhost:8080')).toBe(true);
      expect(ask('app.example')).toBe(true);
      expect(ask('evil.example')).toBe(false);
    }
    // A client sending ever new values (a thousand rebinding names) gets each judged, and changes no other verdict.
    for (let i = 0; i < 1000; i++) expect(ask(`rebind-${i}.evil.example`)).toBe(false);
    expect(ask('app.example')).toBe(true);
    expect(ask('evil.example')).toBe(false);
    expect(ask('127.0.0.1:1')).toBe(true);
  });
});

describe('no keyless data beyond loopback', () => {
  it('refuses at start (coded error naming the remedy) when the mounting server would listen beyond loopback', async () => {
    const { dash } = await mounted();
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com']) {
      let caught: unknown;
      try {
        dash.assertListenable(host);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DashboardError);
      expect((caught as DashboardError).code).toBe('PERFKIT_ERR_DASHBOARD_API_KEY_REQUIRED');
      expect((caught as Error).message).toMatch(/PERFKIT_DASHBOARD_API_KEY/);
    }
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(() => dash.assertListenable(host)).not.toThrow();
    const keyed = dashboardPlugin({ apiKey: KEY });
    expect(() => keyed.assertListenable('0.0.0.0')).not.toThrow();
  });

  const external = externalAddress();
  it(`answers 403 api_key_required to a client that reached a keyless dashboard on a non-loopback address (${external ?? 'none here: checked with a fake socket'})`, async () => {
    if (external) {
      const { request } = await mounted({}, '0.0.0.0');
      const res = await request('/api/v1/performance/report', { address: external, headers: { host: `${external}:1` } });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error.code).toBe('api_key_required');
      expect((await request('/health/detailed', { address: external })).status).toBe(403);
      expect((await request('/health', { address: external })).status).toBe(200);
      expect((await request('/api/v1/performance/report', { address: '127.0.0.1' })).status).toBe(200);
    }
    // The same decision through a request whose socket says it arrived on 0.0.0.0's public side.
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perfs.push(perf);
    const dash = perf.use(dashboardPlugin());
    let status = 0;
    const res = { writeHead: (s: number) => ((status = s), res), end: () => undefined, headersSent: false } as unknown as http.ServerResponse;
    const req = Object.assign(new http.IncomingMessage(null as never), { url: '/api/v1/performance/report', method: 'GET', headers: { host: '192.0.2.7:8080' } });
    Object.defineProperty(req, 'socket', { value: { localAddress: '192.0.2.7' } });
    expect(dash.handler(req, res)).toBe(true);
    expect(status).toBe(403);
  });
});

describe('state-changing routes (CSRF)', () => {
  it('needs the key and a JSON content type on POST optimize, and refuses cross-site requests', async () => {
    const { request } = await mounted({ apiKey: KEY });
    const post = (headers: Record<string, string>) => request('/api/v1/performance/optimize', { method: 'POST', headers, body: '{}' });
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post({ 'x-api-key': KEY })).status).toBe(415);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(415);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'application/json', origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'x-api-key': KEY, 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('classifies content types and origins', () => {
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as http.IncomingMessage;
    expect(isJsonRequest(req({ 'content-type': 'application/merge-patch+json' }))).toBe(true);
    expect(isJsonRequest(req({ 'content-type': 'application/jsonx' }))).toBe(false);
    expect(isJsonRequest(req({ 'content-type': 'text/json' }))).toBe(false);
    expect(isCrossSite(req({ host: 'a:1', origin: 'http://a:1' }))).toBe(false);
    expect(isCrossSite(req({ host: 'a:1', origin: 'http://a:2' }))).toBe(true);
    expect(isCrossSite(req({ host: 'a:1', origin: 'null' }))).toBe(true);
    expect(isCrossSite(req({ host: 'a:1', origin: '::not a url' }))).toBe(true);
    expect(isCrossSite(req({ host: 'a:1' }))).toBe(false);
  });
});

describe('secrets', () => {
  it('never names the API key in a configuration error', () => {
    const short = 'short-secret';
    let caught: unknown;
    try {
      loadDashboardConfig({ apiKey: short }, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PerfkitConfigError);
    expect((caught as Error).message).not.toContain(short);
    expect((caught as Error).message).toMatch(/dashboard\.apiKey = .*redacted, 12 characters/);
    expect(() => loadDashboardConfig({}, { PERFKIT_DASHBOARD_API_KEY: 'env-secret' })).toThrow(/from PERFKIT_DASHBOARD_API_KEY/);
    try {
      loadDashboardConfig({}, { PERFKIT_DASHBOARD_API_KEY: 'env-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('env-secret');
    }
  });

  it('redacts the key and OTLP header values from answers and the log', async () => {
    const secret = 'Bearer otlp-secret-token';
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', otlp: { url: 'http://user:pw@127.0.0.1:9/v1/metrics', headers: { authorization: secret }, intervalMs: 60_000 } });
    perfs.push(perf);
    const dash = perf.use(dashboardPlugin({ port: 0, apiKey: KEY }));
    await dash.ready();
    const res = await fetch(new URL('/health/detailed', dash.url), { headers: { 'x-api-key': KEY } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('otlp-secret-token');
    const redact = createRedactor([KEY, secret]);
    expect(redact(`key ${KEY} at http://user:pw@host/x and ${secret}`)).toBe('key [redacted] at http://[redacted]@host/x and [redacted]');
  });
});

describe('redaction of heavy answers (written in slices)', () => {
  it('redacts the key from a report that names it', async () => {
    const { perf, request } = await mounted({ apiKey: KEY });
    perf.operation('download', `model-${KEY}`).record(0.01);
    const res = await request('/api/v1/performance/report?window=1h', { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(KEY);
    const body = JSON.parse(res.text) as { byName: Array<{ name: string }> };
    expect(body.byName.map((n) => n.name)).toContain('model-[redacted]');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
  });
});

describe('concurrency limit of heavy routes', () => {
  it('answers 429 with Retry-After beyond the limit and serves the rest', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perfs.push(perf);
    const dash = perf.use(dashboardPlugin({ maxConcurrentHeavy: 2, cacheTtlMs: 0 }));
    // Twelve different requests that arrive in one event-loop turn, as from a burst of clients.
    const answers = Array.from({ length: 12 }, (_, i) => fakeRequest(dash.handler, `/api/v1/performance/report?window=${i + 1}h`));
    const health = Array.from({ length: 12 }, () => fakeRequest(dash.handler, '/health'));
    const done = await Promise.all(answers.map((a) => a.done));
    expect(done.filter((a) => a.status === 200)).toHaveLength(2);
    const refused = done.filter((a) => a.status === 429);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.headers['retry-after']).toBe('1');
      expect(JSON.parse(r.body).error.code).toBe('too_many_requests');
    }
    // Light routes are never limited.
    expect((await Promise.all(health.map((h) => h.done))).every((a) => a.status === 200)).toBe(true);
    // Once the burst is served, the next request is computed again.
    expect((await fakeRequest(dash.handler, '/api/v1/performance/report').done).status).toBe(200);
  });

  it('answers identical requests that arrive together from one computation, outside the limit', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perfs.push(perf);
    const dash = perf.use(dashboardPlugin({ maxConcurrentHeavy: 2, cacheTtlMs: 0 }));
    await dash.ready();
    perf.operation('download', 'a').record(0.01);
    const reads = jest.spyOn(perf, 'snapshotSliced');
    const done = await Promise.all(Array.from({ length: 12 }, () => fakeRequest(dash.handler, '/api/v1/performance/report?window=31d').done));
    expect(done.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(done.map((a) => a.body)).size).toBe(1);
    expect(reads).toHaveBeenCalledTimes(1);
    // A request after the answer went out is computed anew.
    perf.operation('download', 'b').record(0.01);
    const later = await fakeRequest(dash.handler, '/api/v1/performance/report?window=31d').done;
    expect(reads).toHaveBeenCalledTimes(2);
    expect((JSON.parse(later.body) as { overall: { total: number } }).overall.total).toBe(2);
    // Different windows are different answers: two fill the limit, the third is refused.
    const mixed = await Promise.all(['1h', '2h', '3h'].map((w) => fakeRequest(dash.handler, `/api/v1/performance/report?window=${w}`).done));
    expect(mixed.map((a) => a.status)).toEqual([200, 200, 429]);
  });

  it('frees the slot of a job that throws and runs queued jobs one per event-loop turn', async () => {
    const limiter = new HeavyLimiter(2);
    // Turns counted, not a one-off setImmediate: slices of other heavy work (earlier tests) may hold turns first.
    const counter = countTurns();
    const ranAt: Record<string, number> = {};
    expect(limiter.tryRun(() => { ranAt.a = counter.turns; throw new Error('x'); })).toBe(true);
    expect(limiter.tryRun(() => (ranAt.b = counter.turns))).toBe(true);
    expect(limiter.tryRun(() => (ranAt.c = counter.turns))).toBe(false);
    while (limiter.inFlight > 0) await new Promise((r) => setImmediate(r));
    counter.stop();
    expect(Object.keys(ranAt).sort()).toEqual(['a', 'b']);
    expect(ranAt.b).toBeGreaterThan(ranAt.a!);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.tryRun(() => undefined)).toBe(true);
  });
});
