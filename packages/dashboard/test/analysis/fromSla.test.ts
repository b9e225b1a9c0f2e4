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
