import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { PerformanceService } from '../../src/api/PerformanceService';

/**
 * "Ops/s (last 5 min)" (`recentActivity.operationsPerSecond`) counted the operations since the newest kept snapshot
 * taken at or before 5 minutes ago, and divided them by 300 s. That snapshot is older than 5 minutes: up to one
 * `snapshotIntervalMs` older (60 s by default; at most 1 h), more once the budget has thinned the history. With the
 * baseline 10 minutes back, 600 operations read 2 ops/s instead of 1. The rate is now over the time the count really
 * covers, and the answer states it (`coveredSeconds`), as every windowed figure does.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('recent-rate-divides-by-five-minutes: the recent rate is over the time its count covers', async () => {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  // No timer fires during the test: the only kept snapshot is the one taken at start.
  const dash = perf.use(dashboardPlugin({ snapshotIntervalMs: 3_600_000, sampleIntervalMs: 3_600_000, cacheTtlMs: 0 }));
  await dash.ready();
  const service = (dash as unknown as { service: PerformanceService }).service;
  const recorder = (dash as unknown as { recorder: { snapshots: { latest(): { takenAt: number } | undefined } } }).recorder;
  const baseline = recorder.snapshots.latest()!.takenAt;
  for (let i = 0; i < 600; i++) perf.operation('download', 'weights').record(0.2);
  // The store read 10 minutes after the baseline (as if the clock had moved on): 600 operations in 600 s.
  const now = baseline + 600_000;
  const { body } = service.dashboard(3_600_000, now, { ...perf.snapshot(), takenAt: now });
  expect(body.recentActivity.operations).toBe(600);
  expect(body.recentActivity.operationsPerSecond).toBeCloseTo(1, 12);
  expect(body.recentActivity.coveredSeconds).toBe(600);
});
