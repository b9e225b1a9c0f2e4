import { createPerfkit } from '@perfkit/core';
import { analyze, DEFAULT_THRESHOLDS, deltas, emptySample, mergeThresholds, statsOf, type ResourceSample, type ThresholdsInput } from '@perfkit/dashboard';
import { keepSnapshot } from '../../src/history/KeptSnapshot';
import { statsBy } from '../../src/history/windowStats';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Scripted samples: `fn(secondsSinceStart)` fills each one. */
function samples(count: number, everySeconds: number, fn: (t: number, s: ResourceSample) => void, start = 1_700_000_000_000): ResourceSample[] {
  return Array.from({ length: count }, (_, i) => {
    const s = emptySample(start + i * everySeconds * 1000);
    fn(i * everySeconds, s);
    return s;
  });
}

function setup(opts: { samples?: ResourceSample[]; thresholds?: ThresholdsInput; record?: (perf: ReturnType<typeof createPerfkit>) => void } = {}) {
  const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
  opts.record?.(perf);
  const d = deltas(keepSnapshot(perf.snapshot()), undefined);
  const result = analyze({ overall: statsOf(d), byType: statsBy(d, (x) => x.type), samples: opts.samples ?? [], thresholds: mergeThresholds(opts.thresholds), now: Date.now() });
  void perf.shutdown();
  return result;
}

describe('analyze', () => {
  it('forecasts memory exhaustion within 5% of the true time when memory rises linearly with noise', () => {
    const rate = 2 * MiB; // bytes per second
    const total = 16 * GiB;
    const base = 6 * GiB;
    let seed = 42;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 200 * MiB;
    const script = samples(360, 10, (t, s) => {
      s.memoryTotalBytes = total;
      s.memoryUsedBytes = base + rate * t + noise();
      s.memoryUtilization = s.memoryUsedBytes / total;
    });
    const lastT = 359 * 10;
    const trueSeconds = (total - (base + rate * lastT)) / rate;
    const result = setup({ samples: script });
    const f = result.forecasts.find((x) => x.resource === 'memory')!;
    expect(f).toBeDefined();
    expect(Math.abs(f.secondsUntilExhausted - trueSeconds) / trueSeconds).toBeLessThan(0.05);
    expect(result.trends.memory!.direction).toBe('increasing');
    const b = result.bottlenecks.find((x) => x.id === 'resource_exhaustion:memory')!;
    expect(b.evidence.secondsUntilExhausted).toBe(Math.round(f.secondsUntilExhausted));
    expect(result.recommendations.find((r) => r.bottleneckId === b.id)!.message).toMatch(/memory/i);
  });

  it('forecasts when the disk fills from falling free space', () => {
    const script = samples(100, 60, (t, s) => {
      s.diskTotalBytes = 100 * GiB;
      s.diskFreeBytes = 50 * GiB - t * 1 * MiB;
      s.diskUsedBytes = 100 * GiB - s.diskFreeBytes;
    });
    const f = setup({ samples: script }).forecasts.find((x) => x.resource === 'disk')!;
    const trueSeconds = (50 * GiB - 99 * 60 * MiB) / MiB;
    expect(Math.abs(f.secondsUntilExhausted - trueSeconds) / trueSeconds).toBeLessThan(0.001);
  });

  it('makes no forecast when memory falls or stays flat', () => {
    const flat = samples(50, 10, (_t, s) => ((s.memoryTotalBytes = 8 * GiB), (s.memoryUsedBytes = 4 * GiB)));
    const falling = samples(50, 10, (t, s) => ((s.memoryTotalBytes = 8 * GiB), (s.memoryUsedBytes = 6 * GiB - t * MiB)));
    expect(setup({ samples: flat }).forecasts).toEqual([]);
    expect(setup({ samples: falling }).forecasts).toEqual([]);
  });

  it('shows a failing operation type as a bottleneck with a matching recommendation', () => {
    const result = setup({
      record: (perf) => {
        const dl = perf.operation('download', 'fetch-weights');
        for (let i = 0; i < 70; i++) dl.record(0.5);
        for (let i = 0; i < 30; i++) dl.record(2, { outcome: 'failure', errorType: 'ECONNRESET' });
        const hc = perf.operation('health_check', 'verify');
        for (let i = 0; i < 100; i++) hc.record(0.01);
      },
    });
    const b = result.bottlenecks.find((x) => x.kind === 'high_failure_rate')!;
    expect(b).toMatchObject({ id: 'high_failure_rate:download', subject: 'download', severity: 'critical' }); // 30% against a 5% objective: six times over
    expect(b.evidence).toMatchObject({ failureRate: 0.3, failures: 30, operations: 100, topErrorType: 'ECONNRESET', thresholdFailureRate: 0.05 });
    const rec = result.recommendations.find((r) => r.bottleneckId === b.id)!;
    expect(rec.message).toMatch(/download failures \(30\.0% > 5\.0%, top error ECONNRESET\)/);
    expect(rec.evidence).toEqual(b.evidence);
    expect(result.bottlenecks.some((x) => x.subject === 'health_check')).toBe(false);
  });

  it('takes each rule threshold from the thresholds it is given (the SLA spec)', () => {
    const record = (perf: ReturnType<typeof createPerfkit>) => {
      const op = perf.operation('model_operation', 'generate');
      for (let i = 0; i < 50; i++) op.record(0.8);
    };
    expect(setup({ record }).bottlenecks).toEqual([]);
    const strict = setup({ record, thresholds: { operations: { model_operation: { latencySeconds: 0.5, latencyQuantile: 0.99 } } } });
    expect(strict.bottlenecks[0]).toMatchObject({ id: 'slow_operation:model_operation', evidence: { thresholdSeconds: 0.5, quantile: 0.99 } });
    expect(strict.recommendations[0]!.message).toMatch(/p99/);
  });

  it('does not judge a type with fewer operations than minOperations', () => {
    const result = setup({ record: (perf) => perf.operation('download', 'x').record(1, { outcome: 'failure' }) });
    expect(result.bottlenecks).toEqual([]);
    expect(result.score.value).toBe(100);
  });

  it('flags saturation from the recent mean and lists every deduction in the score', () => {
    const script = samples(40, 10, (_t, s) => ((s.cpuUtilization = 0.97), (s.memoryUtilization = 0.5)));
    const result = setup({ samples: script });
    expect(result.bottlenecks.map((b) => b.id)).toEqual(['resource_saturation:cpu']);
    expect(result.bottlenecks[0]!.severity).toBe('critical');
    expect(result.score.deductions).toHaveLength(1);
    expect(result.score.value).toBe(100 - result.score.deductions.reduce((n, d) => n + d.points, 0));
    expect(result.trends.cpu!.direction).toBe('stable');
  });

  it('ignores NaN and Infinity in samples and returns a clean result for empty input', () => {
    const script = samples(20, 10, (t, s) => {
      s.memoryTotalBytes = t % 20 === 0 ? NaN : 8 * GiB;
      s.memoryUsedBytes = t % 30 === 0 ? Infinity : 4 * GiB;
      s.cpuUtilization = NaN;
    });
    const result = setup({ samples: script });
    expect(result.forecasts).toEqual([]);
    expect(result.trends.cpu!.direction).toBe('unknown');
    const empty = setup();
    expect(empty).toMatchObject({ bottlenecks: [], recommendations: [], forecasts: [], score: { value: 100, deductions: [] } });
    expect(DEFAULT_THRESHOLDS.defaults.maxFailureRate).toBe(0.05);
  });
});

