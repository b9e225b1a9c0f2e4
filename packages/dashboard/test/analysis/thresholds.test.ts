import { DEFAULT_THRESHOLDS, mergeThresholds, operationThresholds, thresholdsSchema } from '@perfkit/dashboard';

describe('DEFAULT_THRESHOLDS and mergeThresholds', () => {
  it('defaults to the numbers earlier systems used', () => {
    expect(mergeThresholds(undefined)).toEqual({
      defaults: { latencySeconds: 30, latencyQuantile: 0.95, maxFailureRate: 0.05 },
      operations: {},
      operationNames: {},
      resources: { cpuUtilization: 0.8, memoryUtilization: 0.85, diskUtilization: 0.9, gpuUtilization: 0.95, gpuMemoryUtilization: 0.9, eventLoopDelaySeconds: 0.1 },
      forecastHorizonSeconds: 86_400,
      minOperations: 10,
    });
    expect(mergeThresholds({})).toEqual(mergeThresholds(undefined));
  });

  it('merges each part over the defaults, field by field', () => {
    const t = mergeThresholds({
      defaults: { latencySeconds: 2 },
      operations: { download: { maxFailureRate: 0.01 } },
      operationNames: { download: { big: { latencySeconds: 60 } } },
      resources: { cpuUtilization: 0.5 },
      forecastHorizonSeconds: 3600,
      minOperations: 1,
    });
    expect(t.defaults).toEqual({ latencySeconds: 2, latencyQuantile: 0.95, maxFailureRate: 0.05 });
    expect(t.resources).toMatchObject({ cpuUtilization: 0.5, memoryUtilization: 0.85 });
    expect(t.forecastHorizonSeconds).toBe(3600);
    expect(t.minOperations).toBe(1);
    expect(t.operations).toEqual({ download: { maxFailureRate: 0.01 } });
    expect(DEFAULT_THRESHOLDS.defaults.latencySeconds).toBe(30);
    expect(DEFAULT_THRESHOLDS.resources.cpuUtilization).toBe(0.8);
  });
});

describe('operationThresholds', () => {
  it('applies defaults, then the type, then the name', () => {
    const t = mergeThresholds({
      defaults: { latencySeconds: 2 },
      operations: { download: { maxFailureRate: 0.01, latencyQuantile: 0.99 } },
      operationNames: { download: { big: { latencySeconds: 60 } } },
    });
    expect(operationThresholds(t, 'download')).toEqual({ latencySeconds: 2, latencyQuantile: 0.99, maxFailureRate: 0.01 });
    expect(operationThresholds(t, 'download', 'big')).toEqual({ latencySeconds: 60, latencyQuantile: 0.99, maxFailureRate: 0.01 });
    expect(operationThresholds(t, 'download', 'small')).toEqual({ latencySeconds: 2, latencyQuantile: 0.99, maxFailureRate: 0.01 });
    expect(operationThresholds(t, 'other', 'big')).toEqual({ latencySeconds: 2, latencyQuantile: 0.95, maxFailureRate: 0.05 });
  });
});

describe('thresholdsSchema', () => {
  const ok = (input: unknown) => thresholdsSchema.safeParse(input).success;

  it('accepts ratios from 0 to 1, positive latencies and whole operation counts from 1', () => {
    expect(ok({ defaults: { latencySeconds: 0.001, latencyQuantile: 0, maxFailureRate: 1 }, minOperations: 1 })).toBe(true);
    expect(ok({ resources: { cpuUtilization: 1, eventLoopDelaySeconds: 0.05 } })).toBe(true);
    expect(ok({ operations: { t: { badOutcomes: ['failure', 'timeout'] } } })).toBe(true);
    expect(ok({ operationNames: { t: { 'big-model': { latencySeconds: 1 } } } })).toBe(true);
    expect(ok({ operationNames: { t: { '': { latencySeconds: 1 } } } })).toBe(false);
  });

  it('refuses out-of-range, non-finite and unknown values', () => {
    expect(ok({ defaults: { latencySeconds: 0 } })).toBe(false);
    expect(ok({ defaults: { latencySeconds: Infinity } })).toBe(false);
    expect(ok({ defaults: { latencyQuantile: 1.01 } })).toBe(false);
    expect(ok({ defaults: { maxFailureRate: -0.01 } })).toBe(false);
    expect(ok({ resources: { cpuUtilization: 2 } })).toBe(false);
    expect(ok({ resources: { eventLoopDelaySeconds: 0 } })).toBe(false);
    expect(ok({ resources: { network: 0.5 } })).toBe(false);
    expect(ok({ minOperations: 0 })).toBe(false);
    expect(ok({ minOperations: 1.5 })).toBe(false);
    expect(ok({ forecastHorizonSeconds: -1 })).toBe(false);
    expect(ok({ operations: { t: { badOutcomes: Array(17).fill('x') } } })).toBe(false);
    expect(ok({ operations: { t: { badOutcomes: [''] } } })).toBe(false);
    expect(ok({ operations: { '': {} } })).toBe(false);
    expect(ok({ operations: { ['x'.repeat(129)]: {} } })).toBe(false);
    expect(ok({ operationNames: { t: { ['n'.repeat(1025)]: {} } } })).toBe(false);
    expect(ok({ defaults: { latency: 1 } })).toBe(false);
    expect(ok({ surprise: true })).toBe(false);
  });
});
