import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { PerformanceService } from '../../src/api/PerformanceService';

/**
 * `/api/v1/performance/metrics/{type}` copied the whole store four times a request (`perf.snapshot()` for the type
 * check, again for the window, again for the figures, again for the last point of its chart): four synchronous
 * passes over every series, 30-120 ms at 10,000 series (Node 20). One copy serves all four now.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('type-metrics-copied-the-store-four-times: one copy of the store a request', async () => {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0 }));
  await dash.ready();
  const service = (dash as unknown as { service: PerformanceService }).service;
  const op = perf.operation('download', 'weights');
  op.record(0.2);
  op.record(0.4);
  perf.operation('health_check', 'probe').record(0.01);
  perf.trackOperation('download', 'weights', (o) => o.addBytes(1000));
  const copies = jest.spyOn(perf, 'snapshot');
  const body = service.typeMetrics('download', 3_600_000)!;
  expect(copies).toHaveBeenCalledTimes(1);
  // Read by hand: three download operations of one name, 1,000 bytes counted; the health check is another type.
  expect(body.byName.map((n) => [n.name, n.stats.total])).toEqual([['weights', 3]]);
  expect(body.figures).toEqual([{ name: 'weights', values: expect.objectContaining({ downloadBytes: 1000 }) }]);
  expect(service.typeMetrics('no_such_type', 3_600_000)).toBeUndefined();
  expect(copies).toHaveBeenCalledTimes(2);
});
