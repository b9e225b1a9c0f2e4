import { mergeThresholds, statsOf } from '@perfkit/dashboard';
import { operationBottlenecks, shareAbove } from '../../src/analysis/bottlenecks';

// Figures worked out by hand. Defaults: latency objective p95 <= 30 s, failure rate <= 5 %, at least 10 operations.
function stats(bounds: number[], success: number[], failures = 0) {
  const count = (c: number[]) => c.reduce((a, b) => a + b, 0);
  const parts = [{ type: 't', name: 'n', outcome: 'success' as const, errorType: '', bounds, counts: success, count: count(success), sum: 0 }];
  if (failures) {
    const failed = [failures, ...bounds.map(() => 0)];
    parts.push({ type: 't', name: 'n', outcome: 'failure' as const, errorType: 'ETIMEDOUT', bounds, counts: failed, count: failures, sum: 0 });
  }
  return statsOf(parts);
}

describe('shareAbove', () => {
  const d = (counts: number[]) => ({ bounds: [1, 2, 4], counts });

  it('counts whole buckets above the threshold and +Inf', () => {
    expect(shareAbove(2, d([10, 10, 10, 10]))).toBe(0.5);
    expect(shareAbove(0, d([10, 10, 10, 10]))).toBe(1);
    expect(shareAbove(1, d([10, 10, 10, 10]))).toBe(0.75);
  });

  it('takes the straddling bucket pro rata, as histogram_quantile interpolates', () => {
    expect(shareAbove(3, d([10, 10, 10, 10]))).toBe(0.375); // (10 × (4 − 3) / (4 − 2) + 10) / 40
    expect(shareAbove(0.5, d([10, 10, 10, 10]))).toBe(0.875); // (10 × 0.5 / 1 + 30) / 40
  });

  it('counts the +Inf bucket as above a threshold at or beyond the top bound', () => {
    expect(shareAbove(4, d([10, 10, 10, 10]))).toBe(0.25);
    expect(shareAbove(500, d([10, 10, 10, 10]))).toBe(0.25);
    expect(shareAbove(500, d([10, 10, 10, 0]))).toBe(0);
  });

  it('ignores negative counts and answers 0 for an empty distribution', () => {
    expect(shareAbove(1, d([-5, 10, 0, 0]))).toBe(1);
    expect(shareAbove(1, d([0, 0, 0, 0]))).toBe(0);
    expect(shareAbove(1, { bounds: [], counts: [] })).toBe(0);
  });
});

