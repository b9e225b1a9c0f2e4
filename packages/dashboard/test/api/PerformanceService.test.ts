import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { PerformanceService } from '../../src/api/PerformanceService';
import { Slicer } from '../../src/api/Slicer';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { keepSnapshot, type KeptSnapshot } from '../../src/history/KeptSnapshot';
import { OperationRollups } from '../../src/history/OperationRollups';
import { countTurns } from '../countTurns';

const HOUR = 3_600_000;
const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

async function setup(series: number) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0 }));
  await dash.ready(); // the history's first snapshot (of the empty store) is kept
  const types = ['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection'];
  for (let i = 0; i < series; i++) perf.operation(types[i % 5]!, `name-${i}`).record(0.001 * (1 + (i % 300)), i % 7 === 0 ? { outcome: 'failure', errorType: 'E' } : undefined);
  const internals = dash as unknown as { service: PerformanceService; recorder: HistoryRecorder };
  return { perf, service: internals.service, recorder: internals.recorder };
}

describe('PerformanceService.reportSliced', () => {
  it('gives the same report as the one-piece computation', async () => {
    const { service } = await setup(300);
    const now = Date.now();
    // The live snapshot is taken at each call: everything but its time must match.
    const timeless = ({ window: _w, analysis, ...rest }: any) => ({ ...rest, analysis: { ...analysis, analyzedAt: 0 } });
    const sliced = timeless(await service.reportSliced(86_400_000, now));
    expect(sliced).toEqual(timeless(service.report(86_400_000, now)));
    expect(sliced.byName).toHaveLength(300);
  });

  it('gives the hand-computed figures, as the one-piece computation does, when it yields at every check', async () => {
    const { perf, service } = await setup(0);
    const dl = perf.operation('download', 'weights');
    for (const s of [0.05, 0.2, 0.2]) dl.record(s);
    dl.record(0.7, { outcome: 'failure', errorType: 'TIMEOUT' });
    perf.operation('health_check', 'ping').record(0.004);
    const now = Date.now();
    const sliced = await service.reportSliced(3_600_000, now, new Slicer(0));
    const whole = service.report(3_600_000, now);
    const timeless = ({ window: _w, analysis, ...rest }: any) => ({ ...rest, analysis: { ...analysis, analyzedAt: 0 } });
    expect(timeless(sliced)).toEqual(timeless(whole));
    expect(JSON.stringify(timeless(sliced))).toBe(JSON.stringify(timeless(whole)));
    expect(sliced.byName.map((e) => `${e.type}/${e.name}`)).toEqual(['download/weights', 'health_check/ping']);
    const weights = sliced.byName[0]!.stats;
    expect(weights).toMatchObject({ total: 4, successes: 3, failures: 1, byOutcome: { success: 3, failure: 1 }, errorTypes: [{ errorType: 'TIMEOUT', count: 1 }], successRate: 0.75, failureRate: 0.25 });
    expect(weights.averageSeconds).toBeCloseTo((0.05 + 0.2 + 0.2 + 0.7) / 4, 12);
    // download buckets 0.1, 0.25, 0.5, 1: counts 1, 2, 0, 1. p50: rank 2, half-way into (0.1, 0.25]; p95: rank 3.8,
    // 0.8 into (0.5, 1]; p99: rank 3.96.
    expect(weights.p50Seconds).toBeCloseTo(0.175, 12);
    expect(weights.p95Seconds).toBeCloseTo(0.9, 12);
    expect(weights.p99Seconds).toBeCloseTo(0.98, 12);
    expect(sliced.overall).toMatchObject({ total: 5, successes: 4, failures: 1 });
    expect(sliced.byType.health_check).toMatchObject({ total: 1, successes: 1, failures: 0, successRate: 1 });
  });

  it('takes more turns the more names there are, when it yields at every check', async () => {
    const turnsFor = async (series: number) => {
      const { service } = await setup(series);
      const counter = countTurns();
      await service.reportSliced(31 * 86_400_000, Date.now(), new Slicer(0));
      counter.stop();
      return counter.turns;
    };
    const few = await turnsFor(50);
    const many = await turnsFor(500);
    // At least a turn per name and one per 64 series in each of the deltas and their two groupings.
    expect(many - few).toBeGreaterThanOrEqual(450 + 3 * Math.floor(450 / 64));
  });

  it('reads the store in a turn of its own, and copies it in a later one', async () => {
    const { perf, service, recorder } = await setup(2000);
    const counter = countTurns();
    const turnOf: Record<string, number[]> = { read: [], copy: [] };
    // The core's sliced read (perf.snapshotSliced()) is the store read: it starts in the report's first turn.
    const read = perf.snapshotSliced.bind(perf);
    jest.spyOn(perf, 'snapshotSliced').mockImplementation(() => (turnOf.read!.push(counter.turns), read()));
    const latest = recorder.snapshots.latest.bind(recorder.snapshots);
    // The copy starts by looking up the newest kept snapshot, whose layout it reuses.
    jest.spyOn(recorder.snapshots, 'latest').mockImplementation(() => (turnOf.copy!.push(counter.turns), latest()));
    await service.reportSliced(31 * 86_400_000);
    counter.stop();
    expect(turnOf.read).toHaveLength(1);
    expect(turnOf.copy![0]).toBeGreaterThan(turnOf.read![0]!);
  });

  it('lets the event loop run between slices at the series cap', async () => {
    const { service } = await setup(2000);
    const counter = countTurns();
    const report = await service.reportSliced(31 * 86_400_000);
    counter.stop();
    expect(report.byName.length).toBeGreaterThan(1500); // the rest went to the overflow series at the cap
    // The store read, its copy, the window's deltas, the per-name figures and the analysis each end a slice (more
    // where the per-name work took longer than one).
    expect(counter.turns).toBeGreaterThanOrEqual(5);
  });
});

describe('PerformanceService.historySliced', () => {
  it('gives the window and points of the one-piece computation (hand-computed rates)', async () => {
    const { perf, service, recorder } = await setup(0);
    const now = Date.now();
    const rollups = new OperationRollups(10);
    let previous: KeptSnapshot | undefined;
    for (let h = 1; h <= 5; h++) {
      for (let i = 0; i < h; i++) perf.operation('download', 'weights').record(0.2);
      const kept = keepSnapshot({ ...perf.snapshot(), takenAt: now - (5 - h) * HOUR - 1000, startedAt: now - 5 * HOUR - 1000 }, previous);
      rollups.add(previous, kept);
      previous = kept;
    }
    (recorder as { rollups: OperationRollups }).rollups = rollups;
    const sliced = await service.historySliced(6 * HOUR, 100, 'download', now, new Slicer(0));
    expect(sliced.type).toBe('download');
    expect(sliced.window).toMatchObject({ requestedSeconds: 6 * 3600 });
    expect(sliced.window.to).toBeGreaterThanOrEqual(now);
    // Hour h did h downloads of 0.2 s (bucket (0.1, 0.25]); then the live point, from the recorder's own snapshot
    // (none when that was taken in the same millisecond as the live one).
    expect(sliced.points.length === 5 || sliced.points.length === 6).toBe(true);
    sliced.points.slice(0, 5).forEach((p, i) => {
      expect(p.operationsPerSecond).toBeCloseTo((i + 1) / 3600, 12);
      expect(p.p50Seconds).toBeCloseTo(0.175, 12);
    });
    const whole = service.points(6 * HOUR, 100, 'download', now);
    expect(sliced.points.slice(0, 5)).toEqual(whole.slice(0, 5));
  });
});
