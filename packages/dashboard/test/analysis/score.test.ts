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

describe('performanceScore edges worked out by hand (mutation testing, issue 18)', () => {
  const t = mergeThresholds(undefined); // objective 1 − 0.05 = 95 %, at least 10 operations

  it('explains the success-rate deduction with the rate, the objective and the number of operations', () => {
    const s = performanceScore(setup(90, 10), [], t);
    expect(s).toEqual({
      value: 90,
      deductions: [{ reason: 'overall success rate 90.0% is below 95.0%', points: 10, evidence: { successRate: 0.9, objective: 0.95, operations: 100 } }],
    });
  });

  it('deducts nothing at exactly the objective and rounds a fraction of a point up', () => {
    expect(performanceScore(setup(95, 5), [], t).deductions).toEqual([]);
    // 94/100: (0.95 − 0.94) × 200 = 2 points; 189/200 = 94.5 %: 1 point.
    expect(performanceScore(setup(94, 6), [], t).deductions[0]!.points).toBe(2);
    expect(performanceScore(setup(189, 11), [], t).deductions[0]!.points).toBe(1);
    // 70 %: 50 points capped at 40.
    expect(performanceScore(setup(70, 30), [], t).value).toBe(60);
  });

  it('judges the success rate from 10 operations on, not below', () => {
    expect(performanceScore(setup(0, 10), [], t).deductions).toHaveLength(1);
    expect(performanceScore(setup(0, 9), [], t)).toEqual({ value: 100, deductions: [] });
  });

  it('lists each bottleneck with its message, severity and id as evidence', () => {
    const s = performanceScore(setup(100, 0), [bottleneck('warning')], t);
    expect(s).toEqual({ value: 95, deductions: [{ reason: 'slow', points: 5, evidence: { bottleneckId: 'x:warning', severity: 'warning' } }] });
    expect(performanceScore(setup(100, 0), Array.from({ length: 10 }, () => bottleneck('critical')), t).value).toBe(0);
    expect(performanceScore(setup(100, 0), Array.from({ length: 9 }, () => bottleneck('critical')), t).value).toBe(10);
  });
});
