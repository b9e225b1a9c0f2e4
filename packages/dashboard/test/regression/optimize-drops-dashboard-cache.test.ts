import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';

const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

describe('regression: POST /optimize dropped the dashboard cache (any client could defeat it)', () => {
  it('answers the analysis and leaves the cached dashboard in place', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perfs.push(perf);
    const dash = perf.use(dashboardPlugin({ port: 0, cacheTtlMs: 60_000 }));
    await dash.ready();
    for (let i = 0; i < 20; i++) perf.operation('download', 'fetch-weights').record(0.1);
    const get = () => fetch(new URL('/api/v1/performance/dashboard?window=1h', dash.url));
    expect((await get()).headers.get('x-cache')).toBe('miss');
    expect((await get()).headers.get('x-cache')).toBe('hit');
    const optimized = await fetch(new URL('/api/v1/performance/optimize?window=1h', dash.url), { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(optimized.status).toBe(200);
    expect(((await optimized.json()) as { analysis: { score: { value: number } } }).analysis.score.value).toBe(100);
    expect((await get()).headers.get('x-cache')).toBe('hit');
  });
});
