import type { Bottleneck } from '@perfkit/dashboard';
import { recommend } from '../../src/analysis/recommendations';

const slow = (type: string): Bottleneck => ({
  id: `slow_operation:${type}`,
  kind: 'slow_operation',
  subject: type,
  severity: 'warning',
  message: '',
  evidence: { operationType: type, quantile: 0.95, observedSeconds: 35, thresholdSeconds: 30 },
});
const failing = (type: string, topErrorType: string | null): Bottleneck => ({
  id: `high_failure_rate:${type}`,
  kind: 'high_failure_rate',
  subject: type,
  severity: 'warning',
  message: '',
  evidence: { operationType: type, failureRate: 0.125, thresholdFailureRate: 0.05, topErrorType },
});
const saturated = (resource: string): Bottleneck => ({
  id: `resource_saturation:${resource}`,
  kind: 'resource_saturation',
  subject: resource,
  severity: 'warning',
  message: '',
  evidence: { resource, mean: 0.9123, threshold: 0.8 },
});
const exhausted = (resource: string, seconds: number): Bottleneck => ({
  id: `resource_exhaustion:${resource}`,
  kind: 'resource_exhaustion',
  subject: resource,
  severity: 'critical',
  message: '',
  evidence: { resource, secondsUntilExhausted: seconds },
});

const message = (b: Bottleneck) => recommend([b])[0]!.message;
/** The advice after the colon: what differs between kinds of work. */
const advice = (b: Bottleneck) => /: (.+)\.$/.exec(message(b))![1]!;

describe('recommend', () => {
  it('gives one recommendation per bottleneck, linked by id and carrying its evidence', () => {
    const b = slow('download');
    expect(recommend([b, failing('fallback', null)]).map((r) => [r.id, r.bottleneckId])).toEqual([
      ['rec:slow_operation:download', 'slow_operation:download'],
      ['rec:high_failure_rate:fallback', 'high_failure_rate:fallback'],
    ]);
    expect(recommend([b])[0]!.evidence).toBe(b.evidence);
    expect(recommend([])).toEqual([]);
  });

  it('names the numbers that triggered it', () => {
    expect(message(slow('download'))).toMatch(/^Speed up download \(p95 35 s > 30 s\): \S/);
    expect(message(failing('download', 'ETIMEDOUT'))).toMatch(/^Reduce download failures \(12\.5% > 5\.0%, top error ETIMEDOUT\): \S/);
    expect(message(failing('download', null))).toMatch(/^Reduce download failures \(12\.5% > 5\.0%\): \S/);
    expect(message(saturated('gpu_memory'))).toMatch(/^Relieve gpu memory \(mean 0\.9123 > 0\.8\): \S/);
    expect(message(exhausted('disk', 5400))).toMatch(/^Free disk space before it runs out in 90 min: \S/);
    expect(message(exhausted('memory', 89))).toMatch(/^Find the memory growth before it runs out in 1 min: \S/);
    expect(message(exhausted('gpu_memory', 60))).toMatch(/^Free GPU memory before it runs out in 1 min: \S/);
  });

  it('gives each known operation type and resource its own advice, and a general one otherwise', () => {
    const types = ['download', 'health_check', 'fallback', 'model_operation', 'analytics'];
    const slowAdvice = types.map((t) => advice(slow(t)));
    const failureAdvice = types.map((t) => advice(failing(t, null)));
    const generalSlow = advice(slow('custom_type'));
    const generalFailure = advice(failing('custom_type', null));
    expect(new Set([...slowAdvice, generalSlow]).size).toBe(6);
    expect(new Set([...failureAdvice, generalFailure]).size).toBe(6);
    for (const a of [...slowAdvice, ...failureAdvice, generalSlow, generalFailure]) expect(a.length).toBeGreaterThan(20);
    const resources = ['cpu', 'memory', 'disk', 'gpu', 'gpu_memory', 'event_loop'];
    const resourceAdvice = resources.map((r) => advice(saturated(r)));
    expect(new Set([...resourceAdvice, advice(saturated('network'))]).size).toBe(7);
    for (const a of resourceAdvice) expect(a.length).toBeGreaterThan(20);
    expect(advice(exhausted('disk', 60))).toBe(advice(saturated('disk')));
    expect(advice(exhausted('tape', 60))).toBe('add capacity');
    expect(advice(saturated('network'))).toBe('reduce load or add capacity');
  });
});
