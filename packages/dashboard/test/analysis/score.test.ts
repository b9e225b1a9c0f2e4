import { mergeThresholds, statsOf } from '@perfkit/dashboard';
import { performanceScore } from '../../src/analysis/score';
import type { Bottleneck } from '../../src/analysis/types';

function setup(successes: number, failures: number) {
  const bounds = [1];
  const parts = [
    { type: 't', name: 'n', outcome: 'success' as const, errorType: '', bounds, counts: [successes, 0], count: successes, sum: successes * 0.1 },
    { type: 't', name: 'n', outcome: 'failure' as const, errorType: 'E', bounds, counts: [failures, 0], count: failures, sum: failures * 0.1 },
  ].filter((p) => p.count > 0);
  return statsOf(parts);
}

const bottleneck = (severity: 'warning' | 'critical'): Bottleneck => ({ id: `x:${severity}`, kind: 'slow_operation', subject: 'x', severity, message: 'slow', evidence: {} });

describe('performanceScore', () => {
  it('is 100 with nothing to deduct', () => {
    expect(performanceScore(setup(100, 0), [], mergeThresholds(undefined))).toEqual({ value: 100, deductions: [] });
  });

  it('deducts 2 points per percentage point below the objective (at most 40) and 5/10 per bottleneck, listing each', () => {
    const t = mergeThresholds(undefined);
    const s = performanceScore(setup(90, 10), [bottleneck('warning'), bottleneck('critical')], t);
    expect(s.deductions.map((d) => d.points)).toEqual([10, 5, 10]);
    expect(s.value).toBe(75);
    expect(performanceScore(setup(0, 100), [], t).deductions[0]!.points).toBe(40);
    const many = Array.from({ length: 30 }, () => bottleneck('critical'));
    expect(performanceScore(setup(0, 100), many, t).value).toBe(0);
  });
});
