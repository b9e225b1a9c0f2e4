import type { Outcome } from '@perfkit/core';
import { mergeDistributions, quantileOrNull } from './histograms';
import type { KeptSnapshot } from './KeptSnapshot';

/** What happened to one series between two snapshots. */
export interface SeriesDelta {
  readonly type: string;
  readonly name: string;
  readonly outcome: Outcome;
  readonly errorType: string;
  readonly bounds: readonly number[];
  readonly counts: number[];
  readonly count: number;
  readonly sum: number;
}

/** Figures of a group of operations in a window. */
export interface OperationStats {
  readonly total: number;
  readonly successes: number;
  /** Operations that did not succeed (any outcome but `success`). */
  readonly failures: number;
  readonly byOutcome: Record<string, number>;
  /** Failures by `error.type`, largest first. */
  readonly errorTypes: Array<{ errorType: string; count: number }>;
  readonly successRate: number | null;
  readonly failureRate: number | null;
  readonly averageSeconds: number | null;
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
  readonly p99Seconds: number | null;
  /** The distribution itself, for other quantiles. */
  readonly distribution: { readonly bounds: readonly number[]; readonly counts: number[] };
}

/**
 * `current - baseline` per series (a missing baseline counts as zero; a counter that went back counts as zero), of the
 * series in slots `from` to `to` (exclusive) of `current`'s layout: all of them by default.
 */
export function deltas(current: KeptSnapshot, baseline: KeptSnapshot | undefined, from = 0, to = current.layout.slots.length, out: SeriesDelta[] = []): SeriesDelta[] {
  const sameLayout = baseline?.layout === current.layout;
  const cur = current.data;
  const base = baseline?.data;
  const slots = current.layout.slots;
  const end = Math.min(to, slots.length);
  // Plain loops over the Float64Arrays: this runs over every series for every windowed answer.
  for (let s = Math.max(0, from); s < end; s++) {
    const slot = slots[s]!;
    const n = slot.bounds.length + 1;
    const bSlot = !baseline ? undefined : sameLayout ? slot : baseline.layout.byKey.get(slot.key);
    const b = base && bSlot && bSlot.bounds.length === slot.bounds.length ? bSlot.offset : -1;
    const off = slot.offset;
    const count = cur[off + n]! - (b >= 0 ? base![b + n]! : 0);
    if (!(count > 0)) continue;
    const counts = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const v = cur[off + i]! - (b >= 0 ? base![b + i]! : 0);
      counts[i] = v > 0 ? v : 0;
    }
    const sum = cur[off + n + 1]! - (b >= 0 ? base![b + n + 1]! : 0);
    out.push({ type: slot.type, name: slot.name, outcome: slot.outcome, errorType: slot.errorType, bounds: slot.bounds, counts, count, sum: sum > 0 ? sum : 0 });
  }
  return out;
}

/** Aggregates deltas into {@link OperationStats}. */
export function statsOf(parts: readonly SeriesDelta[]): OperationStats {
  let total = 0;
  let successes = 0;
  let sum = 0;
  const byOutcome: Record<string, number> = {};
  const errors = new Map<string, number>();
  for (const p of parts) {
    total += p.count;
    sum += p.sum;
    byOutcome[p.outcome] = (byOutcome[p.outcome] ?? 0) + p.count;
    if (p.outcome === 'success') successes += p.count;
    else {
      const key = p.errorType || p.outcome;
      errors.set(key, (errors.get(key) ?? 0) + p.count);
    }
  }
  const distribution = mergeDistributions(parts);
  const failures = total - successes;
  return {
    total,
    successes,
    failures,
    byOutcome,
    errorTypes: errorTypesOf(errors),
    successRate: total > 0 ? successes / total : null,
    failureRate: total > 0 ? failures / total : null,
    averageSeconds: total > 0 ? sum / total : null,
    p50Seconds: quantileOrNull(0.5, distribution),
    p95Seconds: quantileOrNull(0.95, distribution),
    p99Seconds: quantileOrNull(0.99, distribution),
    distribution,
  };
}

function errorTypesOf(errors: Map<string, number>): Array<{ errorType: string; count: number }> {
  if (errors.size === 0) return [];
  const out: Array<{ errorType: string; count: number }> = [];
  for (const [errorType, count] of errors) out.push({ errorType, count });
  if (out.length > 1) out.sort((a, b) => b.count - a.count);
  return out;
}

/** Groups deltas by a key and aggregates each group. */
export function statsBy(parts: readonly SeriesDelta[], keyOf: (d: SeriesDelta) => string): Map<string, OperationStats> {
  const groups = new Map<string, SeriesDelta[]>();
  for (const p of parts) {
    const k = keyOf(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return new Map([...groups].map(([k, g]) => [k, statsOf(g)]));
}

/** One point of the operation charts: what happened between two consecutive snapshots. */
export interface RatePoint {
  readonly t: number;
  readonly operationsPerSecond: number;
  readonly failuresPerSecond: number;
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
  readonly p99Seconds: number | null;
}

/** Rates and latency quantiles between consecutive snapshots (optionally of one type). */
export function rateSeries(snapshots: readonly KeptSnapshot[], type?: string): RatePoint[] {
  const out: RatePoint[] = [];
  for (let i = 1; i < snapshots.length; i++) {
    const a = snapshots[i - 1]!;
    const b = snapshots[i]!;
    const seconds = (b.takenAt - a.takenAt) / 1000;
    if (!(seconds > 0)) continue;
    const d = deltas(b, a).filter((x) => type === undefined || x.type === type);
    const s = statsOf(d);
    out.push({ t: b.takenAt, operationsPerSecond: s.total / seconds, failuresPerSecond: s.failures / seconds, p50Seconds: s.p50Seconds, p95Seconds: s.p95Seconds, p99Seconds: s.p99Seconds });
  }
  return out;
}