describe('resource trends', () => {
  it('says unknown (with the sample count) until two minutes of samples, then the direction', () => {
    const rising = (n: number) => samples(n, 10, (t, s) => (s.memoryUtilization = 0.2 + t * 0.001));
    expect(setup({ samples: rising(6) }).trends.memory).toEqual({ direction: 'unknown', slopePerHour: null, thresholdPerHour: null, r2: null, samples: 6 });
    const later = setup({ samples: rising(30) }).trends.memory!;
    expect(later.direction).toBe('increasing');
    expect(later.slopePerHour).toBeCloseTo(3.6, 9);
  });
});

describe('exhaustion forecasts', () => {
  it('makes none from a short or noisy history', () => {
    const short = samples(30, 1, (t, s) => ((s.memoryTotalBytes = 8 * GiB), (s.memoryUsedBytes = 4 * GiB + t * 100 * MiB)));
    let seed = 7;
    const noisy = samples(100, 10, (t, s) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      s.memoryTotalBytes = 8 * GiB;
      s.memoryUsedBytes = 4 * GiB + t * 1000 + (seed / 2 ** 31 - 0.5) * GiB;
    });
    expect(setup({ samples: short }).forecasts).toEqual([]);
    expect(setup({ samples: noisy }).forecasts).toEqual([]);
  });
});

describe('analyze without a perfkit instance (mutation testing, issue 18)', () => {
  it('stamps the time it is given and judges names with objectives of their own from byName', () => {
    // 10 operations of t/n, 1 failed (10 %): within the type's 20 %, past the name's 5 % but not past 10 % (warning).
    const part = (outcome: 'success' | 'failure', count: number) => ({ type: 't', name: 'n', outcome, errorType: outcome === 'failure' ? 'EIO' : '', bounds: [1], counts: [count, 0], count, sum: 0 });
    const s = statsOf([part('success', 9), part('failure', 1)]);
    const thresholds = mergeThresholds({ defaults: { maxFailureRate: 0.2 }, operationNames: { t: { n: { maxFailureRate: 0.05 } } } });
    const result = analyze({ overall: s, byType: new Map([['t', s]]), byName: new Map([['t\u0000n', s]]), samples: [], thresholds, now: 1234 });
    expect(result.analyzedAt).toBe(1234);
    expect(result.bottlenecks.map((b) => [b.id, b.severity])).toEqual([['high_failure_rate:t/n', 'warning']]);
    expect(result.recommendations.map((r) => r.bottleneckId)).toEqual(['high_failure_rate:t/n']);
    // Success rate 90 % against 1 − 0.2 = 80 %: no deduction for it; the warning costs its points.
    expect(result.score.deductions.map((d) => d.reason)).not.toContain(expect.stringMatching(/success rate/));
    expect(Object.keys(result.trends)).toEqual(['cpu', 'memory', 'disk', 'gpu', 'gpu_memory', 'event_loop']);
    expect(result.forecasts).toEqual([]);
    // Without byName the name's objective has nothing to judge, and the type is within its own.
    expect(analyze({ overall: s, byType: new Map([['t', s]]), samples: [], thresholds, now: 1 }).bottlenecks).toEqual([]);
  });
});
