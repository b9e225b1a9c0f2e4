import type { Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { watchedPerfkit } from '../slicedReads';

/**
 * The history recorder's periodic snapshot was sliced, but its first one, taken when the plug-in starts, was still
 * `perf.snapshot()`: one synchronous pass over every series. A dashboard added (`perf.use()`) to a perfkit that
 * already held 20,000 series held the loop 30-60 ms at that moment (Node 20, 2-vCPU VM, 2026-12-02). It is taken
 * sliced now, as the timer's are.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('history-first-snapshot-held-the-loop: the snapshot taken at start lets the event loop run', async () => {
  const series = 20_000;
  const { perf, sync, reads: taken } = watchedPerfkit(series);
  perfs.push(perf);
  // An interval far beyond the test: only the snapshot taken at start can be seen here.
  const dash = perf.use(dashboardPlugin({ snapshotIntervalMs: 3_600_000, cacheTtlMs: 0 }));
  await dash.ready(); // resolves once the first snapshot is kept
  const recorder = (dash as unknown as { recorder: HistoryRecorder }).recorder;
  expect(sync).not.toHaveBeenCalled();
  expect(taken).toHaveLength(1);
  expect(taken[0]!.series).toBe(series);
  // 20,000 series are far more than one slice of about 1 ms: the first snapshot yielded to the loop.
  expect(taken[0]!.turns).toBeGreaterThan(1);
  expect(recorder.snapshots.latest()?.takenAt).toBeGreaterThan(0);
}, 30_000);
