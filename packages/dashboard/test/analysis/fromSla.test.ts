import path from 'node:path';
import { createPerfkit } from '@perfkit/core';
import { dashboardPlugin, mergeThresholds, operationThresholds, thresholdsFromSla } from '@perfkit/dashboard';
import { loadSlaSpec, slaPlugin, slaThresholds } from '@perfkit/sla';

const SPEC = path.resolve(__dirname, '..', '..', '..', '..', 'examples', 'sla.yaml');

function setup() {
  const spec = loadSlaSpec(SPEC);
  return { spec, thresholds: mergeThresholds(thresholdsFromSla(slaThresholds(spec))) };
}

describe('thresholdsFromSla', () => {
  it('maps the example spec objectives and limits onto the analysis thresholds', () => {
    const { thresholds: t } = setup();
    expect(operationThresholds(t, 'model_operation', 'generate')).toMatchObject({ latencyQuantile: 0.99, latencySeconds: 2, maxFailureRate: 0.01 });
    expect(operationThresholds(t, 'download', 'fetch-weights').maxFailureRate).toBeCloseTo(0.005, 12);
    expect(operationThresholds(t, 'download', 'fetch-weights').badOutcomes).not.toContain('success');
    expect(operationThresholds(t, 'download')).toEqual(t.defaults);
    expect(t.resources).toMatchObject({ cpuUtilization: 0.9, memoryUtilization: 0.85, gpuUtilization: 0.8, gpuMemoryUtilization: 0.9, eventLoopDelaySeconds: 0.1 });
    expect(t.resources.diskUtilization).toBeCloseTo(0.9, 12);
  });
});

describe('dashboard thresholds from the sla plug-in', () => {
  it('judges a name against its own objective when the sla plug-in is in use', async () => {
    const { spec } = setup();
    const perf = createPerfkit({ prometheus: { serve: false }, logLevel: 'none' });
    perf.use(slaPlugin(spec));
    const dash = perf.use(dashboardPlugin({ snapshotIntervalMs: 60_000 }));
    const op = perf.operation('download', 'fetch-weights');
    for (let i = 0; i < 98; i++) op.record(0.1);
    for (let i = 0; i < 2; i++) op.record(0.1, { outcome: 'failure', errorType: 'ETIMEDOUT' });
    expect(dash.thresholdsSource()).toBe('sla');
    const operationFindings = () => dash.analyze().bottlenecks.filter((b) => b.kind === 'high_failure_rate' || b.kind === 'slow_operation');
    const ids = operationFindings().map((b) => b.id);
    // 2% is within the default 5% for the type, but over the spec's 0.5% for fetch-weights.
    expect(ids).toEqual(['high_failure_rate:download/fetch-weights']);
    dash.setThresholds({ defaults: { maxFailureRate: 0.5 } });
    expect(dash.thresholdsSource()).toBe('options');
    expect(operationFindings()).toEqual([]);
    expect(() => dash.setThresholds({ defaults: { maxFailureRate: NaN } } as never)).toThrow();
    await perf.shutdown();
  });
});

describe('thresholdsFromSla from hand-written thresholds (mutation testing, issue 18)', () => {
  const success = (errorBudget: number, badOutcomes: string[], operationName?: string) => ({
    sli: 'success' as const,
    operationType: 'download',
    ...(operationName === undefined ? {} : { operationName }),
    target: 1 - errorBudget,
    errorBudget,
    badOutcomes,
  });
  const latency = (target: number, thresholdSeconds?: number) => ({
    sli: 'latency' as const,
    operationType: 'model_operation',
    target,
    errorBudget: 1 - target,
    ...(thresholdSeconds === undefined ? {} : { thresholdSeconds }),
    badOutcomes: [],
  });

  it('keeps the tightest objective of each kind per type or name, and maps every resource limit', () => {
    const input = thresholdsFromSla({
      objectives: [
        success(0.01, ['failure']),
        success(0.005, ['failure', 'timeout']), // tighter: replaces 1 %
        success(0.02, ['rejected']), // looser: ignored
        success(0.001, ['failure'], 'fetch'),
        latency(0.95, 2),
        latency(0.99, 5), // the tighter tail: p99 <= 5 s replaces p95 <= 2 s
        latency(0.9, 1), // a looser tail: ignored
        latency(0.999), // no threshold: ignored
      ],
      limits: [
        { resource: 'cpu', limit: 0.7 },
        { resource: 'memory', limit: 0.8 },
        { resource: 'diskFree', limit: 0.25 }, // at least 25 % free = at most 75 % used
        { resource: 'gpuUtilization', limit: 0.6 },
        { resource: 'gpuMemory', limit: 0.5 },
        { resource: 'eventLoopDelay', limit: 0.2 },
        { resource: 'guardQueueWait', limit: 0.1 }, // not an analysis threshold
      ],
    });
    expect(input).toEqual({
      operations: {
        download: { maxFailureRate: 0.005, badOutcomes: ['failure', 'timeout'] },
        model_operation: { latencyQuantile: 0.99, latencySeconds: 5 },
      },
      operationNames: { download: { fetch: { maxFailureRate: 0.001, badOutcomes: ['failure'] } } },
      resources: { cpuUtilization: 0.7, memoryUtilization: 0.8, diskUtilization: 0.75, gpuUtilization: 0.6, gpuMemoryUtilization: 0.5, eventLoopDelaySeconds: 0.2 },
    });
  });

  it('takes a success objective with a budget of 100 % and a latency objective with a target of 0', () => {
    expect(thresholdsFromSla({ objectives: [success(1, ['failure']), latency(0, 3)], limits: [] })).toEqual({
      operations: { download: { maxFailureRate: 1, badOutcomes: ['failure'] }, model_operation: { latencyQuantile: 0, latencySeconds: 3 } },
      operationNames: {},
      resources: {},
    });
  });
});
