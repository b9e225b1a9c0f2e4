import { DROP_REASONS, type DropReason, type Outcome } from '../names';
import { FIGURE } from '../operations/figures';
import type { ActiveOperation } from '../types';
import { COUNT, SUM, type HistogramTable } from './HistogramTable';
import type { OperationStore } from './OperationStore';

/** One duration series, copied out of the store. Counts are per bucket (not cumulative), +Inf last. */
export interface SeriesSnapshot {
  readonly type: string;
  readonly name: string;
  readonly outcome: Outcome;
  readonly errorType?: string;
  readonly isOverflow: boolean;
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** Counter figures of one operation type and name (see `OperationContext`). */
export type FigureValues = { -readonly [K in keyof typeof FIGURE]: number };

/** A consistent copy of the whole store, for analysis, SLA evaluation and history. */
export interface StoreSnapshot {
  /** When it was taken (ms since epoch). */
  readonly takenAt: number;
  /** When the store started counting (ms since epoch). */
  readonly startedAt: number;
  readonly series: readonly SeriesSnapshot[];
  readonly active: readonly ActiveOperation[];
  readonly figures: ReadonlyArray<{ readonly type: string; readonly name: string; readonly values: FigureValues }>;
  readonly drops: Readonly<Record<DropReason, number>>;
}

/** The figure names and their slots, listed once (not per handle and snapshot). */
const FIGURE_SLOTS = Object.entries(FIGURE) as Array<[keyof FigureValues, number]>;

/**
 * Copies the store's current cumulative state. Costs one pass over every row; not for the record path. The rows are
 * read straight out of their tables' chunks (no per-row view, intermediate object or spread): at 2,000 series this
 * is the longest synchronous turn of the dashboard's reports.
 */
export function snapshotStore(store: OperationStore): StoreSnapshot {
  const series: SeriesSnapshot[] = [];
  for (const table of store.durationTables()) tableSeries(table, series);
  const figures: Array<{ type: string; name: string; values: FigureValues }> = [];
  for (const h of store.handles) {
    const slots = h.figures;
    if (!slots) continue;
    const values = {} as FigureValues;
    for (const [key, slot] of FIGURE_SLOTS) values[key] = slots[slot]!;
    figures.push({ type: h.type, name: h.name, values });
  }
  const drops = {} as Record<DropReason, number>;
  DROP_REASONS.forEach((r, i) => (drops[r] = store.drops[i]!));
  return { takenAt: Date.now(), startedAt: store.startedAt, series, active: store.activeOperations(), figures, drops };
}

/** Appends one series per row of `table` to `out`. */
function tableSeries(table: HistogramTable, out: SeriesSnapshot[]): void {
  const bounds = Array.from(table.bounds);
  const buckets = table.tail;
  for (let r = 0; r < table.size; r++) {
    const d = table.chunkOf(r);
    const off = table.offsetOf(r);
    const counts: number[] = [];
    for (let i = 0; i < buckets; i++) counts.push(d[off + i]!);
    const owner = table.owners[r]!;
    const kind = table.kinds[r]!;
    const count = d[off + buckets + COUNT]!;
    const sum = d[off + buckets + SUM]!;
    const outcome = kind.outcome as Outcome;
    // Two literal shapes, keys in the same order as before (errorType only on rows that have one).
    out.push(
      kind.errorType
        ? { type: owner.type, name: owner.name, outcome, errorType: kind.errorType, isOverflow: owner.isOverflow, bounds, counts, count, sum }
        : { type: owner.type, name: owner.name, outcome, isOverflow: owner.isOverflow, bounds, counts, count, sum },
    );
  }
}

/**
 * The q-quantile (0..1) of a bucketed distribution, interpolated linearly inside the bucket as Prometheus's
 * `histogram_quantile` does. Returns NaN for an empty distribution; the highest finite bound if it falls in +Inf.
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0) || !(q >= 0 && q <= 1)) return NaN;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    const next = cumulative + counts[i]!;
    if (next >= rank && counts[i]! > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? NaN;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - cumulative) / counts[i]!);
    }
    cumulative = next;
  }
  return bounds[bounds.length - 1] ?? NaN;
}
