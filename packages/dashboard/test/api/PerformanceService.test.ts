import { createPerfkit, type Perfkit } from '@perfkit/core';
import { dashboardPlugin } from '@perfkit/dashboard';
import type { PerformanceService } from '../../src/api/PerformanceService';
import type { HistoryRecorder } from '../../src/history/HistoryRecorder';
import { countTurns } from '../countTurns';

const perfs: Perfkit[] = [];
afterAll(async () => Promise.all(perfs.map((p) => p.shutdown())));

function setup(series: number) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  perfs.push(perf);
  const dash = perf.use(dashboardPlugin({ cacheTtlMs: 0 }));
  const types = ['download', 'health_check', 'fallback', 'model_operation', 'analytics_collection'];
  for (let i = 0; i < series; i++) perf.operation(types[i % 5]!, `name-${i}`).record(0.001 * (1 + (i % 300)), i % 7 === 0 ? { outcome: 'failure', errorType: 'E' } : undefined);
  const internals = dash as unknown as { service: PerformanceService; recorder: HistoryRecorder };
  return { perf, service: internals.service, recorder: internals.recorder };
}

describe('PerformanceService.reportSliced', () => {
  it('gives the same report as the one-piece computation', async () => {
    const { service } = setup(300);
    const now = Date.now();
    // The live snapshot is taken at each call: everything but its time must match.
    const timeless = ({ window: _w, analysis, ...rest }: any) => ({ ...rest, analysis: { ...analysis, analyzedAt: 0 } });
    const sliced = timeless(await service.reportSliced(86_400_000, now));
    expect(sliced).toEqual(timeless(service.report(86_400_000, now)));
    expect(sliced.byName).toHaveLength(300);
  });

  it('reads the store in a turn of its own, and copies it in a later one', async () => {
    const { perf, service, recorder } = setup(2000);
    const counter = countTurns();
    const turnOf: Record<string, number[]> = { read: [], copy: [] };
    const read = perf.snapshot.bind(perf);
    jest.spyOn(perf, 'snapshot').mockImplementation(() => (turnOf.read!.push(counter.turns), read()));
    const latest = recorder.snapshots.latest.bind(recorder.snapshots);
    // The copy starts by looking up the newest kept snapshot, whose layout it reuses.
    jest.spyOn(recorder.snapshots, 'latest').mockImplementation(() => (turnOf.copy!.push(counter.turns), latest()));
    await service.reportSliced(31 * 86_400_000);
    counter.stop();
    expect(turnOf.read).toHaveLength(1);
    expect(turnOf.copy![0]).toBeGreaterThan(turnOf.read![0]!);
  });

  it('lets the event loop run between slices at the series cap', async () => {
    const { service } = setup(2000);
    const counter = countTurns();
    const report = await service.reportSliced(31 * 86_400_000);
    counter.stop();
    expect(report.byName.length).toBeGreaterThan(1500); // the rest went to the overflow series at the cap
    // The store read, its copy, the window's deltas, the per-name figures and the analysis each end a slice (more
    // where the per-name work took longer than one).
    expect(counter.turns).toBeGreaterThanOrEqual(5);
  });
});
