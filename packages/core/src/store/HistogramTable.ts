import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import { escapeLabelValue, formatValue } from '../export/escape';

/** Where `@opentelemetry/api` 1.x keeps its globals (the context manager an app registers among them). */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
/** The API's registry of globals: made on the first registration and kept for the life of the process. */
type ApiGlobals = { context?: unknown };
let apiGlobals: ApiGlobals | undefined;
/** Records left before the registry is looked for again while there is none (a lookup on `globalThis` costs ~10 ns). */
let recheckIn = 0;
/** How often (in records) a missing registry is looked for: a context manager registered later is seen this soon. */
export const REGISTRY_RECHECK_RECORDS = 1024;

/**
 * Whether an app registered a context manager with `@opentelemetry/api` (if not, no span can be active). Two property
 * reads once the registry exists; before, one lookup every {@link REGISTRY_RECHECK_RECORDS} records.
 */
function hasContextManager(): boolean {
  if (apiGlobals === undefined) {
    if (--recheckIn > 0) return false;
    recheckIn = REGISTRY_RECHECK_RECORDS;
    apiGlobals = (globalThis as Record<symbol, ApiGlobals | undefined>)[OTEL_API_GLOBAL];
    if (apiGlobals === undefined) return false;
  }
  return apiGlobals.context !== undefined;
}

/** The latest exemplar of each bucket of one row (allocated on the row's first exemplar). */
export interface ExemplarRow {
  readonly traceIds: string[];
  readonly spanIds: string[];
  /** The value recorded, per bucket. */
  readonly values: Float64Array;
  /** When (ms since epoch), per bucket; 0 when the bucket has no exemplar. */
  readonly times: Float64Array;
}

// Layout of the fields after the bucket counts in a row. The record path reads these local names: a reference to an
// exported const compiles to a property load of `exports` (and a check of what it finds) on every call.
const SUM_CELL = 0;
const COUNT_CELL = 1;
const MIN_CELL = 2;
const MAX_CELL = 3;
/** Offset of the sum after a row's bucket counts. */
export const SUM = SUM_CELL;
/** Offset of the count after a row's bucket counts. */
export const COUNT = COUNT_CELL;
/** Fields after the bucket counts in a row copy (sum, count) and in the row itself (sum, count, min, max). */
const COPY_TAIL = 2;
const ROW_TAIL = 4;

/** Rows per chunk (a power of two): chunks never move, so growing never copies and wastes at most one chunk. */
const CHUNK_SHIFT = 7;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

/** What a row belongs to (its handle): label text and attributes shared by every row of one handle. */
export interface RowOwner {
  /** Prometheus label text, without braces. */
  readonly baseLabels: string;
  /** The same labels as OpenTelemetry attributes (built on demand, at collection time). */
  baseAttributes(): Record<string, string>;
  readonly type: string;
  readonly name: string;
  readonly isOverflow: boolean;
}

/** Outcome and error type of a row, with the label text they add (`,operation_outcome="success"`). */
export interface RowKind {
  readonly outcome: string;
  readonly errorType: string;
  readonly suffix: string;
}

/**
 * What the exposition writer reads from a set of histogram rows that share bucket boundaries: the store's
 * tables implement it, and so can rows aggregated from elsewhere (a cluster primary's merged view).
 */
export interface HistogramRowSource {
  /** Number of rows. */
  readonly size: number;
  /** Prometheus `le` text for each bucket, +Inf last: `,le="0.5"} `. */
  readonly leSuffix: readonly string[];
  /** Number of buckets (+Inf included); a row copy holds these per-bucket counts, then sum and count. */
  readonly tail: number;
  /** The latest exemplar per bucket of a row, if it has any (OpenMetrics writes them after the bucket lines). */
  exemplarsOf?(row: number): ExemplarRow | undefined;
  /** Copies one row (per-bucket counts, then sum and count) into `into`, so all its lines come from one instant. */
  copyRow(row: number, into: Float64Array): void;
  /** The row's label text without braces, e.g. `operation_type="download",operation_outcome="success"`. */
  rowLabels(row: number): string;
  /**
   * `open` followed by the row's label text (`name_bucket{operation_type="download",...`), kept between scrapes
   * by sources whose rows never change their labels; others leave it out and the writer concatenates.
   */
  rowPrefix?(row: number, open: string): string;
}

/** The kind of rows that carry no outcome (score histograms). */
export const PLAIN_ROW: RowKind = { outcome: '', errorType: '', suffix: '' };

/**
 * Histogram series that share one set of bucket boundaries, stored as rows of fixed-size Float64Array chunks
 * (struct of arrays): a row holds the per-bucket counts (the last one is +Inf), then sum, count, min and max.
 * Recording writes one row of one chunk; nothing is allocated or hashed. Label text is built once per handle and
 * outcome and shared by reference.
 */
export class HistogramTable implements HistogramRowSource {
  /** Upper bounds (seconds), excluding +Inf. */
  readonly bounds: Float64Array;
  /** Prometheus `le` text for each bucket, +Inf last: `,le="0.5"} `. */
  readonly leSuffix: readonly string[];
  /**
   * Numbers per row copy: the per-bucket counts, sum and count ({@link copyRow}, the cluster wire). A row in the
   * chunks holds min and max after them ({@link rowStride} numbers).
   */
  readonly stride: number;
  /** Numbers per row in the chunks: the per-bucket counts, sum, count, min and max. */
  readonly rowStride: number;
  /** Offset of the tail fields (sum, count, min, max) within a row. */
  readonly tail: number;
  /**
   * Row storage in chunks of {@link CHUNK_ROWS} rows. Min and max (OTLP's histogram min and max) are in the row,
   * not in arrays beside it, so that a record reads one chunk.
   */
  readonly chunks: Float64Array[] = [];
  /** Number of rows in use. */
  size = 0;
  /** Who owns each row. */
  readonly owners: RowOwner[] = [];
  /** What each row adds to its owner: outcome, error type and their label text (interned, shared). */
  readonly kinds: RowKind[] = [];

