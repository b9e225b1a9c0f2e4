import { createPerfkit, type StoreSnapshot } from '@perfkit/core';
import { keepSnapshot } from '../../src/history/KeptSnapshot';
import { deltas, rateSeries, statsOf } from '../../src/history/windowStats';

async function setup() {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  return { perf, done: () => perf.shutdown() };
}

describe('windowed figures', () => {
  it('counts only what happened between two snapshots', async () => {
    const { perf, done } = await setup();
    const op = perf.operation('download', 'a');
    op.record(0.1);
    const before = keepSnapshot(perf.snapshot());
    op.record(0.3);
    op.record(0.5, { outcome: 'failure', errorType: 'EIO' });
    perf.operation('download', 'new-name').record(0.2);
    const s = statsOf(deltas(keepSnapshot(perf.snapshot(), before), before));
    expect(s).toMatchObject({ total: 3, successes: 2, failures: 1, byOutcome: { success: 2, failure: 1 }, errorTypes: [{ errorType: 'EIO', count: 1 }] });
    expect(s.averageSeconds).toBeCloseTo(1 / 3, 12);
    expect(s.successRate).toBeCloseTo(2 / 3, 12);
    await done();
  });

  it('treats a counter that went back (a hostile or reset snapshot) as zero, never negative', async () => {
    const { perf, done } = await setup();
    const op = perf.operation('download', 'a');
    for (let i = 0; i < 5; i++) op.record(0.1);
    const later = keepSnapshot(perf.snapshot());
    const reset: StoreSnapshot = { ...perf.snapshot(), series: perf.snapshot().series.map((x) => ({ ...x, count: 1, sum: 0.1, counts: x.counts.map((c) => Math.min(c, 1)) })) };
    expect(deltas(keepSnapshot(reset), later)).toEqual([]);
    expect(statsOf([])).toMatchObject({ total: 0, successRate: null, averageSeconds: null, p95Seconds: null });
    await done();
  });

  it('gives rates between consecutive snapshots', async () => {
    const { perf, done } = await setup();
    const op = perf.operation('fallback', 'a');
    const a = { ...keepSnapshot(perf.snapshot()), takenAt: 0 };
    for (let i = 0; i < 10; i++) op.record(0.01);
    op.record(0.01, { outcome: 'timeout' });
    const b = { ...keepSnapshot(perf.snapshot(), a), takenAt: 2000 };
    const [point] = rateSeries([a, b]);
    expect(point).toMatchObject({ t: 2000, operationsPerSecond: 5.5, failuresPerSecond: 0.5 });
    expect(rateSeries([a, b], 'download')[0]!.operationsPerSecond).toBe(0);
    await done();
  });
});
