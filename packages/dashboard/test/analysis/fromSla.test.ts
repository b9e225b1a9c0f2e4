import { mergeThresholds, operationThresholds, thresholdsFromSla } from '@perfkit/dashboard';

describe('thresholdsFromSla', () => {
  it('maps objectives and limits of the SLA spec onto the analysis thresholds', () => {
    const t = mergeThresholds(
      thresholdsFromSla({
        objectives: [
          { sli: 'success', operationType: 'download', target: 0.99, errorBudget: 0.01 },
          { sli: 'latency', operationType: 'download', target: 0.9, errorBudget: 0.1, thresholdSeconds: 10 },
          { sli: 'latency', operationType: 'download', target: 0.99, errorBudget: 0.01, thresholdSeconds: 30 },
          { sli: 'success', operationType: 'download', operationName: 'only-this', target: 0.5, errorBudget: 0.5 },
        ],
        limits: [
          { resource: 'memory', limit: 0.8 },
          { resource: 'diskFree', limit: 0.1 },
          { resource: 'eventLoopDelay', limit: 0.25 },
          { resource: 'guardQueueWait', limit: 5 },
        ],
      }),
    );
    expect(operationThresholds(t, 'download')).toEqual({ maxFailureRate: 0.01, latencyQuantile: 0.99, latencySeconds: 30 });
    expect(operationThresholds(t, 'other')).toEqual(t.defaults);
    expect(t.resources).toMatchObject({ memoryUtilization: 0.8, diskUtilization: 0.9, eventLoopDelaySeconds: 0.25, cpuUtilization: 0.8 });
  });
});
