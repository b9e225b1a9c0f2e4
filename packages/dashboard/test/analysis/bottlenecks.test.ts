import { emptySample, mergeThresholds, statsOf, type ResourceSample } from '@perfkit/dashboard';
import { humanDuration, operationBottlenecks, resourceBottlenecks, shareAbove } from '../../src/analysis/bottlenecks';

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
    // p75 <= 30 s allows exactly 25 % (p95's 1 − 0.95 is 0.05000000000000004): 50 of 100 in (30, 60] is 2 × 25 %, p75 = 30 + 30 × 25 / 50 = 45 s; 2 of 20 failed = 10 %.
    expect(operationBottlenecks(new Map([['t', stats([10, 30, 60], [50, 0, 50, 0])]]), mergeThresholds({ defaults: { latencyQuantile: 0.75 } })).map((b) => b.severity)).toEqual(['warning']);
    expect(severityOf(stats([10], [18, 0], 2))).toEqual(['high_failure_rate warning']);
  });
});

describe('objectives of single names and bad outcomes (mutation testing, issue 18)', () => {
  it("replaces the type's verdicts of the same kind by the name's own, naming type and name", () => {
    // 100 operations of t/n: 84 fast, 6 in (30, 60], 10 failed: 6 % slower (p95 = 30 + 30 × 1 / 6 = 35 s) and
    // 10 % failed. The name's objective allows 1 % failures: 10 % > 2 × 1 % is critical.
    const t = mergeThresholds({ operationNames: { t: { n: { maxFailureRate: 0.01 }, idle: { maxFailureRate: 0.01 } } } }); // idle: no figures
    const s = stats([10, 30, 60], [84, 0, 6, 0], 10);
    const found = operationBottlenecks(new Map([['t', s]]), t, new Map([['t\u0000n', s], ['t\u0000other', s]]));
    expect(found.map((b) => [b.id, b.subject, b.severity, b.evidence.operationName])).toEqual([
      ['slow_operation:t/n', 't/n', 'warning', 'n'],
      ['high_failure_rate:t/n', 't/n', 'critical', 'n'],
    ]);
    expect(found[1]!.message).toBe('t n: 10.0% of 100 operations failed (objective: at most 1.0%), mostly ETIMEDOUT');
    expect(found[0]!.message).toBe('t n: p95 duration 35.000 s exceeds the objective of 30 s (6.0% of operations slower, at most 5.0% allowed)');
  });

  it('counts only the outcomes an objective names as bad', () => {
    // 15 successes, 2 timeouts, 3 failures: timeouts alone are 10 %, both 25 %.
    const part = (outcome: 'success' | 'timeout' | 'failure', count: number) => ({ type: 't', name: 'n', outcome, errorType: '', bounds: [10], counts: [count, 0], count, sum: 0 });
    const s = statsOf([part('success', 15), part('timeout', 2), part('failure', 3)]);
    const judged = (badOutcomes: string[]) => operationBottlenecks(new Map([['t', s]]), mergeThresholds({ defaults: { badOutcomes } }));
    expect(judged(['timeout']).map((b) => [b.severity, b.evidence.failures, b.evidence.failureRate])).toEqual([['warning', 2, 0.1]]);
    expect(judged(['timeout', 'failure']).map((b) => [b.severity, b.evidence.failures, b.evidence.failureRate])).toEqual([['critical', 5, 0.25]]);
    expect(judged(['rejected'])).toEqual([]);
  });
});

type ExhaustionForecast = import('../../src/analysis/resources').ExhaustionForecast;

