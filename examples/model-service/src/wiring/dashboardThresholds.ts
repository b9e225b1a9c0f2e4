import type { ThresholdsInput } from '@perfkit/dashboard';
import type { SlaThresholds } from '@perfkit/sla';

type Resources = NonNullable<ThresholdsInput['resources']>;

/**
 * The SLA spec's thresholds in the form the dashboard's analysis reads, so the page flags what the alerts flag:
 * latency objectives become per-type latency thresholds, success objectives a per-type failure rate, resource
 * limits the resource thresholds (a minimum free disk share becomes a maximum disk utilisation).
 * The example does this mapping because it is the one floor that sees both packages.
 */
export function dashboardThresholds(sla: SlaThresholds): ThresholdsInput {
  const operations: Record<string, { latencySeconds?: number; latencyQuantile?: number; maxFailureRate?: number }> = {};
  for (const o of sla.objectives) {
    const entry = (operations[o.operationType] ??= {});
    if (o.sli === 'latency' && o.thresholdSeconds !== undefined) {
      entry.latencySeconds = Math.min(entry.latencySeconds ?? Infinity, o.thresholdSeconds);
      entry.latencyQuantile = Math.max(entry.latencyQuantile ?? 0, o.target);
    } else if (o.sli === 'success') {
      entry.maxFailureRate = Math.min(entry.maxFailureRate ?? 1, o.errorBudget);
    }
  }
  const resources: { -readonly [K in keyof Resources]: Resources[K] } = {};
  for (const limit of sla.limits) {
    if (limit.resource === 'cpu') resources.cpuUtilization = limit.limit;
    else if (limit.resource === 'memory') resources.memoryUtilization = limit.limit;
    else if (limit.resource === 'diskFree') resources.diskUtilization = 1 - limit.limit;
    else if (limit.resource === 'gpuUtilization') resources.gpuUtilization = limit.limit;
    else if (limit.resource === 'gpuMemory') resources.gpuMemoryUtilization = limit.limit;
    else if (limit.resource === 'eventLoopDelay') resources.eventLoopDelaySeconds = limit.limit;
  }
  return { operations, resources };
}
