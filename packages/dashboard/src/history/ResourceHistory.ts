import { RESOURCE_FIELDS, emptySample, type ResourceField, type ResourceSample } from './ResourceSample';

/** Bytes one stored sample takes: a time and one float per field. */
export const RESOURCE_ROW_BYTES = (RESOURCE_FIELDS.length + 1) * 8;

/** Resource figures over time, column by column, for charts and trends. */
export interface ResourceColumns {
  readonly t: number[];
  readonly values: Record<ResourceField, Array<number | null>>;
}

/**
 * A ring buffer of host samples in preallocated Float64Array columns: its memory is fixed at construction
 * (capacity x {@link RESOURCE_ROW_BYTES}) whatever runs for how long; the oldest sample is overwritten first.
 */
export class ResourceHistory {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly columns: Record<ResourceField, Float64Array>;
  private next = 0;
  private length = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.times = new Float64Array(this.capacity);
    this.columns = {} as Record<ResourceField, Float64Array>;
    for (const f of RESOURCE_FIELDS) this.columns[f] = new Float64Array(this.capacity);
  }

  /** How many samples are held. */
  get size(): number {
    return this.length;
  }

  /** Bytes held by the columns (fixed). */
  get bytes(): number {
    return this.capacity * RESOURCE_ROW_BYTES;
  }

  /** Appends a sample; one not newer than the newest is dropped (a repeated or out-of-order sample). */
  push(sample: ResourceSample): boolean {
    if (!Number.isFinite(sample.at)) return false;
    if (this.length > 0 && sample.at <= this.times[(this.next - 1 + this.capacity) % this.capacity]!) return false;
    this.times[this.next] = sample.at;
    for (const f of RESOURCE_FIELDS) {
      const v = sample[f];
      this.columns[f][this.next] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
    }
    this.next = (this.next + 1) % this.capacity;
    this.length = Math.min(this.length + 1, this.capacity);
    return true;
  }

  /** The newest sample, if any. */
  latest(): ResourceSample | undefined {
    return this.length === 0 ? undefined : this.row((this.next - 1 + this.capacity) % this.capacity);
  }

  /** Samples taken at or after `since` (ms), oldest first. */
  since(since: number): ResourceSample[] {
    const out: ResourceSample[] = [];
    for (let i = 0; i < this.length; i++) {
      const slot = (this.next - this.length + i + this.capacity) % this.capacity;
      if (this.times[slot]! >= since) out.push(this.row(slot));
    }
    return out;
  }

  /**
   * Samples since `since` for the analysis, at a bounded cost whatever the window: every sample of the last `denseMs`
   * (saturation looks at the last 5 min), older ones thinned evenly to at most `maxOlder` (enough for a trend line).
   */
  sinceForAnalysis(since: number, maxOlder = 720, denseMs = 10 * 60_000): ResourceSample[] {
    if (this.length === 0) return [];
    const slotAt = (i: number) => (this.next - this.length + i + this.capacity) % this.capacity;
    const denseFrom = this.times[slotAt(this.length - 1)]! - denseMs;
    let first = 0;
    while (first < this.length && this.times[slotAt(first)]! < since) first++;
    let dense = first;
    while (dense < this.length && this.times[slotAt(dense)]! < denseFrom) dense++;
    const step = Math.max(1, Math.ceil((dense - first) / Math.max(1, maxOlder)));
    const out: ResourceSample[] = [];
    for (let i = first; i < dense; i += step) out.push(this.row(slotAt(i)));
    for (let i = dense; i < this.length; i++) out.push(this.row(slotAt(i)));
    return out;
  }

  /** Samples since `since` as columns, thinned evenly to at most `maxPoints`; NaN becomes null (JSON). */
  columnsSince(since: number, maxPoints: number): ResourceColumns {
    const slotAt = (i: number) => (this.next - this.length + i + this.capacity) % this.capacity;
    let first = 0;
    while (first < this.length && this.times[slotAt(first)]! < since) first++;
    const n = this.length - first;
    const step = Math.max(1, Math.ceil(n / Math.max(1, maxPoints)));
    // Index-based: the newest sample is always kept, and no object is made for a sample that is not shown.
    const picked: number[] = [];
    for (let i = this.length - 1; i >= first; i -= step) picked.push(slotAt(i));
    picked.reverse();
    const values = {} as Record<ResourceField, Array<number | null>>;
    for (const f of RESOURCE_FIELDS) {
      const col = this.columns[f];
      values[f] = picked.map((slot) => (Number.isFinite(col[slot]!) ? col[slot]! : null));
    }
    return { t: picked.map((slot) => this.times[slot]!), values };
  }

  private row(slot: number): ResourceSample {
    const s = emptySample(this.times[slot]!);
    for (const f of RESOURCE_FIELDS) s[f] = this.columns[f][slot]!;
    return s;
  }
}