  /** Per row, `open` + its label text (see {@link rowPrefix}); made on the row's first scrape. */
  private readonly prefixes: string[] = [];
  private prefixOpen = '';

  /** Per row, the latest exemplar of each bucket; null when exemplars are off (the record path then skips them). */
  readonly exemplars: Array<ExemplarRow | undefined> | null;

  constructor(bounds: readonly number[], withExemplars = false) {
    this.exemplars = withExemplars ? [] : null;
    this.bounds = Float64Array.from(bounds);
    this.leSuffix = [...bounds.map((b) => `,le="${formatValue(b)}"} `), ',le="+Inf"} '];
    this.tail = bounds.length + 1;
    this.stride = this.tail + COPY_TAIL;
    this.rowStride = this.tail + ROW_TAIL;
  }

  /** Adds a row and returns its index. */
  addRow(owner: RowOwner, kind: RowKind): number {
    const row = this.size++;
    if ((row & CHUNK_MASK) === 0) this.chunks.push(new Float64Array(CHUNK_ROWS * this.rowStride));
    this.owners.push(owner);
    this.kinds.push(kind);
    const t = this.offsetOf(row) + this.tail;
    const d = this.chunkOf(row);
    d[t + MIN_CELL] = Infinity;
    d[t + MAX_CELL] = -Infinity;
    return row;
  }

  /** The chunk holding a row. */
  chunkOf(row: number): Float64Array {
    return this.chunks[row >>> CHUNK_SHIFT]!;
  }

  /** Offset of a row inside its chunk. */
  offsetOf(row: number): number {
    return (row & CHUNK_MASK) * this.rowStride;
  }

  /** Records one value (already validated) into a row. */
  record(row: number, value: number): void {
    const d = this.chunks[row >>> CHUNK_SHIFT]!;
    const offset = (row & CHUNK_MASK) * this.rowStride;
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    while (i < n && value > b[i]!) i++;
    d[offset + i]!++;
    const t = offset + n + 1;
    d[t + SUM_CELL]! += value;
    d[t + COUNT_CELL]!++;
    if (value < d[t + MIN_CELL]!) d[t + MIN_CELL] = value;
    if (value > d[t + MAX_CELL]!) d[t + MAX_CELL] = value;
    if (this.exemplars !== null) this.sampleExemplar(row, i, value);
  }

  /** Keeps the active span's trace and span id as the bucket's exemplar (whatever context manager the app registered). */
  private sampleExemplar(row: number, bucket: number, value: number): void {
    // `context.active()` checks the API version on every call (~90 ns a record): with no context manager registered
    // there is no span to find, and that is told for a few nanoseconds.
    if (!hasContextManager()) return;
    let sc: SpanContext;
    try {
      // The context manager and the span are the app's code: one that throws costs the exemplar, never the
      // operation (a throw here would reach the caller of track() and turn its resolved promise into a rejection).
      const span = trace.getSpan(context.active());
      if (span === undefined) return;
      sc = span.spanContext();
      if (!isSpanContextValid(sc)) return;
    } catch {
      return;
    }
    let ex = this.exemplars![row];
    if (ex === undefined) {
      const n = this.tail;
      ex = this.exemplars![row] = { traceIds: new Array<string>(n).fill(''), spanIds: new Array<string>(n).fill(''), values: new Float64Array(n), times: new Float64Array(n) };
    }
    ex.traceIds[bucket] = sc.traceId;
    ex.spanIds[bucket] = sc.spanId;
    ex.values[bucket] = value;
    ex.times[bucket] = Date.now();
  }

  exemplarsOf(row: number): ExemplarRow | undefined {
    return this.exemplars === null ? undefined : this.exemplars[row];
  }

  copyRow(row: number, into: Float64Array): void {
    const d = this.chunkOf(row);
    const off = this.offsetOf(row);
    for (let i = 0; i < this.stride; i++) into[i] = d[off + i]!;
  }

  rowLabels(row: number): string {
    return this.owners[row]!.baseLabels + this.kinds[row]!.suffix;
  }

  rowPrefix(row: number, open: string): string {
    // A row's owner and kind are fixed when it is added, so its text is made on its first scrape and kept (one flat
    // string per row, ~100 bytes): each scrape used to rebuild it, and the label text of the handle under it.
    if (open !== this.prefixOpen) {
      this.prefixOpen = open;
      this.prefixes.length = 0;
    }
    let prefix = this.prefixes[row];
    if (!prefix) {
      prefix = open + this.rowLabels(row);
      void ((prefix as unknown as number) | 0); // flattened once, so it is kept as one string rather than a tree
      while (this.prefixes.length < row) this.prefixes.push('');
      this.prefixes[row] = prefix;
    }
    return prefix;
  }

  /** Copies a row's bucket counts (per bucket, +Inf last), sum, count, min and max. */
  read(row: number): { counts: number[]; sum: number; count: number; min: number; max: number } {
    const d = this.chunkOf(row);
    const off = this.offsetOf(row);
    const t = off + this.tail;
    return { counts: Array.from(d.subarray(off, off + this.tail)), sum: d[t + SUM_CELL]!, count: d[t + COUNT_CELL]!, min: d[t + MIN_CELL]!, max: d[t + MAX_CELL]! };
  }
}

/** Builds `a="x",b="y"` from label pairs, escaping values. */
export function labelText(pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const [k, v] of pairs) out += `${out ? ',' : ''}${k}="${escapeLabelValue(v)}"`;
  return out;
}
