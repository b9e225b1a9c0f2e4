import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';

const KEY = 'test-key-0123456789abcdef';
const running: Perfkit[] = [];
afterAll(async () => Promise.all(running.map((p) => p.shutdown())));

async function setup(apiKey?: string) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  running.push(perf);
  const dash = perf.use(dashboardPlugin({ port: 0, ...(apiKey ? { apiKey } : {}) }));
  await dash.ready();
  const status = async (path: string, key?: string, method = 'GET') =>
    (await fetch(new URL(path, dash.url), { method, headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-api-key': key }) } })).status;
  return { status };
}

describe('API key switch', () => {
  it('lets every request through when no key is configured', async () => {
    const { status } = await setup();
    expect(await status('/api/v1/performance/dashboard')).toBe(200);
    expect(await status('/health/detailed', 'anything')).toBe(200);
  });

  it('answers 401 without the right x-api-key on every data route, and 200 with it', async () => {
    const { status } = await setup(KEY);
    const data = ['/api/v1/performance/dashboard', '/api/v1/performance/report', '/api/v1/resources/all', '/api/v1/resources/history', '/api/v1/performance/operations/active', '/api/v1/performance/benchmarks', '/health/detailed'];
    for (const path of data) {
      expect(await status(path)).toBe(401);
      expect(await status(path, 'wrong')).toBe(401);
      expect(await status(path, KEY.slice(0, -1))).toBe(401);
      expect(await status(path, KEY + 'x')).toBe(401);
      expect(await status(path, 'x'.repeat(5000))).toBe(401);
      expect(await status(path, KEY)).toBe(200);
    }
    expect(await status('/api/v1/performance/optimize', undefined, 'POST')).toBe(401);
    expect(await status('/api/v1/performance/optimize', KEY, 'POST')).toBe(200);
  });

  it('keeps liveness, the page shell and the OpenAPI document public (they carry no data)', async () => {
    const { status } = await setup(KEY);
    expect(await status('/health')).toBe(200);
    expect(await status('/')).toBe(200);
    expect(await status('/api/v1/openapi.json')).toBe(200);
  });
});
