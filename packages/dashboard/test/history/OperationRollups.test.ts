import { createPerfkit, type Perfkit } from '@perfkit/core';
import { keepSnapshot, type KeptSnapshot } from '../../src/history/KeptSnapshot';
import { OperationRollups } from '../../src/history/OperationRollups';

const HOUR = 3_600_000;
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

function setup(maxPeriodRows = 100) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const rollups = new OperationRollups(maxPeriodRows);
  let previous: KeptSnapshot | undefined;
  /** Keeps a snapshot as if taken at `at` and folds it into the rollups. */
  const snap = (at: number) => {
    const kept = keepSnapshot({ ...perf.snapshot(), takenAt: at, startedAt: at - 60_000 }, previous);
    rollups.add(previous, kept);
    previous = kept;
  };
  return { perf, rollups, snap };
}

describe('OperationRollups', () => {
  it('gives the rates and failures of each snapshot interval, per type and overall (hand-computed)', () => {
    const { perf, rollups, snap } = setup();
    const t0 = 10 * HOUR;
    const dl = perf.operation('download', 'fetch-weights');
    for (let i = 0; i < 12; i++) dl.record(0.2);
    snap(t0); // 12 operations since the store started 60 s before
    for (let i = 0; i < 6; i++) dl.record(3, { outcome: 'failure', errorType: 'ECONNRESET' });
    for (let i = 0; i < 24; i++) perf.operation('health_check', 'verify').record(0.01);
    snap(t0 + 60_000);
    const all = rollups.points(t0 - 120_000, 100);
    expect(all.map((p) => p.t)).toEqual([t0, t0 + 60_000]);
    expect(all[0]!.operationsPerSecond).toBeCloseTo(12 / 60, 12);
    expect(all[1]!.operationsPerSecond).toBeCloseTo(30 / 60, 12);
    expect(all[1]!.failuresPerSecond).toBeCloseTo(6 / 60, 12);
    const downloads = rollups.points(t0 - 120_000, 100, 'download');
    expect(downloads[1]!.operationsPerSecond).toBeCloseTo(6 / 60, 12);
    expect(downloads[1]!.failuresPerSecond).toBeCloseTo(6 / 60, 12);
    // All six downloads of the second minute took 3 s: every quantile lies in the bucket that holds 3 s.
    expect(downloads[1]!.p50Seconds).toBeGreaterThan(2.5);
    expect(downloads[1]!.p99Seconds).toBeLessThanOrEqual(5);
    expect(rollups.points(t0 - 120_000, 100, 'fallback').every((p) => p.operationsPerSecond === 0 && p.p50Seconds === null)).toBe(true);
  });

  it('merges neighbouring rows to stay within maxPoints, the newest row always closing a point', () => {
    const { perf, rollups, snap } = setup();
    const dl = perf.operation('download', 'fetch-weights');
    const t0 = 100 * HOUR;
    for (let m = 1; m <= 10; m++) {
      for (let i = 0; i < m; i++) dl.record(0.1);
      snap(t0 + m * 60_000);
    }
    const three = rollups.points(t0, 3);
    // Ten rows into at most three points: groups of four from the newest back (minutes 7-10, 3-6, then 1-2).
    expect(three.map((p) => p.t)).toEqual([t0 + 2 * 60_000, t0 + 6 * 60_000, t0 + 10 * 60_000]);
    expect(three[2]!.operationsPerSecond).toBeCloseTo((7 + 8 + 9 + 10) / 240, 12);
    expect(three[0]!.operationsPerSecond).toBeCloseTo((1 + 2) / 120, 12);
    const one = rollups.points(t0 + 60_000, 1);
    expect(one).toHaveLength(1);
    expect(one[0]!.operationsPerSecond).toBeCloseTo((55 - 1) / 540, 12);
  });

  it('answers long windows from hour rows once the period rows no longer reach back, with the same totals', () => {
    const { perf, rollups, snap } = setup(30);
    const dl = perf.operation('download', 'fetch-weights');
    const t0 = 1000 * HOUR;
    snap(t0);
    // 3 hours of one snapshot a minute, 2 operations a minute.
    for (let m = 1; m <= 180; m++) {
      dl.record(0.5);
      dl.record(0.5, { outcome: 'failure', errorType: 'X' });
      snap(t0 + m * 60_000);
    }
    expect(rollups.periodRows).toBe(30);
    expect(rollups.hourRows).toBe(4); // the hour of t0, then three more
    const hours = rollups.points(t0 + 1, 1000);
    expect(hours.length).toBeLessThan(40);
    const span = hours.reduce((s, p, i) => s + ((p.t - (i === 0 ? t0 : hours[i - 1]!.t)) / 1000) * p.operationsPerSecond, 0);
    expect(span).toBeCloseTo(360, 6);
    const failures = hours.reduce((s, p, i) => s + ((p.t - (i === 0 ? t0 : hours[i - 1]!.t)) / 1000) * p.failuresPerSecond, 0);
    expect(failures).toBeCloseTo(180, 6);
  });

  it('ignores a snapshot that is not newer and keeps at most maxPeriodRows', () => {
    const { rollups, snap } = setup(3);
    snap(5 * HOUR);
    snap(5 * HOUR); // same time: nothing to fold
    for (let i = 1; i <= 10; i++) snap(5 * HOUR + i * 1000);
    expect(rollups.periodRows).toBe(3);
    expect(rollups.bytes).toBeGreaterThanOrEqual(0);
  });
});
