import { mergeDistributions, quantileOrNull, sameBounds } from './histograms';
import type { KeptSnapshot } from './KeptSnapshot';
import { deltas, type RatePoint } from './windowStats';

/** Per-bucket counts (+Inf last) on one list of bucket bounds. */
interface BucketCounts {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
}

/**
 * What one operation type did in one rollup period: per-bucket counts, operations, failures. The counts are kept per
 * distinct bounds list (one, unless a view gives some names of the type buckets of their own): counts on other bounds
 * added index by index would land in buckets that mean other durations.
 */
interface TypeTotals {
  readonly distributions: BucketCounts[];
  total: number;
  failures: number;
}

/** One rollup period, `from` (exclusive) to `to` (inclusive), per operation type. */
export interface RollupRow {
  readonly from: number;
  to: number;
  readonly byType: Map<string, TypeTotals>;
}

const HOUR_MS = 3_600_000;
/** Hour rows kept: the longest window a query may ask for (31 d), plus the hour in progress. */
export const MAX_HOUR_ROWS = 31 * 24 + 1;
/** Bytes a row costs besides its counts (map, objects), for the budget estimate. */
const ROW_OVERHEAD_BYTES = 200;

/**
 * Operation history pre-aggregated per operation type, at the snapshot interval (per minute by default) and per hour:
 * the charts of any window up to 31 d read at most a few hundred rows of a few types instead of diffing every
 * series of every kept snapshot. A row is folded once, when its snapshot is taken (one pass over the series).
 */
export class OperationRollups {
  private readonly periods: RollupRow[] = [];
  private readonly hours: RollupRow[] = [];
  /** Whether period rows were ever dropped (until then they hold all history, however young). */
  private hasEvicted = false;

  constructor(private readonly maxPeriodRows: number) {}

  /** Period rows held (at the snapshot interval). */
  get periodRows(): number {
    return this.periods.length;
  }

  /** Hour rows held. */
  get hourRows(): number {
    return this.hours.length;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    let n = 0;
    for (const list of [this.periods, this.hours]) {
      for (const r of list) for (const t of r.byType.values()) n += t.distributions.reduce((bytes, d) => bytes + d.counts.byteLength, ROW_OVERHEAD_BYTES);
    }
    return n;
  }

  /** Folds what happened between two consecutive snapshots (`previous` undefined: since the store started). */
  add(previous: KeptSnapshot | undefined, next: KeptSnapshot): void {
    const from = previous ? previous.takenAt : next.startedAt;
    if (!(next.takenAt > from)) return;
    const row: RollupRow = { from, to: next.takenAt, byType: new Map() };
    for (const d of deltas(next, previous)) {
      let t = row.byType.get(d.type);
      if (!t) row.byType.set(d.type, (t = { distributions: [], total: 0, failures: 0 }));
      const counts = countsOn(t, d.bounds);
      for (let i = 0; i < d.counts.length; i++) counts[i] += d.counts[i]!;
      t.total += d.count;
      if (d.outcome !== 'success') t.failures += d.count;
    }
    this.periods.push(row);
    if (this.periods.length > this.maxPeriodRows) {
      this.periods.shift();
      this.hasEvicted = true;
    }
    // A row belongs to the hour its end falls in (a row ending exactly on the hour closes the hour before).
    const hourOf = (t: number) => Math.floor((t - 1) / HOUR_MS);
    let hour = this.hours[this.hours.length - 1];
    if (!hour || hourOf(hour.to) !== hourOf(row.to)) {
      hour = { from: row.from, to: row.to, byType: new Map() };
      this.hours.push(hour);
      if (this.hours.length > MAX_HOUR_ROWS) this.hours.shift();
    }
    hour.to = row.to;
    fold(hour, row);
  }

  /**
   * Rates and latency quantiles of the rows that end after `since`, at most `maxPoints` (neighbouring rows merged):
   * period rows while they reach back far enough, else hour rows followed by the period rows of the hour in progress.
   */
  points(since: number, maxPoints: number, type?: string): RatePoint[] {
    return this.pointRows(since, maxPoints).map((rows) => rollupPoint(rows, type));
  }

  /** The rows each point of {@link points} merges, oldest point first (so a caller can compute the points in slices). */
  pointRows(since: number, maxPoints: number): RollupRow[][] {
    const oldestPeriod = this.periods[0];
    let rows: RollupRow[];
    if (oldestPeriod && (!this.hasEvicted || oldestPeriod.from <= since)) rows = this.periods.filter((r) => r.to > since);
    else {
      const hours = this.hours.filter((r) => r.to > since);
      const lastFullHour = hours.length > 1 ? hours[hours.length - 2]!.to : -Infinity;
      // The hour in progress comes at the finer resolution when the period rows hold it.
      const current = this.periods.filter((r) => r.from >= lastFullHour && r.to > since);
      rows = current.length && oldestPeriod && oldestPeriod.from <= lastFullHour ? [...hours.slice(0, -1), ...current] : hours;
    }
    const step = Math.max(1, Math.ceil(rows.length / Math.max(1, maxPoints)));
    const out: RollupRow[][] = [];
    // Grouped from the newest back, so the newest row always ends a point.
    for (let end = rows.length; end > 0; end -= step) out.push(rows.slice(Math.max(0, end - step), end));
    return out.reverse();
  }
}

/** The type's counts on `bounds`, created (zero) the first time those bounds are seen. */
function countsOn(t: TypeTotals, bounds: readonly number[]): Float64Array {
  for (const d of t.distributions) if (sameBounds(d.bounds, bounds)) return d.counts;
  const counts = new Float64Array(bounds.length + 1);
  t.distributions.push({ bounds, counts });
  return counts;
}

function fold(into: RollupRow, row: RollupRow): void {
  for (const [type, t] of row.byType) {
    let target = into.byType.get(type);
    if (!target) into.byType.set(type, (target = { distributions: [], total: 0, failures: 0 }));
    for (const d of t.distributions) {
      const counts = countsOn(target, d.bounds);
      for (let i = 0; i < d.counts.length; i++) counts[i] += d.counts[i]!;
    }
    target.total += t.total;
    target.failures += t.failures;
  }
}

/** Rates and latency quantiles of consecutive rollup rows merged into one point (optionally of one type). */
export function rollupPoint(rows: readonly RollupRow[], type: string | undefined): RatePoint {
  const merged: RollupRow = { from: rows[0]!.from, to: rows[rows.length - 1]!.to, byType: new Map() };
  for (const r of rows) fold(merged, r);
  const seconds = (merged.to - merged.from) / 1000;
  let total = 0;
  let failures = 0;
  const parts: BucketCounts[] = [];
  for (const [t, v] of merged.byType) {
    if (type !== undefined && t !== type) continue;
    total += v.total;
    failures += v.failures;
    parts.push(...v.distributions);
  }
  const distribution = mergeDistributions(parts);
  return {
    t: merged.to,
    operationsPerSecond: total / seconds,
    failuresPerSecond: failures / seconds,
    p50Seconds: quantileOrNull(0.5, distribution),
    p95Seconds: quantileOrNull(0.95, distribution),
    p99Seconds: quantileOrNull(0.99, distribution),
  };
}
