import { OUTCOMES, type Outcome } from '@perfkit/core';
import { parseDuration } from './duration';
import type { SlaSpec } from './spec/schema';

/** Outcomes that spend the error budget of a success objective unless the spec lists its own. */
export const DEFAULT_BAD_OUTCOMES: readonly Outcome[] = OUTCOMES.filter((o) => o !== 'success' && o !== 'cancelled');

/** Per-objective alert settings (names, labels, annotations, per-severity `for:` and labels). */
export interface ObjectiveAlerting {
  /** Alert name of the burn-rate alerts (default `<CamelId>BudgetBurn`). */
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly page: { readonly for?: string; readonly labels: Readonly<Record<string, string>> };
  readonly ticket: { readonly for?: string; readonly labels: Readonly<Record<string, string>> };
}

/**
 * A raw-PromQL objective: Prometheus-only (rules, alerts, tests, dashboards; no in-process check, no view).
 * Queries keep the `{{.window}}` placeholder where the range goes.
 */
export interface QueryObjectiveThreshold {
  readonly id: string;
  readonly description: string;
  readonly sli: 'promql';
  readonly target: number;
  readonly errorBudget: number;
  /** Exactly one of errorQuery and goodQuery. */
  readonly errorQuery?: string;
  readonly goodQuery?: string;
  readonly totalQuery: string;
  readonly alerting: ObjectiveAlerting;
}

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
  /** Alert settings of the objective (empty unless the spec sets them). */
  readonly alerting?: ObjectiveAlerting;
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
  /** Objectives on perfkit's own operation metrics (checked in-process too). */
  readonly objectives: readonly ObjectiveThreshold[];
  /** Raw-PromQL objectives (imported from Sloth or OpenSLO): Prometheus-only. */
  readonly queryObjectives: readonly QueryObjectiveThreshold[];
  readonly limits: readonly LimitThreshold[];
}

const round = (v: number) => Number(v.toPrecision(12));

/** The spec's thresholds as plain data (for rules, in-process checks, dashboards and analysis). */
export function slaThresholds(spec: SlaSpec): SlaThresholds {
  const objectives = spec.objectives.flatMap((o): ObjectiveThreshold[] => {
    if (!o.operation) return [];
    const target = o.success?.target ?? o.latency!.target;
    const where = o.operation.name ? `${o.operation.type} ${o.operation.name}` : `${o.operation.type} operations`;
    return [{
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
      alerting: alertingOf(o.alerting),
    }];
  });
  const queryObjectives = spec.objectives.flatMap((o): QueryObjectiveThreshold[] => {
    if (!o.promql) return [];
    const p = o.promql;
    return [{
      id: o.id,
      description: o.description ?? `${pct(p.target)} of the events the ${o.id} queries count are good over ${spec.window}`,
      sli: 'promql',
      target: p.target,
      errorBudget: round(1 - p.target),
      ...(p.errorQuery !== undefined ? { errorQuery: p.errorQuery } : { goodQuery: p.goodQuery! }),
      totalQuery: p.totalQuery,
      alerting: alertingOf(o.alerting),
    }];
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
  return { service: spec.service, window: spec.window, windowSeconds: parseDuration(spec.window), objectives, queryObjectives, limits };
}

function alertingOf(a: SlaSpec['objectives'][number]['alerting']): ObjectiveAlerting {
  return {
    ...(a?.name !== undefined ? { name: a.name } : {}),
    labels: a?.labels ?? {},
    annotations: a?.annotations ?? {},
    page: { ...(a?.page?.for !== undefined ? { for: a.page.for } : {}), labels: a?.page?.labels ?? {} },
    ticket: { ...(a?.ticket?.for !== undefined ? { for: a.ticket.for } : {}), labels: a?.ticket?.labels ?? {} },
  };
}

function pct(ratio: number): string {
  return `${round(ratio * 100)}%`;
}
