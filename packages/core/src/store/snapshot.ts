import { DROP_REASONS, type DropReason, type Outcome } from '../names';
import { FIGURE } from '../operations/figures';
import type { ActiveOperation } from '../types';
import { isDue, runAtOnce, runSliced } from './steps';
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
 * is the longest synchronous turn of the dashboard's reports. One synchronous pass, so one instant for the whole store,
 * but it holds the event loop for as long as it takes: 130-240 ms at 100,000 series on Node 20 (2-vCPU VM, 2026-12-02);
 * {@link snapshotStoreSliced} yields instead.
 */
export function snapshotStore(store: OperationStore): StoreSnapshot {
  return runAtOnce((isOverBudget) => snapshotSteps(store, isOverBudget));
}

/** Longest a slice of {@link snapshotStoreSliced} runs before it yields (ms), as a scrape's (SCRAPE_SLICE_MS). */
export const SNAPSHOT_SLICE_MS = 1;

/**
 * The same copy as {@link snapshotStore}, taken in slices of at most `sliceMs` (checked every 64 rows) with a turn of
 * the event loop between them, as a scrape is written: each series' buckets, count and sum come from one instant,
 * the snapshot as a whole does not (`takenAt` is when the last slice ended; rows created meanwhile are in it). For
 * periodic readers of large stores (the dashboard's history, its reports): a synchronous snapshot of 100,000 series
 * held the loop 130-240 ms.
 */
export function snapshotStoreSliced(store: OperationStore, sliceMs = SNAPSHOT_SLICE_MS): Promise<StoreSnapshot> {
  return runSliced((isOverBudget) => snapshotSteps(store, isOverBudget), sliceMs);
}

/** The snapshot, yielding whenever `isOverBudget` says so at a check (never, for the synchronous one). */
function* snapshotSteps(store: OperationStore, isOverBudget: () => boolean): Generator<void, StoreSnapshot, void> {
  const series: SeriesSnapshot[] = [];
  for (const table of store.durationTables()) {
    const bounds = Array.from(table.bounds);
    for (let r = 0; r < table.size; r++) {
      if (isDue(r, isOverBudget)) yield;
      series.push(seriesOf(table, r, bounds));
    }
  }
  const figures: Array<{ type: string; name: string; values: FigureValues }> = [];
  const handles = store.handles;
  for (let i = 0; i < handles.length; i++) {
    if (isDue(i, isOverBudget)) yield;
    const h = handles[i]!;
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

/** One series of row `r` of `table` (`bounds`: the table's, shared by its series). */
function seriesOf(table: HistogramTable, r: number, bounds: readonly number[]): SeriesSnapshot {
  const buckets = table.tail;
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
  return kind.errorType
    ? { type: owner.type, name: owner.name, outcome, errorType: kind.errorType, isOverflow: owner.isOverflow, bounds, counts, count, sum }
    : { type: owner.type, name: owner.name, outcome, isOverflow: owner.isOverflow, bounds, counts, count, sum };
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
