import { DEFAULT_BAD_OUTCOMES, parseSlaSpec, slaThresholds } from '@perfkit/sla';

const setup = (extra: Record<string, unknown> = {}) =>
  slaThresholds(
    parseSlaSpec({
      service: 'svc',
      window: '7d',
      objectives: [
        { id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.995 } },
        { id: 'gen', operation: { type: 'model_operation' }, latency: { threshold: '250ms', target: 0.999 } },
      ],
      resources: { memory: { max: 0.85 }, diskFree: { min: 0.1 } },
      guards: [{ name: 'pool', queueWait: { max: 0.1 } }],
      ...extra,
    }),
  );

describe('slaThresholds', () => {
  it('gives each objective its budget without float noise and its threshold in seconds', () => {
    const t = setup();
    expect(t.windowSeconds).toBe(7 * 86_400);
    expect(t.objectives[0]).toMatchObject({ id: 'dl', sli: 'success', target: 0.995, errorBudget: 0.005, operationName: 'fetch' });
    expect(t.objectives[0]!.badOutcomes).toEqual(DEFAULT_BAD_OUTCOMES);
    expect(t.objectives[1]).toMatchObject({ sli: 'latency', errorBudget: 0.001, thresholdSeconds: 0.25 });
    expect(t.objectives[1]).not.toHaveProperty('operationName');
  });

  it('describes objectives in words when the spec gives no description', () => {
    expect(setup().objectives[1]!.description).toBe('99.9% of model_operation operations finish within 0.25s over 7d');
  });

  it('lists limits with direction, unit and for', () => {
    expect(setup().limits).toEqual([
      { id: 'memory', resource: 'memory', violatedWhen: 'above', limit: 0.85, unit: 'ratio', for: '10m' },
      { id: 'disk-free', resource: 'diskFree', violatedWhen: 'below', limit: 0.1, unit: 'ratio', for: '10m' },
      { id: 'guard-pool-queue-wait', resource: 'guardQueueWait', violatedWhen: 'above', limit: 0.1, unit: 'seconds', for: '5m', guard: 'pool' },
    ]);
  });

  it('never counts success or cancelled as bad by default', () => {
    expect(DEFAULT_BAD_OUTCOMES).not.toContain('success');
    expect(DEFAULT_BAD_OUTCOMES).not.toContain('cancelled');
  });
});
