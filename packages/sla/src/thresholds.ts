import { OUTCOMES, type Outcome } from '@perfkit/core';
import { parseDuration } from './duration';
import type { SlaSpec } from './spec/schema';

/** Outcomes that spend the error budget of a success objective unless the spec lists its own. */
export const DEFAULT_BAD_OUTCOMES: readonly Outcome[] = OUTCOMES.filter((o) => o !== 'success' && o !== 'cancelled');

/** One objective as plain data: what rules, in-process checks and the dashboard all read. */
export interface ObjectiveThreshold {
  readonly id: string;
  readonly description: string;
  /** `success`: share of operations that succeed; `latency`: share that finish within `thresholdSeconds`. */
  readonly sli: 'success' | 'latency';
  readonly operationType: string;
  /** Absent when the objective covers every name of the type. */
  readonly operationName?: string;
  /** Target ratio, e.g. 0.995. */
  readonly target: number;
  /** 1 - target, rounded to what the user wrote (0.005, not 0.0050000000000000044). */
  readonly errorBudget: number;
  /** Latency objectives only: the threshold in seconds, an exact bucket boundary. */
  readonly thresholdSeconds?: number;
  /** Success objectives only: the outcomes that count as bad. */
  readonly badOutcomes: readonly Outcome[];
}

/** What a limit is measured on. */
export type LimitResource =
  | 'cpu'
  | 'memory'
  | 'diskFree'
  | 'gpuUtilization'
  | 'gpuMemory'
  | 'eventLoopDelay'
  | 'guardQueueWait'
  | 'guardUtilization';

/** A resource or guard limit as plain data. */
export interface LimitThreshold {
  /** Stable id: `memory`, `guard-generate-queue-wait`. */
  readonly id: string;
  readonly resource: LimitResource;
  /** `above`: violated when the value exceeds `limit`; `below`: when it falls under it. */
  readonly violatedWhen: 'above' | 'below';
  readonly limit: number;
  readonly unit: 'ratio' | 'seconds';
  /** How long it must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  /** Guard limits only: the guard's name. */
  readonly guard?: string;
}

/** Every threshold of a spec, written once there and read from here by every consumer. */
export interface SlaThresholds {
  readonly service: string;
  /** SLO window in seconds and as written. */
  readonly windowSeconds: number;
  readonly window: string;
  readonly objectives: readonly ObjectiveThreshold[];
  readonly limits: readonly LimitThreshold[];
}

const round = (v: number) => Number(v.toPrecision(12));

/** The spec's thresholds as plain data (for rules, in-process checks, dashboards and analysis). */
export function slaThresholds(spec: SlaSpec): SlaThresholds {
  const objectives = spec.objectives.map((o): ObjectiveThreshold => {
    const target = o.success?.target ?? o.latency!.target;
    const where = o.operation.name ? `${o.operation.type} ${o.operation.name}` : `${o.operation.type} operations`;
    return {
      id: o.id,
      description:
        o.description ??
        (o.latency
          ? `${pct(target)} of ${where} finish within ${o.latency.threshold}s over ${spec.window}`
          : `${pct(target)} of ${where} succeed over ${spec.window}`),
      sli: o.latency ? 'latency' : 'success',
      operationType: o.operation.type,
      ...(o.operation.name !== undefined ? { operationName: o.operation.name } : {}),
      target,
      errorBudget: round(1 - target),
      ...(o.latency ? { thresholdSeconds: o.latency.threshold } : {}),
      badOutcomes: o.success?.badOutcomes ?? DEFAULT_BAD_OUTCOMES,
    };
  });
  const limits: LimitThreshold[] = [];
  const r = spec.resources;
  if (r.cpu) limits.push({ id: 'cpu', resource: 'cpu', violatedWhen: 'above', limit: r.cpu.max, unit: 'ratio', for: r.cpu.for });
  if (r.memory) limits.push({ id: 'memory', resource: 'memory', violatedWhen: 'above', limit: r.memory.max, unit: 'ratio', for: r.memory.for });
  if (r.diskFree) limits.push({ id: 'disk-free', resource: 'diskFree', violatedWhen: 'below', limit: r.diskFree.min, unit: 'ratio', for: r.diskFree.for });
  if (r.gpuUtilization) limits.push({ id: 'gpu-utilization', resource: 'gpuUtilization', violatedWhen: 'above', limit: r.gpuUtilization.max, unit: 'ratio', for: r.gpuUtilization.for });
  if (r.gpuMemory) limits.push({ id: 'gpu-memory', resource: 'gpuMemory', violatedWhen: 'above', limit: r.gpuMemory.max, unit: 'ratio', for: r.gpuMemory.for });
  if (r.eventLoopDelay) limits.push({ id: 'event-loop-delay', resource: 'eventLoopDelay', violatedWhen: 'above', limit: r.eventLoopDelay.max, unit: 'seconds', for: r.eventLoopDelay.for });
  for (const g of spec.guards) {
    if (g.queueWait) limits.push({ id: `guard-${g.name}-queue-wait`, resource: 'guardQueueWait', violatedWhen: 'above', limit: g.queueWait.max, unit: 'seconds', for: g.queueWait.for, guard: g.name });
    if (g.utilization) limits.push({ id: `guard-${g.name}-utilization`, resource: 'guardUtilization', violatedWhen: 'above', limit: g.utilization.max, unit: 'ratio', for: g.utilization.for, guard: g.name });
  }
  return { service: spec.service, window: spec.window, windowSeconds: parseDuration(spec.window), objectives, limits };
}

function pct(ratio: number): string {
  return `${round(ratio * 100)}%`;
}
