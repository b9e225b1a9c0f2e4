import { DROP_REASONS, type DropReason, type Outcome } from '../names';
import { FIGURE } from '../operations/figures';
import type { ActiveOperation } from '../types';
import type { HistogramTable } from './HistogramTable';
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

/** Copies the store's current cumulative state. Costs one pass over every row; not for the record path. */
export function snapshotStore(store: OperationStore): StoreSnapshot {
  const series: SeriesSnapshot[] = [];
  for (const table of store.durationTables()) series.push(...tableSeries(table));
  const figures: Array<{ type: string; name: string; values: FigureValues }> = [];
  for (const h of store.handles) {
    if (!h.figures) continue;
    const values = {} as FigureValues;
    for (const [key, slot] of Object.entries(FIGURE)) values[key as keyof FigureValues] = h.figures[slot]!;
    figures.push({ type: h.type, name: h.name, values });
  }
  const drops = {} as Record<DropReason, number>;
  DROP_REASONS.forEach((r, i) => (drops[r] = store.drops[i]!));
  return { takenAt: Date.now(), startedAt: store.startedAt, series, active: store.activeOperations(), figures, drops };
}

function tableSeries(table: HistogramTable): SeriesSnapshot[] {
  const out: SeriesSnapshot[] = [];
  const bounds = Array.from(table.bounds);
  for (let r = 0; r < table.size; r++) {
    const owner = table.owners[r]!;
    const kind = table.kinds[r]!;
    const { counts, sum, count } = table.read(r);
    out.push({
      type: owner.type,
      name: owner.name,
      outcome: kind.outcome as Outcome,
      ...(kind.errorType ? { errorType: kind.errorType } : {}),
      isOverflow: owner.isOverflow,
      bounds,
      counts,
      count,
      sum,
    });
  }
  return out;
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