describe('resourceBottlenecks worked out by hand (mutation testing, issue 18)', () => {
  const MIN = 60_000;
  /** One sample a minute; `fill(s, minute)`. */
  const samples = (minutes: number, fill: (s: ResourceSample, minute: number) => void) =>
    Array.from({ length: minutes + 1 }, (_, m) => {
      const s = emptySample(1_700_000_000_000 + m * MIN);
      fill(s, m);
      return s;
    });
  const cpu = (values: (m: number) => number) => samples(10, (s, m) => (s.cpuUtilization = values(m)));
  const judge = (list: ResourceSample[], resources: Record<string, number>, forecasts: ExhaustionForecast[] = []) =>
    resourceBottlenecks(list, forecasts, mergeThresholds({ resources }));

  it('averages the samples of the last 5 minutes, the one exactly 5 minutes old included', () => {
    // Minutes 0-4 at 100 %, minute 5 at 99 %, minutes 6-10 at 85 %: the last 5 minutes (5..10) average
    // (0.99 + 5 × 0.85) / 6 = 0.87333; without minute 5 it is 0.85, with every sample 0.92636.
    const list = cpu((m) => (m < 5 ? 1 : m === 5 ? 0.99 : 0.85));
    expect(judge(list, { cpuUtilization: 0.86 })).toEqual([
      {
        id: 'resource_saturation:cpu',
        kind: 'resource_saturation',
        subject: 'cpu',
        severity: 'warning',
        message: 'CPU utilization averaged 87.3% over the last 5 min (threshold 86.0%)',
        evidence: { resource: 'cpu', mean: 0.8733, threshold: 0.86, samples: 6 },
      },
    ]);
    expect(judge(list, { cpuUtilization: 0.9 })).toEqual([]);
  });

  it('needs a mean above the limit over at least 3 samples, and calls it critical past halfway to 100 %', () => {
    const flat = (n: number, v: number) => samples(n - 1, (s) => (s.cpuUtilization = v));
    expect(judge(flat(3, 0.5), { cpuUtilization: 0.5 })).toEqual([]); // equal is not above
    expect(judge(flat(2, 0.9), { cpuUtilization: 0.5 })).toEqual([]); // 2 samples say nothing
    // Limit 50 %: critical above (1 + 0.5) / 2 = 75 %.
    expect(judge(flat(3, 0.75), { cpuUtilization: 0.5 }).map((b) => b.severity)).toEqual(['warning']);
    expect(judge(flat(3, 0.76), { cpuUtilization: 0.5 }).map((b) => b.severity)).toEqual(['critical']);
  });

  it('shows the event-loop delay in seconds and calls it critical past twice the limit', () => {
    const loop = (v: number) => samples(4, (s) => (s.eventLoopP99Seconds = v));
    const [b] = judge(loop(0.25), { eventLoopDelaySeconds: 0.1 });
    expect(b).toMatchObject({ severity: 'critical', message: 'event-loop delay p99 averaged 0.250 s over the last 5 min (threshold 0.1 s)' });
    expect(judge(loop(0.2), { eventLoopDelaySeconds: 0.1 }).map((x) => x.severity)).toEqual(['warning']);
  });

  it('reports forecasts within the horizon, critical within a quarter of it, with figures rounded', () => {
    const forecast = (secondsUntilExhausted: number, resource: ExhaustionForecast['resource'] = 'memory'): ExhaustionForecast => ({
      resource,
      secondsUntilExhausted,
      exhaustedAt: 0,
      bytesPerSecond: 1.5 * 1048576 + 0.4,
      usedBytes: 1000.6,
      capacityBytes: 4000.4,
      r2: 0.987654,
    });
    const t = mergeThresholds({ forecastHorizonSeconds: 4000 });
    const judged = (f: ExhaustionForecast) => resourceBottlenecks([], [f], t);
    // 4000 s = 66.7 min, shown as 67 min; 1.5 MiB/s.
    expect(judged(forecast(4000))).toEqual([
      {
        id: 'resource_exhaustion:memory',
        kind: 'resource_exhaustion',
        subject: 'memory',
        severity: 'warning',
        message: 'memory will run out in about 67 min at the current growth of 1.50 MiB/s',
        evidence: { resource: 'memory', secondsUntilExhausted: 4000, bytesPerSecond: 1572864, usedBytes: 1001, capacityBytes: 4000, r2: 0.9877, horizonSeconds: 4000 },
      },
    ]);
    expect(judged(forecast(4000.5))).toEqual([]);
    expect(judged(forecast(1000)).map((b) => b.severity)).toEqual(['warning']);
    expect(judged(forecast(999, 'gpu_memory')).map((b) => [b.severity, b.message.slice(0, 21)])).toEqual([['critical', 'gpu memory will run o']]);
  });
});

describe('humanDuration (mutation testing, issue 18)', () => {
  it('switches to days from 48 hours', () => {
    expect(humanDuration(172_740)).toBe('47 h 59 min'); // 2879 min
    expect(humanDuration(172_800)).toBe('2.0 days'); // 2880 min
    expect(humanDuration(216_000)).toBe('2.5 days');
  });
});

describe('a failure finding without error types (mutation testing, issue 18)', () => {
  it('names no top error type when the bad outcomes counted include no failure at all', () => {
    // A misconfigured objective that counts successes as bad: 10 of 10 "bad", none of them with an error type.
    const [b] = operationBottlenecks(new Map([['t', stats([10], [10, 0])]]), mergeThresholds({ defaults: { badOutcomes: ['success'] } }));
    expect(b).toMatchObject({ id: 'high_failure_rate:t', message: 't: 100.0% of 10 operations failed (objective: at most 5.0%)', evidence: { topErrorType: null, topErrorCount: null } });
  });
});
