import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import { keepSnapshot, type KeptSnapshot } from '../../src/history/KeptSnapshot';
import { OperationRollups } from '../../src/history/OperationRollups';

/**
 * A view may give one operation name buckets of its own, so series of one type can sit on different bounds. The
 * rollups behind `/history` kept one bucket array per type: a series on bounds of the same length was added index by
 * index (its (10, 20] s bucket counted as the type's (120, 300] s), one on bounds of another length went whole into
 * +Inf. The chart then showed a p95 of 282 s for downloads that never took more than 15 s, while `/metrics/download`
 * said 19 s. The rollups now keep the counts per bounds list and merge them as the windowed figures do.
 *
 * Hand-computed: `download` keeps its default bounds [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]; 10
 * operations of 0.2 s fall in (0.1, 0.25], 10 of 15 s in the view's (10, 20]. Merged over the union of the bounds
 * (..., 10, 20, 30, ...), p50 = rank 10 = the top of (0.1, 0.25] = 0.25 s; p95 = rank 19 = 10 + 10 x 9/10 = 19 s;
 * p99 = rank 19.8 = 10 + 10 x 9.8/10 = 19.8 s.
 */
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

const SAME_LENGTH = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 40]; // 12 bounds, as download's default
const OTHER_LENGTH = [10, 20, 40]; // 3 bounds

function setup(buckets: number[]) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none', views: [{ operationType: 'download', operationName: 'big', buckets }] });
  perfs.push(perf);
  return perf;
}

function record(perf: Perfkit): void {
  for (let i = 0; i < 10; i++) {
    perf.operation('download', 'small').record(0.2);
    perf.operation('download', 'big').record(15);
  }
}

describe('history-mixed-buckets-of-one-type', () => {
  it.each([
    ['of the same length', SAME_LENGTH],
    ['of another length', OTHER_LENGTH],
  ])('gives the quantiles of a type whose names sit on bounds %s', (_label, buckets) => {
    const perf = setup(buckets);
    const rollups = new OperationRollups(100);
    const t0 = 1_000 * 3_600_000;
    const first = keepSnapshot({ ...perf.snapshot(), takenAt: t0, startedAt: t0 - 60_000 });
    rollups.add(undefined, first);
    record(perf);
    rollups.add(first, keepSnapshot({ ...perf.snapshot(), takenAt: t0 + 60_000, startedAt: t0 - 60_000 }, first));
    for (const type of [undefined, 'download']) {
      const [point] = rollups.points(t0, 1, type);
      expect(point!.operationsPerSecond).toBeCloseTo(20 / 60, 12);
      expect(point!.p50Seconds).toBeCloseTo(0.25, 12);
      expect(point!.p95Seconds).toBeCloseTo(19, 12);
      expect(point!.p99Seconds).toBeCloseTo(19.8, 12);
    }
  });

  it('serves /history with the same p95 as /metrics/download', async () => {
    const perf = setup(SAME_LENGTH);
    const dash = perf.use(dashboardPlugin({ port: 0, snapshotIntervalMs: 60_000, sampleIntervalMs: 60_000, cacheTtlMs: 0 }));
    await dash.ready();
    record(perf);
    // The recorder's own snapshot, as its timer would take it: the 20 operations become one rollup row.
    const recorder = (dash as unknown as { recorder: { snapshotSlicedNow(): Promise<void> } }).recorder;
    await new Promise((r) => setTimeout(r, 5));
    await recorder.snapshotSlicedNow();
    const history = await (await fetch(new URL('/api/v1/performance/history?window=1h&type=download', dash.url))).json();
    const row = history.points.find((p: { operationsPerSecond: number }) => p.operationsPerSecond > 0);
    expect(row.p95Seconds).toBeCloseTo(19, 12);
    expect(row.p99Seconds).toBeCloseTo(19.8, 12);
    const metrics = await (await fetch(new URL('/api/v1/performance/metrics/download?window=1h', dash.url))).json();
    expect(metrics.stats.p95Seconds).toBeCloseTo(19, 12);
  });
});
