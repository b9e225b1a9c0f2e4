import { createPerfkit, type Perfkit } from '@perfkit/core';
import { deltasSliced, rollupPointsSliced, SERIES_PER_CHECK, statsBody, statsByNameSliced, statsByTypeSliced } from '../../src/api/slicedFigures';
import { Slicer } from '../../src/api/Slicer';
import { keepSnapshot, type KeptSnapshot } from '../../src/history/KeptSnapshot';
import { OperationRollups } from '../../src/history/OperationRollups';
import { deltas, statsBy } from '../../src/history/windowStats';
import { CountingSlicer } from '../CountingSlicer';

const HOUR = 3_600_000;
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

/** A store of `names` download names (every 3rd also failing), kept before and after more operations. */
function setup(names: number) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const record = () => {
    for (let i = 0; i < names; i++) {
      const op = perf.operation(i % 2 ? 'download' : 'health_check', `name-${i}`);
      op.record(0.2);
      if (i % 3 === 0) op.record(0.7, { outcome: 'failure', errorType: 'TIMEOUT' });
    }
  };
  record();
  const before = keepSnapshot(perf.snapshot());
  record();
  record();
  const after = keepSnapshot({ ...perf.snapshot(), takenAt: before.takenAt + 60_000 }, before);
  return { perf, before, after };
}

describe('statsBody', () => {
  it('keeps every figure but the distribution, in the API\'s shape', () => {
    const { before } = setup(1);
    const [stats] = statsBy(deltas(before, undefined), (d) => d.type).values();
    const body = statsBody(stats!);
    expect(Object.keys(body).sort()).toEqual(['averageSeconds', 'byOutcome', 'errorTypes', 'failureRate', 'failures', 'p50Seconds', 'p95Seconds', 'p99Seconds', 'successRate', 'successes', 'total']);
    // name-0: one success at 0.2 s and one TIMEOUT at 0.7 s.
    expect(body).toMatchObject({ total: 2, successes: 1, failures: 1, byOutcome: { success: 1, failure: 1 }, errorTypes: [{ errorType: 'TIMEOUT', count: 1 }], successRate: 0.5, failureRate: 0.5 });
    expect(body.averageSeconds).toBeCloseTo(0.45, 12);
  });
});

describe('deltasSliced', () => {
  it('gives the deltas of the whole layout, in order, checking the clock every 64 series', async () => {
    const { after, before } = setup(300);
    const series = after.layout.slots.length; // 300 names, 100 of them failing too
    expect(series).toBe(400);
    const slicer = new CountingSlicer();
    const sliced = await deltasSliced(after, before, slicer);
    expect(sliced).toEqual(deltas(after, before));
    expect(sliced).toHaveLength(400);
    expect(slicer.yields).toBe(Math.ceil(series / SERIES_PER_CHECK));
  });

  it('skips series that did not move, as deltas does', async () => {
    const { after } = setup(10);
    // A baseline equal to the live state: nothing happened in the window.
    expect(await deltasSliced(after, { ...after, data: after.data.slice() }, new Slicer(0))).toEqual([]);
  });
});

describe('statsByTypeSliced and statsByNameSliced', () => {
  it('give statsBy\'s figures, keys and order, yielding between names', async () => {
    const { after, before } = setup(300);
    const d = deltas(after, before);
    const byType = await statsByTypeSliced(d, new Slicer(0));
    expect([...byType]).toEqual([...statsBy(d, (x) => x.type)]);
    const slicer = new CountingSlicer();
    const { byName, entries } = await statsByNameSliced(d, slicer);
    expect([...byName]).toEqual([...statsBy(d, (x) => `${x.type}\u0000${x.name}`)]);
    // One yield per name, and one per 64 deltas while grouping them.
    expect(slicer.yields).toBe(300 + Math.floor(d.length / SERIES_PER_CHECK));
    // Hand-computed: name-3 (a download) did one success at 0.2 s and one TIMEOUT at 0.7 s twice in the window.
    const entry = entries.find((e) => e.name === 'name-3')!;
    expect(entry.type).toBe('download');
    expect(entry.stats).toMatchObject({ total: 4, successes: 2, failures: 2, byOutcome: { success: 2, failure: 2 }, errorTypes: [{ errorType: 'TIMEOUT', count: 2 }] });
    // Buckets of download: 0.1, 0.25, 0.5, 1, ...: two in (0.1, 0.25], two in (0.5, 1]. p50: rank 2 ends the second
    // bucket; p95: rank 3.8, 1.8 of 2 into (0.5, 1].
    expect(entry.stats.p50Seconds).toBeCloseTo(0.25, 12);
    expect(entry.stats.p95Seconds).toBeCloseTo(0.5 + 0.5 * 0.9, 12);
    expect(entry.stats.averageSeconds).toBeCloseTo(0.45, 12);
  });

});

describe('rollupPointsSliced', () => {
  it('gives the rollups\' points, computing the newest before the first yield', async () => {
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perfs.push(perf);
    const rollups = new OperationRollups(10);
    let previous: KeptSnapshot | undefined;
    for (let h = 1; h <= 50; h++) {
      for (let i = 0; i < h; i++) perf.operation('download', 'w').record(0.2);
      const kept = keepSnapshot({ ...perf.snapshot(), takenAt: h * HOUR, startedAt: 0 }, previous);
      rollups.add(previous, kept);
      previous = kept;
    }
    const groups = rollups.pointRows(0, 20);
    // 50 hour rows, 3 to a point from the newest back: 17 points, the newest merging hours 48 to 50.
    expect(groups).toHaveLength(17);
    const slicer = new CountingSlicer();
    const newestRow = groups[16]![2]!;
    let yieldsWhenNewestRead = -1;
    // The recorder may still add to the newest row: note how many yields had happened when it was first read.
    const byType = newestRow.byType;
    Object.defineProperty(newestRow, 'byType', { get: () => ((yieldsWhenNewestRead = yieldsWhenNewestRead < 0 ? slicer.yields : yieldsWhenNewestRead), byType) });
    const points = await rollupPointsSliced(groups, undefined, slicer);
    expect(yieldsWhenNewestRead).toBe(0);
    expect(slicer.yields).toBe(16);
    expect(points).toEqual(rollups.points(0, 20));
    expect(points[16]!.t).toBe(50 * HOUR);
    expect(points[16]!.operationsPerSecond).toBeCloseTo((48 + 49 + 50) / (3 * 3600), 12);
    expect(await rollupPointsSliced([], undefined, slicer)).toEqual([]);
  });
});