describe('operationBottlenecks', () => {
  const t = mergeThresholds(undefined);

  it('flags a type whose share above 30 s passes 5 %, with the interpolated p95 as evidence', () => {
    // 100 operations: 90 <= 10 s, 4 in (10, 30], 6 in (30, 60]: 6 % slower than 30 s. p95: rank 95 is the first
    // of the 6 in (30, 60]: 30 + 30 × (95 − 94) / 6 = 35 s.
    const [b, ...rest] = operationBottlenecks(new Map([['t', stats([10, 30, 60], [90, 4, 6, 0])]]), t);
    expect(rest).toEqual([]);
    expect(b).toEqual({
      id: 'slow_operation:t',
      kind: 'slow_operation',
      subject: 't',
      severity: 'warning',
      message: 't: p95 duration 35.000 s exceeds the objective of 30 s (6.0% of operations slower, at most 5.0% allowed)',
      evidence: { operationType: 't', operationName: null, quantile: 0.95, observedSeconds: 35, thresholdSeconds: 30, slowShare: 0.06, operations: 100 },
    });
  });

  it('does not flag exactly 5 % above the objective, and calls more than 10 % or p95 past 60 s critical', () => {
    expect(operationBottlenecks(new Map([['t', stats([10, 30, 60], [90, 5, 5, 0])]]), t)).toEqual([]);
    const [many] = operationBottlenecks(new Map([['t', stats([10, 30, 60], [80, 9, 11, 0])]]), t);
    expect(many!.severity).toBe('critical');
    const [capped] = operationBottlenecks(new Map([['t', stats([10, 30, 60], [94, 0, 0, 6])]]), t);
    // p95 falls in +Inf: reported as the top bound 60 ("above"), which is not past 2 × 30.
    expect(capped!.message).toBe('t: p95 duration above 60.000 s exceeds the objective of 30 s (6.0% of operations slower, at most 5.0% allowed)');
    expect(capped!.severity).toBe('warning');
  });

  it('flags a failure rate above 5 %, critical above 10 %, naming the most frequent error type', () => {
    const [warning] = operationBottlenecks(new Map([['t', stats([10], [9, 0], 1)]]), t);
    expect(warning).toEqual({
      id: 'high_failure_rate:t',
      kind: 'high_failure_rate',
      subject: 't',
      severity: 'warning',
      message: 't: 10.0% of 10 operations failed (objective: at most 5.0%), mostly ETIMEDOUT',
      evidence: { operationType: 't', operationName: null, failureRate: 0.1, thresholdFailureRate: 0.05, failures: 1, operations: 10, topErrorType: 'ETIMEDOUT', topErrorCount: 1 },
    });
    const [critical] = operationBottlenecks(new Map([['t', stats([10], [8, 0], 2)]]), t);
    expect(critical!.severity).toBe('critical');
    expect(operationBottlenecks(new Map([['t', stats([10], [19, 0], 1)]]), t)).toEqual([]); // exactly 5 %
  });

  it('calls a lenient objective critical only halfway from its allowance to 100 %, not at twice it', () => {
    // p50 <= 30 s allows 50 % slow operations and at most 50 % failures: twice that is 100 %, so critical starts
    // above (1 + 0.5) / 2 = 75 %. p50 of 30 fast and 70 in (30, 60]: 30 + 30 × 20 / 70 = 38.6 s, below 2 × 30.
    const lenient = mergeThresholds({ defaults: { latencySeconds: 30, latencyQuantile: 0.5, maxFailureRate: 0.5 } });
    const severity = (s: ReturnType<typeof stats>) => operationBottlenecks(new Map([['t', s]]), lenient).map((b) => `${b.kind} ${b.severity}`);
    expect(severity(stats([10, 30, 60], [30, 0, 70, 0]))).toEqual(['slow_operation warning']); // 70 % slower
    expect(severity(stats([10, 30, 60], [20, 0, 80, 0]))).toEqual(['slow_operation critical']); // 80 %, p50 41.25 s
    expect(severity(stats([10], [30, 0], 70))).toEqual(['high_failure_rate warning']); // 70 % failed
    expect(severity(stats([10], [20, 0], 80))).toEqual(['high_failure_rate critical']); // 80 % failed
  });

  it('judges nothing below 10 operations', () => {
    expect(operationBottlenecks(new Map([['t', stats([10], [0, 0], 9)]]), t)).toEqual([]);
    expect(operationBottlenecks(new Map([['t', stats([10], [0, 0], 10)]]), t)).toHaveLength(1);
  });
});

describe('operationBottlenecks severity edges (mutation testing, issue 18)', () => {
  const t = mergeThresholds(undefined);
  const severityOf = (s: ReturnType<typeof stats>) => operationBottlenecks(new Map([['t', s]]), t).map((b) => `${b.kind} ${b.severity}`);

  it('calls a slow type critical when its p95 is past twice the objective, even with few slow operations', () => {
    // 6 % slower than 30 s (all in (60, 120]): p95 = 60 + 60 × (95 − 94) / 6 = 70 s, past 2 × 30 s.
    expect(severityOf(stats([10, 30, 60, 120], [94, 0, 0, 6, 0]))).toEqual(['slow_operation critical']);
  });

  it('keeps exactly twice the allowed share a warning, for slow operations and for failures', () => {
    // 10 of 100 in (30, 60]: 10 % slower = 2 × 5 %, p95 = 30 + 30 × 5 / 10 = 45 s; 2 of 20 failed = 10 %.
    expect(severityOf(stats([10, 30, 60], [90, 0, 10, 0]))).toEqual(['slow_operation warning']);
    expect(severityOf(stats([10], [18, 0], 2))).toEqual(['high_failure_rate warning']);
  });
});
