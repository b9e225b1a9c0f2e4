import type { StoreSnapshot } from '@perfkit/core';
import type { HostSample } from '@perfkit/host';
import type { LimitThreshold, ObjectiveThreshold } from '../thresholds';

/** The verdict on one objective or limit. */
export interface SlaCheck {
  /** Objective id (`download-success`) or limit id (`memory`, `guard-generate-utilization`). */
  readonly id: string;
  readonly kind: 'objective' | 'limit';
  /** `no_data`: nothing to judge (no traffic, fewer events than alerting.minEvents, no host sample, no GPU). */
  readonly status: 'met' | 'violated' | 'no_data';
  /** Objectives: the good ratio over the evaluation window; limits: the value compared (worst device or mount). */
  readonly value?: number;
  /** Objectives: the target; limits: the limit. Read from the same spec as the rules. */
  readonly threshold: number;
  /** Objectives only: events in the evaluation window and the burn rate (bad ratio / error budget). */
  readonly events?: number;
  readonly burnRate?: number;
  /** One line for logs and pages. */
  readonly detail: string;
}

/** Cumulative counts of one objective, taken from one store snapshot. */
export interface ObjectiveCounts {
  readonly at: number;
  readonly total: number;
  readonly bad: number;
}

/** Sums an objective's events from a snapshot: all of them, and the bad ones (bad outcome, or slower than the threshold). */
export function objectiveCounts(o: ObjectiveThreshold, snap: StoreSnapshot): ObjectiveCounts {
  let total = 0;
  let bad = 0;
  for (const s of snap.series) {
    if (s.type !== o.operationType || (o.operationName !== undefined && s.name !== o.operationName)) continue;
    total += s.count;
    if (o.sli === 'success') {
      if (o.badOutcomes.includes(s.outcome)) bad += s.count;
    } else {
      // The threshold is an exact boundary (viewsFromSpec), so "within it" is the sum of the buckets up to it.
      const at = s.bounds.indexOf(o.thresholdSeconds!);
      let fast = 0;
      for (let i = 0; i <= at; i++) fast += s.counts[i]!;
      bad += at < 0 ? s.count : s.count - fast;
    }
  }
  return { at: snap.takenAt, total, bad };
}

/** Judges an objective on the events between two cumulative readings. */
export function judgeObjective(o: ObjectiveThreshold, from: ObjectiveCounts | undefined, to: ObjectiveCounts, minEvents: number): SlaCheck {
  const events = to.total - (from?.total ?? 0);
  const bad = to.bad - (from?.bad ?? 0);
  const base = { id: o.id, kind: 'objective' as const, threshold: o.target };
  if (!(events > 0) || events < minEvents) {
    return { ...base, status: 'no_data', events: Math.max(0, events), detail: `${o.id}: ${Math.max(0, events)} events, fewer than ${Math.max(1, minEvents)} needed` };
  }
  const good = 1 - bad / events;
  const burnRate = bad / events / o.errorBudget;
  const met = good >= o.target;
  return {
    ...base,
    status: met ? 'met' : 'violated',
    value: good,
    events,
    burnRate,
    detail: `${o.id}: ${(good * 100).toFixed(3)}% good of ${events} events (target ${o.target * 100}%, burn rate ${burnRate.toFixed(2)}x)`,
  };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads a limit's value from the latest host sample or guard figures; undefined when there is none. */
export function limitValue(
  l: LimitThreshold,
  host: HostSample | undefined,
  guardUtilization: ReadonlyMap<string, number>,
  guardQueueWaitP99: ReadonlyMap<string, number> = new Map(),
): number | undefined {
  const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);
  const worst = (values: Array<number | undefined>, pick: (a: number, b: number) => number) => {
    const ok = values.filter(finite);
    return ok.length ? ok.reduce((a, b) => pick(a, b)) : undefined;
  };
  switch (l.resource) {
    // The container's utilization of its limit where the cgroup has one (as the generated PromQL does), else the host's.
    case 'cpu': {
      const container = host?.container?.cpu?.utilization;
      if (finite(container)) return container;
      return finite(host?.cpu?.utilization) ? host!.cpu!.utilization : undefined;
    }
    case 'memory': {
      const container = host?.container?.memory?.utilization;
      if (finite(container)) return container;
      return finite(host?.memory?.utilization) ? host!.memory!.utilization : undefined;
    }
    case 'diskFree':
      return worst(list(host?.filesystems).map((f) => (finite(f?.utilization) ? 1 - f.utilization : undefined)), Math.min);
    case 'gpuUtilization':
      return worst(list(host?.gpus).map((g) => g?.utilization), Math.max);
    case 'gpuMemory':
      return worst(list(host?.gpus).map((g) => g?.memoryUtilization), Math.max);
    case 'eventLoopDelay':
      return finite(host?.eventLoop?.p99) ? host!.eventLoop!.p99 : undefined;
    case 'guardUtilization': {
      const v = guardUtilization.get(l.guard!);
      return finite(v) ? v : undefined;
    }
    case 'guardQueueWait': {
      const v = guardQueueWaitP99.get(l.guard!);
      return finite(v) ? v : undefined;
    }
  }
}

/** Judges a limit against its value now. */
export function judgeLimit(l: LimitThreshold, value: number | undefined): SlaCheck {
  const base = { id: l.id, kind: 'limit' as const, threshold: l.limit };
  const unit = (v: number) => (l.unit === 'ratio' ? `${(v * 100).toFixed(1)}%` : `${(v * 1000).toFixed(1)}ms`);
  if (value === undefined) return { ...base, status: 'no_data', detail: `${l.id}: no reading` };
  const violated = l.violatedWhen === 'above' ? value > l.limit : value < l.limit;
  return {
    ...base,
    status: violated ? 'violated' : 'met',
    value,
    detail: `${l.id}: ${unit(value)} (${l.violatedWhen === 'above' ? 'limit' : 'minimum'} ${unit(l.limit)})`,
  };
}
