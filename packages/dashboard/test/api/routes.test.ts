import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin, type DashboardOptions, type DashboardPlugin } from '@perfkit/dashboard';

interface Setup {
  perf: Perfkit;
  dash: DashboardPlugin;
  get(path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }>;
}

const running: Perfkit[] = [];
afterAll(async () => Promise.all(running.map((p) => p.shutdown())));

async function setup(options: DashboardOptions = {}): Promise<Setup> {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  running.push(perf);
  const dash = perf.use(dashboardPlugin({ port: 0, snapshotIntervalMs: 100, sampleIntervalMs: 100, cacheTtlMs: 0, ...options }));
  await dash.ready();
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(new URL(path, dash.url), init);
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers };
  };
  return { perf, dash, get };
}

function traffic(perf: Perfkit): void {
  const dl = perf.operation('download', 'fetch-weights');
  for (let i = 0; i < 40; i++) dl.record(0.2 + i * 0.01);
  for (let i = 0; i < 10; i++) dl.record(1.5, { outcome: 'failure', errorType: 'ECONNRESET' });
  const hc = perf.operation('health_check', 'verify');
  for (let i = 0; i < 20; i++) hc.record(0.05);
}

describe('dashboard API', () => {
  it('serves the summary with windowed figures that match what was recorded', async () => {
    const { perf, get } = await setup();
    traffic(perf);
    const { status, body, headers } = await get('/api/v1/performance/dashboard?window=1h');
    expect(status).toBe(200);
    expect(headers.get('x-cache')).toBe('miss');
    expect(body.performanceSummary.totalOperations).toBe(70);
    expect(body.performanceSummary.failures).toBe(10);
    expect(body.performanceSummary.successRate).toBeCloseTo(60 / 70, 10);
    const expectedSum = Array.from({ length: 40 }, (_, i) => 0.2 + i * 0.01).reduce((a, b) => a + b, 0) + 15 + 1;
    expect(body.performanceSummary.averageDurationSeconds).toBeCloseTo(expectedSum / 70, 9);
    expect(body.performanceSummary.p95DurationSeconds).toBeGreaterThan(0.5);
    expect(body.operationsByType.download.total).toBe(50);
    expect(body.operationsByType.download.errorTypes[0]).toEqual({ errorType: 'ECONNRESET', count: 10 });
    expect(body.bottlenecks.map((b: any) => b.id)).toContain('high_failure_rate:download');
    expect(body.recommendations.map((r: any) => r.bottleneckId)).toContain('high_failure_rate:download');
    expect(body.score.value).toBeLessThan(100);
    expect(body.currentResources.source).toBe('fallback');
    expect(body.currentResources.memoryUtilization).toBeGreaterThan(0);
  });

  it('reuses the dashboard within the cache TTL', async () => {
    const { perf, get } = await setup({ cacheTtlMs: 60_000 });
    const first = await get('/api/v1/performance/dashboard');
    perf.operation('download', 'x').record(0.1);
    const second = await get('/api/v1/performance/dashboard');
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body.performanceSummary.totalOperations).toBe(first.body.performanceSummary.totalOperations);
  });

  it('counts only the window when older operations fall before the baseline snapshot', async () => {
    const { perf, get } = await setup();
    perf.operation('download', 'old').record(0.1);
    await new Promise((r) => setTimeout(r, 1500));
    perf.operation('download', 'new').record(0.1);
    perf.operation('download', 'new').record(0.1);
    const { body } = await get('/api/v1/performance/dashboard?window=1s');
    expect(body.performanceSummary.totalOperations).toBe(2);
    expect(body.window.coveredSeconds).toBeLessThanOrEqual(1.2);
  });

  it('answers 400 with a message for bad query parameters', async () => {
    const { get } = await setup();
    for (const q of ['window=abc', 'window=NaN', 'window=Infinity', 'window=-5m', 'window=99999d', `window=${'9'.repeat(5000)}`, 'foo=1', 'window=1h&window=2h']) {
      const { status, body } = await get(`/api/v1/performance/dashboard?${q}`);
      expect(status).toBe(400);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(/query parameter/);
    }
    const points = await get('/api/v1/resources/history?maxPoints=1');
    expect(points.status).toBe(400);
    expect(points.body.error.message).toMatch(/maxPoints/);
  });

  it('serves the report with per-name figures and the analysis', async () => {
    const { perf, get } = await setup();
    traffic(perf);
    const { status, body } = await get('/api/v1/performance/report');
    expect(status).toBe(200);
    expect(body.overall.total).toBe(70);
    expect(body.byName).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'health_check', name: 'verify' })]));
    expect(body.analysis.bottlenecks.length).toBeGreaterThan(0);
    expect(body.history.budgetBytes).toBe(16 * 1024 * 1024);
  });

  it('serves one type and answers 404 with a clear body for an unknown type', async () => {
    const { perf, get } = await setup();
    traffic(perf);
    const ok = await get('/api/v1/performance/metrics/download');
    expect(ok.status).toBe(200);
    expect(ok.body.stats.total).toBe(50);
    expect(ok.body.byName[0].name).toBe('fetch-weights');
    const missing = await get('/api/v1/performance/metrics/no_such_type');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('unknown_operation_type');
    expect(missing.body.error.message).toMatch(/no_such_type.*known types: .*download/);
    const hostile = await get(`/api/v1/performance/metrics/${'%'}zz`);
    expect(hostile.status).toBe(400);
  });

  it('lists active operations', async () => {
    const { perf, get } = await setup();
    const t = perf.operation('model_operation', 'generate').start();
    const { body } = await get('/api/v1/performance/operations/active');
    expect(body.total).toBe(1);
    expect(body.operations).toEqual([{ type: 'model_operation', name: 'generate', active: 1 }]);
    t.end();
  });

  it('says when there are no benchmark results, and serves them when present', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pk-bench-')), 'latest.json');
    const { get } = await setup({ benchmarksPath: file });
    const none = await get('/api/v1/performance/benchmarks');
    expect(none.body).toMatchObject({ available: false, modifiedAt: null });
    fs.writeFileSync(file, JSON.stringify({ suites: [{ name: 'record', opsPerSecond: 1e6 }] }));
    const some = await get('/api/v1/performance/benchmarks');
    expect(some.body.available).toBe(true);
    expect(some.body.results.suites[0].opsPerSecond).toBe(1e6);
  });

  it('runs the analysis on POST optimize and refuses GET', async () => {
    const { perf, get } = await setup();
    traffic(perf);
    const { status, body } = await get('/api/v1/performance/optimize?window=1h', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(status).toBe(200);
    expect(body.analysis.bottlenecks.map((b: any) => b.id)).toContain('high_failure_rate:download');
    const wrong = await get('/api/v1/performance/optimize');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('serves every resource group and the resource history', async () => {
    const { get } = await setup();
    await new Promise((r) => setTimeout(r, 350));
    for (const kind of ['cpu', 'memory', 'network', 'disk', 'gpu', 'all']) {
      const { status, body } = await get(`/api/v1/resources/${kind}`);
      expect(status).toBe(200);
      expect(body.kind).toBe(kind);
      expect(body.source).toBe('fallback');
    }
    expect((await get('/api/v1/resources/memory')).body.values.memoryTotalBytes).toBeGreaterThan(0);
    expect((await get('/api/v1/resources/gpu')).body.gpuBackend).toBe('none');
    const h = await get('/api/v1/resources/history?window=1m&maxPoints=100');
    expect(h.status).toBe(200);
    expect(h.body.t.length).toBeGreaterThanOrEqual(3);
    expect(h.body.values.memoryUtilization.length).toBe(h.body.t.length);
  });

  it('serves operation rates over time from consecutive snapshots', async () => {
    const { perf, get } = await setup();
    perf.operation('download', 'a').record(0.3);
    await new Promise((r) => setTimeout(r, 300));
    perf.operation('download', 'a').record(0.3, { outcome: 'failure' });
    const { body } = await get('/api/v1/performance/history?window=1m&maxPoints=50&type=download');
    expect(body.points.length).toBeGreaterThan(0);
    const total = body.points.reduce((n: number, p: any, i: number) => n + p.operationsPerSecond * (i === 0 ? 0 : (p.t - body.points[i - 1].t) / 1000), 0);
    expect(total).toBeLessThanOrEqual(2.0001);
  });

  it('answers /health, /health/detailed and the OpenAPI document', async () => {
    const { get } = await setup();
    expect((await get('/health')).body.status).toBe('ok');
    const detailed = await get('/health/detailed');
    expect(detailed.body.exporters.prometheus).toBeDefined();
    expect(detailed.body.collection.resourceSource).toBe('fallback');
    expect(detailed.body.collection.lastSnapshotAt).toBeGreaterThan(0);
    expect(detailed.body.gpuBackend).toBe('none');
    const doc = await get('/api/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.0.3');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/performance/dashboard', '/api/v1/performance/metrics/{type}', '/api/v1/resources/all', '/health/detailed']));
    const refs = [...JSON.stringify(doc.body).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    expect(JSON.stringify(doc.body)).not.toMatch(/"\$id"|"definitions"|"\$defs"/);
    for (const ref of refs) expect(doc.body.components.schemas[ref.replace('#/components/schemas/', '')]).toBeDefined();
    expect(doc.body.paths['/api/v1/performance/dashboard'].get.parameters.map((p: any) => p.name)).toEqual(['window']);
  });

  it('answers 404 for unknown API paths and serves the page at /', async () => {
    const { get } = await setup();
    expect((await get('/api/v1/nope')).status).toBe(404);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('/assets/app.js');
  });
});
