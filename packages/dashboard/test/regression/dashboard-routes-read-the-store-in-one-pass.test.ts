import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import { get } from '../fakeGet';

/**
 * `/api/v1/performance/dashboard` and `/api/v1/performance/metrics/{type}` read the store with `perf.snapshot()`, one
 * synchronous pass over every series in the request's turn (8-31 ms at 10,000 series, Node 20). They read it with
 * `perf.snapshotSliced()` now, in turns of about 1 ms; a cached dashboard does not read it at all.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('dashboard-routes-read-the-store-in-one-pass: the dashboard and type routes read it in slices', async () => {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 60_000 }));
  await dash.ready();
  perf.operation('download', 'weights').record(0.2);
  perf.operation('download', 'weights').record(0.4, { outcome: 'failure', errorType: 'ETIMEDOUT' });
  const sync = jest.spyOn(perf, 'snapshot');
  const sliced = jest.spyOn(perf, 'snapshotSliced');
  const first = await get(dash.handler, '/api/v1/performance/dashboard?window=1h');
  expect(first.status).toBe(200);
  // Read by hand: two downloads, one failed.
  expect(JSON.parse(first.body).performanceSummary).toMatchObject({ totalOperations: 2, failures: 1 });
  const typed = await get(dash.handler, '/api/v1/performance/metrics/download?window=1h');
  expect(JSON.parse(typed.body).stats).toMatchObject({ total: 2, failures: 1 });
  const unknown = await get(dash.handler, '/api/v1/performance/metrics/nope?window=1h');
  // The built-in types are known from the start.
  expect([unknown.status, JSON.parse(unknown.body).error.message]).toEqual([404, 'unknown operation type "nope"; known types: analytics_collection, download, fallback, health_check, model_operation']);
  expect([sync.mock.calls.length, sliced.mock.calls.length]).toEqual([0, 3]);
  // Answered from the cache: no read.
  await get(dash.handler, '/api/v1/performance/dashboard?window=1h');
  expect(sliced).toHaveBeenCalledTimes(3);
});
