import { escapeLabelValue, formatValue } from '../export/escape';

/** Layout of one series inside a table row: bucket counts, then these fields. */
export const SUM = 0;
export const COUNT = 1;
export const MIN = 2;
export const MAX = 3;
const TAIL = 4;

/** What a row belongs to: label text and attributes shared by every row of one handle. */
export interface RowOwner {
  /** Prometheus label text, without braces. */
  readonly baseLabels: string;
  /** The same labels as OpenTelemetry attributes. */
  readonly baseAttributes: Readonly<Record<string, string>>;
  readonly type: string;
  readonly name: string;
  readonly isOverflow: boolean;
}

/**
 * Histogram series that share one set of bucket boundaries, stored as rows of one Float64Array
 * (struct of arrays): a row holds the per-bucket counts (the last one is +Inf), sum, count, min and max.
 * Recording writes one row; nothing is allocated or hashed. Label text is built once per handle and per outcome, and shared by reference.
 */
export class HistogramTable {
  /** Upper bounds (seconds), excluding +Inf. */
  readonly bounds: Float64Array;
  /** Prometheus `le` text for each bucket, +Inf last: `,le="0.5"} `. */
  readonly leSuffix: readonly string[];
  /** Numbers per row. */
  readonly stride: number;
  /** Offset of the tail fields within a row. */
  readonly tail: number;
  /** Row storage; replaced (copied) when it grows, so readers must not keep a reference across calls. */
  data: Float64Array;
  /** Number of rows in use. */
  size = 0;
  /** Who owns each row (its handle): the label text and attributes it shares with its siblings. */
  readonly owners: RowOwner[] = [];
  /** Label text each row adds to its owner's, e.g. `,operation_outcome="success"` (shared, interned strings). */
  readonly suffixes: string[] = [];
  /** Outcome of each row ('' for score tables). */
  readonly outcomes: string[] = [];
  /** `error.type` of each row ('' when none). */
  readonly errorTypes: string[] = [];

  constructor(bounds: readonly number[], initialRows = 8) {
    this.bounds = Float64Array.from(bounds);
    this.leSuffix = [...bounds.map((b) => `,le="${formatValue(b)}"} `), ',le="+Inf"} '];
    this.tail = bounds.length + 1;
    this.stride = this.tail + TAIL;
    this.data = new Float64Array(this.stride * initialRows);
  }

  /** Adds a row and returns its offset into {@link data}. */
  addRow(owner: RowOwner, suffix: string, outcome = '', errorType = ''): number {
    if ((this.size + 1) * this.stride > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const offset = this.size * this.stride;
    this.data[offset + this.tail + MIN] = Infinity;
    this.data[offset + this.tail + MAX] = -Infinity;
    this.size++;
    this.owners.push(owner);
    this.suffixes.push(suffix);
    this.outcomes.push(outcome);
    this.errorTypes.push(errorType);
    return offset;
  }

  /** Records one value (already validated) into the row at `offset`. */
  record(offset: number, value: number): void {
    const d = this.data;
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    while (i < n && value > b[i]!) i++;
    d[offset + i]!++;
    const t = offset + this.tail;
    d[t + SUM]! += value;
    d[t + COUNT]!++;
    if (value < d[t + MIN]!) d[t + MIN] = value;
    if (value > d[t + MAX]!) d[t + MAX] = value;
  }
}

/** Builds `a="x",b="y"` from label pairs, escaping values. */
export function labelText(pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [k, v] of pairs) out += `${out ? ',' : ''}${k}="${escapeLabelValue(v)}"`;
  return out;
}
