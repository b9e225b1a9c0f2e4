import type { OperationHandle } from '../operations/OperationHandle';
import type { HistogramTable } from '../store/HistogramTable';

/** Where one of a reporter's rows lands in this store, and how its buckets map onto ours (null: the same). */
export interface RowTarget {
  readonly table: HistogramTable;
  readonly row: number;
  readonly buckets: Int32Array | null;
}

/** One of a reporter's tables as announced, resolved and last reported. */
export interface SourceTable {
  bounds: number[];
  /** Announced rows: owner handle index, outcome, error type. */
  readonly meta: Array<readonly [number, string, string]>;
  /** Resolved targets (undefined: not resolved yet, null: dropped). */
  readonly targets: Array<RowTarget | null | undefined>;
  /** Every cell's cumulative value as last reported (row * stride + cell), to add only what grew. */
  last: Float64Array<ArrayBufferLike>;
}

/** What the aggregator remembers about one reporter. */
export class SourceState {
  /** Announced handles: type, name, overflow. */
  readonly handles: Array<readonly [string, string, 0 | 1]> = [];
  /** Resolved handles (undefined: not yet, null: cannot be recorded here). */
  readonly resolved: Array<OperationHandle | null | undefined> = [];
  readonly tables = new Map<number, SourceTable>();
  readonly scores = new Map<number, SourceTable>();
  /** Every handle's figure slots and mask as last reported (handle * (FIGURE_SLOTS + 1) + slot). */
  lastFigures: Float64Array<ArrayBufferLike> = new Float64Array(0);
  readonly lastDrops = new Map<string, number>();
  /** This reporter's running operations, as added to our handles' active counts. */
  active = new Map<OperationHandle, number>();
  /** The last report referred to announcements we never saw: ask for a full one. */
  needsFull = false;
  /** The configuration differences already said (one line each). */
  readonly configSaid = new Set<string>();

  constructor(readonly label: string) {}
}

/** A report this store cannot take: the reason goes to the diagnostic line. */
export class BadReportError extends Error {}

