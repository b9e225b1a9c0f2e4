import type { ThresholdsInput } from './thresholds';

/**
 * What is read of `@perfkit/sla`'s `SlaThresholds`, declared here because `@perfkit/sla` is an optional peer: the
 * dashboard's types must resolve without it. `SlaThresholds` is assignable to it (checked by the dashboard's build,
 * which passes the SLA plug-in's thresholds here).
 */
export interface SlaThresholdsLike {
  readonly objectives: readonly {
    readonly sli: 'success' | 'latency';
    readonly operationType: string;
    readonly operationName?: string;
    readonly target: number;
    readonly errorBudget: number;
    readonly thresholdSeconds?: number;
    readonly badOutcomes: readonly string[];
  }[];
  readonly limits: readonly { readonly resource: string; readonly limit: number }[];
}

type Mutable = { latencySeconds?: number; latencyQuantile?: number; maxFailureRate?: number; badOutcomes?: string[] };

/**
 * Turns the SLA spec's thresholds (`slaThresholds(spec)`, or `perf.plugin('sla').thresholds`) into the analysis
 * thresholds: a success objective's error budget is the largest acceptable bad-outcome rate (with the spec's bad
 * outcomes); a latency objective "target of operations within T s" is "the target-quantile <= T" (the tightest
 * tail when there are several); objectives scoped to one name apply to that name; resource limits become
 * saturation levels (disk: 1 - min free).
 */
export function thresholdsFromSla(sla: SlaThresholdsLike): ThresholdsInput {
  const operations: Record<string, Mutable> = {};
  const operationNames: Record<string, Record<string, Mutable>> = {};
  for (const o of sla.objectives) {
    const t = o.operationName === undefined ? (operations[o.operationType] ??= {}) : ((operationNames[o.operationType] ??= {})[o.operationName] ??= {});
    if (o.sli === 'success') {
      if (o.errorBudget <= (t.maxFailureRate ?? 1)) {
        t.maxFailureRate = o.errorBudget;
        t.badOutcomes = [...o.badOutcomes];
      }
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
  return { operations, operationNames, resources };
}
