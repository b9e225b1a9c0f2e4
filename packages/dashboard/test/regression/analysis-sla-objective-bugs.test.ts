import { createPerfkit } from '@perfkit/core';
import { analyze, deltas, mergeThresholds, statsOf, type ThresholdsInput } from '@perfkit/dashboard';
import { humanDuration } from '../../src/analysis/bottlenecks';
import { leastSquares } from '../../src/analysis/trend';
import { keepSnapshot } from '../../src/history/KeptSnapshot';
import { statsBy } from '../../src/history/windowStats';

function setup(record: (perf: ReturnType<typeof createPerfkit>) => void, thresholds?: ThresholdsInput) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  record(perf);
  const d = deltas(keepSnapshot(perf.snapshot()), undefined);
  const result = analyze({ overall: statsOf(d), byType: statsBy(d, (x) => x.type), samples: [], thresholds: mergeThresholds(thresholds), now: Date.now() });
  void perf.shutdown();
  return result;
}

describe('analysis regressions (issue 15)', () => {
  it('reports operations slower than the top bucket against an objective beyond it (was: quantile capped at 10 s, no finding)', () => {
    // health_check's top finite bucket is 10 s; 100 checks of 40 s against a 30 s p95 objective.
    const result = setup(
      (perf) => {
        const op = perf.operation('health_check', 'verify');
        for (let i = 0; i < 100; i++) op.record(40);
      },
      { operations: { health_check: { latencySeconds: 30, latencyQuantile: 0.95 } } },
    );
    const slow = result.bottlenecks.find((b) => b.kind === 'slow_operation');
    expect(slow).toMatchObject({ id: 'slow_operation:health_check', evidence: { thresholdSeconds: 30, slowShare: 1 } });
  });

  it('raises nothing when every operation is well within a threshold above the top bucket', () => {
    const result = setup(
      (perf) => {
        const op = perf.operation('health_check', 'verify');
        for (let i = 0; i < 100; i++) op.record(0.2);
      },
      { operations: { health_check: { latencySeconds: 30, latencyQuantile: 0.95 } } },
    );
    expect(result.bottlenecks.filter((b) => b.kind === 'slow_operation')).toEqual([]);
  });

  it('gives r² near 0 for pure noise around 5e11 (was: uncentred sums reported r² = 1)', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 1e6;
    const times = Array.from({ length: 300 }, (_, i) => 1_700_000_000_000 + i * 10_000);
    const values = times.map(() => 5e11 + noise());
    const fit = leastSquares(times, values)!;
    expect(fit.r2).toBeLessThan(0.1);
    // And an exact line there still fits exactly (slope 1000 B/s, worked out by hand).
    const line = leastSquares(times, times.map((_, i) => 5e11 + 1000 * i * 10))!;
    expect(line.slope).toBeCloseTo(1000, 6);
    expect(line.r2).toBeCloseTo(1, 9);
  });

  it.each([
    [10790, '3 h 0 min'],
    [7199, '2 h 0 min'],
    [119.6, '2 min'],
    [3 * 3600 + 29 * 60 + 40, '3 h 30 min'],
    [59, '59 s'],
  ])('humanDuration(%s) is %s (was: "2 h 60 min")', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });

  it('calls 10% failures critical against a 0.5% objective (was: critical only above 50%, whatever the objective)', () => {
    const result = setup(
      (perf) => {
        const op = perf.operation('download', 'fetch');
        for (let i = 0; i < 90; i++) op.record(0.1);
        for (let i = 0; i < 10; i++) op.record(0.1, { outcome: 'failure', errorType: 'ECONNRESET' });
      },
      { operations: { download: { maxFailureRate: 0.005 } } },
    );
    expect(result.bottlenecks.find((b) => b.kind === 'high_failure_rate')).toMatchObject({ severity: 'critical' });
  });
});
