import type { Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { watchedPerfkit } from '../slicedReads';

/**
 * The history recorder took its periodic store snapshot (every `snapshotIntervalMs`, 60 s by default) with
 * `perf.snapshot()`, one synchronous pass over every series: 8-31 ms of held event loop at 10,000 series and
 * 130-240 ms at 100,000 (Node 20, 2-vCPU VM, 2026-12-02), every interval, whether or not anyone looked at the page.
 * The timer now takes it with `perf.snapshotSliced()`, in slices of about 1 ms with a turn of the loop between them.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('history-snapshot-held-the-loop-for-every-series: the periodic snapshot lets the event loop run', async () => {
  const series = 20_000;
  const { perf, sync, reads: periodic } = watchedPerfkit(series);
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ snapshotIntervalMs: 100, cacheTtlMs: 0 }));
  await dash.ready();
  const recorder = (dash as unknown as { recorder: HistoryRecorder }).recorder;
  const startedWith = sync.mock.calls.length; // the first snapshot, taken at start
  const deadline = Date.now() + 10_000;
  while (periodic.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // The timer's snapshot went through the sliced read, not the synchronous one, and was kept.
  expect(periodic.length).toBeGreaterThan(0);
  expect(sync.mock.calls.length).toBe(startedWith);
  expect(periodic[0]!.series).toBe(series);
  // 20,000 series are far more than one slice of 1 ms (the synchronous pass took 30-60 ms here): it yielded.
  expect(periodic[0]!.turns).toBeGreaterThan(1);
  expect(recorder.snapshots.latest()?.takenAt).toBeGreaterThan(0);
}, 30_000);
