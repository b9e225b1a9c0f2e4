import type { OperationThresholds, ThresholdsInput } from './thresholds';

/**
 * The part of `@perfkit/sla`'s `slaThresholds(spec)` the analysis reads (structural, so a spec-derived object
 * passes as is). Objectives scoped to one operation name are left to the SLA checks; the analysis judges types.
 */
export interface SlaThresholdsLike {
  readonly objectives: ReadonlyArray<{
    readonly sli: 'success' | 'latency';
    readonly operationType: string;
    readonly operationName?: string;
    readonly target: number;
    readonly errorBudget: number;
    readonly thresholdSeconds?: number;
  }>;
  readonly limits: ReadonlyArray<{ readonly resource: string; readonly limit: number }>;
}

/**
 * Turns the SLA spec's thresholds into the analysis thresholds: a success objective's error budget is the largest
 * acceptable failure rate; a latency objective "target of operations within T s" is "the target-quantile <= T"
 * (the tightest tail when a type has several); resource limits become saturation levels (disk: 1 - min free).
 */
export function thresholdsFromSla(sla: SlaThresholdsLike): ThresholdsInput {
  const operations: Record<string, { -readonly [K in keyof OperationThresholds]?: number }> = {};
  for (const o of sla.objectives) {
    if (o.operationName !== undefined) continue;
    const t = (operations[o.operationType] ??= {});
    if (o.sli === 'success') {
      t.maxFailureRate = Math.min(t.maxFailureRate ?? 1, o.errorBudget);
    } else if (o.thresholdSeconds !== undefined && o.target >= (t.latencyQuantile ?? 0)) {
      t.latencyQuantile = o.target;
      t.latencySeconds = o.thresholdSeconds;
    }
  }
  const resources: NonNullable<ThresholdsInput['resources']> = {};
  for (const l of sla.limits) {
    if (l.resource === 'cpu') resources.cpuUtilization = l.limit;
    else if (l.resource === 'memory') resources.memoryUtilization = l.limit;
    else if (l.resource === 'diskFree') resources.diskUtilization = 1 - l.limit;
    else if (l.resource === 'gpuUtilization') resources.gpuUtilization = l.limit;
    else if (l.resource === 'gpuMemory') resources.gpuMemoryUtilization = l.limit;
    else if (l.resource === 'eventLoopDelay') resources.eventLoopDelaySeconds = l.limit;
  }
  return { operations, resources };
}
