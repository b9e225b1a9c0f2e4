import type { Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { get } from '../fakeGet';
import { watchedPerfkit } from '../slicedReads';

/**
 * `/api/v1/performance/history`, which the page polls every 2 s, read the store for its live point with
 * `perf.snapshot()`: one synchronous pass over every series in the request's turn (8-31 ms at 10,000 series and
 * 130-240 ms at 100,000, Node 20), while the README says `/history` is computed in slices and the other heavy routes
 * already read it with `perf.snapshotSliced()`. It reads it in slices now; the rows and the newest kept snapshot are
 * picked in the turn the live copy is made, so a snapshot the recorder keeps meanwhile is never counted twice.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

it('history-route-read-the-store-in-one-pass: /history reads the store in slices and counts each operation once', async () => {
  const series = 20_000;
  const { perf, sync, reads } = watchedPerfkit(series);
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ snapshotIntervalMs: 3_600_000, sampleIntervalMs: 3_600_000, cacheTtlMs: 0 }));
  await dash.ready();
  const recorder = (dash as unknown as { recorder: HistoryRecorder }).recorder;
  await new Promise((r) => setTimeout(r, 5));
  // Ten more operations of one name after the first kept snapshot: the live point holds them.
  for (let i = 0; i < 10; i++) perf.operation('download', 'op-0').record(0.01);
  const before = { sync: sync.mock.calls.length, reads: reads.length };
  // A snapshot kept while the route reads the store: its row and the live point must not both hold the ten.
  const answer = get(dash.handler, '/api/v1/performance/history?window=1h&type=download');
  const kept = recorder.snapshotSlicedNow();
  const [{ status, body }] = await Promise.all([answer, kept]);
  expect(status).toBe(200);
  expect(sync.mock.calls.length).toBe(before.sync);
  const routeRead = reads.slice(before.reads).find((r) => r.series === series);
  expect(routeRead).toBeDefined();
  // 20,000 series are far more than one slice of 1 ms: the read yielded.
  expect(reads.slice(before.reads).every((r) => r.turns > 1)).toBe(true);
  // Every point is a rate over its own span: rate x span, summed, gives the operations, counted by hand.
  const points = (JSON.parse(body) as { window: { from: number }; points: Array<{ t: number; operationsPerSecond: number }> }).points;
  const store = recorder.snapshots.latest()!;
  let from = store.startedAt;
  let operations = 0;
  for (const p of points) {
    operations += (p.operationsPerSecond * (p.t - from)) / 1000;
    from = p.t;
  }
  // 20,000 recorded by watchedPerfkit before the plug-in started, then 10: each counted once.
  expect(operations).toBeCloseTo(series + 10, 6);
}, 30_000);
