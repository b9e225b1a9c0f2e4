import { DROP_REASONS } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import type { OperationHandle } from '../operations/OperationHandle';
import type { HistogramTable } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
import { isDue, runAtOnce, runSliced } from '../store/steps';
import { encodeNumbers, type WireReport, type WireTable } from './protocol';

/** Doubles per changed handle in {@link WireReport.figures}: its index, the figure slots, the figure mask. */
export const FIGURE_ROW = FIGURE_SLOTS + 2;

/** Bit masks per changed row of a table whose rows have `stride` cells. */
export function maskWords(stride: number): number {
  return (stride + 31) >>> 5;
}

/** What the aggregator is known to hold of one table: announced rows and every cell's value. */
interface TableBaseline {
  readonly id: number;
  announced: number;
  cells: Float64Array<ArrayBufferLike>;
}

/** A report sent and not acknowledged yet: what it carried, to become the baseline once it is. */
interface Pending {
  readonly handles: number;
  readonly tables: Array<{ baseline: TableBaseline; announced: number; stride: number; index: Uint32Array; data: Float64Array }>;
  readonly figures: Float64Array;
}

/** Reports kept waiting for their acknowledgement; an older one acknowledged late is simply not used. */
const MAX_PENDING = 8;

/**
 * Builds a worker's reports from its store: only what changed since the report the aggregator last acknowledged,
 * as cumulative values per cell. Handles and rows are announced until a report that announced them is
 * acknowledged. A report that is lost, refused or garbled changes nothing: the next one is built against the same
 * baseline and carries the same cells with newer totals, and a report merged twice adds nothing the second time.
 */
export class StoreReporter {
  private readonly handleIndex = new Map<OperationHandle, number>();
  private ackedHandles = 0;
  private readonly tables = new Map<HistogramTable, TableBaseline>();
  private readonly scoreBaselines: [TableBaseline, TableBaseline] = [
    { id: 0, announced: 0, cells: new Float64Array(0) },
    { id: 1, announced: 0, cells: new Float64Array(0) },
  ];
  private ackedFigures: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(private readonly store: OperationStore) {}

  /** The report now, in one pass; `full` announces everything again and carries every non-zero number. */
  build(full: boolean): WireReport {
    return runAtOnce((isOverBudget) => this.steps(full, isOverBudget));
  }

  /**
   * The same report built in slices of at most `sliceMs` with a turn of the event loop between them: a worker with
   * 10,000 changed series spent 4-13 ms in one pass (100,000: ~100 ms) at every push. A row read in a later slice
   * carries newer cumulative values, which is all a report promises; rows and handles created meanwhile wait for the
   * next report. Builds must not overlap (the caller runs them one after the other): a later report overtaken by an
   * earlier one would set older values.
   */
  buildSliced(full: boolean, sliceMs = REPORT_SLICE_MS): Promise<WireReport> {
    return runSliced((isOverBudget) => this.steps(full, isOverBudget), sliceMs);
  }

  private *steps(full: boolean, isOverBudget: () => boolean): Generator<void, WireReport, void> {
    const store = this.store;
    const seq = this.seq++;
    const all = store.handles;
    // What exists now is what this report covers: read once, before the first yield.
    const handleCount = all.length;
    const handlesFrom = full ? 0 : this.ackedHandles;
    const handles: Array<[string, string, 0 | 1]> = [];
    for (let i = handlesFrom; i < handleCount; i++) {
      const h = all[i]!;
      this.handleIndex.set(h, i);
      handles.push([h.type, h.name, h.isOverflow ? 1 : 0]);
      const table = h.state.table;
      if (!this.tables.has(table)) this.tables.set(table, { id: this.tables.size, announced: 0, cells: new Float64Array(0) });
    }
    const durationTables = [...this.tables].map(([table, baseline]) => [table, baseline, table.size] as const);
    const scoreTables = store.scoreTables.map((table, i) => [table, this.scoreBaselines[i]!, table.size] as const);
    const pending: Pending = { handles: handleCount, tables: [], figures: new Float64Array(0) };
    const tables: WireTable[] = [];
    for (const [table, baseline, size] of durationTables) tables.push(yield* this.table(table, baseline, size, full, true, pending, isOverBudget));
    const scores: WireTable[] = [];
    for (const [table, baseline, size] of scoreTables) scores.push(yield* this.table(table, baseline, size, full, false, pending, isOverBudget));

    const figures: number[] = [];
    const active: Array<[number, number]> = [];
    const acked = this.ackedFigures;
    for (let i = 0; i < handleCount; i++) {
      if (isDue(i, isOverBudget)) yield;
      const h = all[i]!;
      if (h.active > 0) active.push([i, h.active]);
      const f = h.figures;
      if (!f) continue;
      const at = i * (FIGURE_SLOTS + 1);
      const mask = h.figureMask;
      let changed = full || at + FIGURE_SLOTS >= acked.length || acked[at + FIGURE_SLOTS] !== mask;
      for (let s = 0; s < FIGURE_SLOTS && !changed; s++) changed = f[s] !== acked[at + s];
      if (!changed) continue;
      figures.push(i);
      for (let s = 0; s < FIGURE_SLOTS; s++) figures.push(f[s]!);
      figures.push(mask);
    }
    const figureBlock = Float64Array.from(figures);
    (pending as { figures: Float64Array }).figures = figureBlock;
    this.remember(seq, pending);
    const drops = DROP_REASONS.map((reason, i) => [reason, store.drops[i]!] as const);
    return { seq, full, handlesFrom, handles, tables, scores, figures: encodeNumbers(figureBlock), active, drops, sdk: [] };
  }

  /** The aggregator merged report `seq`: what it carried becomes the baseline of the next reports. */
  ack(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    for (const key of [...this.pending.keys()]) if (key <= seq) this.pending.delete(key);
    this.ackedHandles = Math.max(this.ackedHandles, p.handles);
    for (const t of p.tables) {
      const b = t.baseline;
      b.announced = Math.max(b.announced, t.announced);
      const words = maskWords(t.stride);
      let v = 0;
      for (let e = 0; e < t.index.length; e += 1 + words) {
        const base = t.index[e]! * t.stride;
        if (base + t.stride > b.cells.length) b.cells = grow(b.cells, base + t.stride);
        for (let c = 0; c < t.stride; c++) if ((t.index[e + 1 + (c >>> 5)]! >>> (c & 31)) & 1) b.cells[base + c] = t.data[v++]!;
      }
    }
    const f = p.figures;
    for (let e = 0; e < f.length; e += FIGURE_ROW) {
      const at = f[e]! * (FIGURE_SLOTS + 1);
      if (at + FIGURE_SLOTS + 1 > this.ackedFigures.length) this.ackedFigures = grow(this.ackedFigures, at + FIGURE_SLOTS + 1);
      this.ackedFigures.set(f.subarray(e + 1, e + FIGURE_ROW), at);
    }
  }

  private remember(seq: number, pending: Pending): void {
    this.pending.set(seq, pending);
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
  }

  /** One table's rows below `size` (its size when the report started), yielding at a check when `isOverBudget` says so. */
  private *table(
    table: HistogramTable,
    baseline: TableBaseline,
    size: number,
    full: boolean,
    withKind: boolean,
    pending: Pending,
    isOverBudget: () => boolean,
  ): Generator<void, WireTable, void> {
    const from = full ? 0 : baseline.announced;
    const rows: Array<[number, string, string]> = [];
    for (let r = from; r < size; r++) {
      const owner = this.handleIndex.get(table.owners[r] as OperationHandle) ?? -1;
      const kind = table.kinds[r]!;
      rows.push(withKind ? [owner, kind.outcome, kind.errorType] : [owner, '', '']);
    }
    const stride = table.stride;
    const words = maskWords(stride);
    const acked = full ? EMPTY : baseline.cells;
    const index: number[] = [];
    const data: number[] = [];
    const counts: number[] = [];
    const sums: number[] = [];
    const sumCell = stride - 2;
    let wide = false;
    const masks = new Uint32Array(words);
    for (let r = 0; r < size; r++) {
      if (isDue(r, isOverBudget)) yield;
      const chunk = table.chunkOf(r);
      const off = table.offsetOf(r);
      const base = r * stride;
      const known = base + stride <= acked.length;
      masks.fill(0);
      let any = false;
      for (let c = 0; c < stride; c++) {
        const value = chunk[off + c]!;
        if (value === (known ? acked[base + c]! : 0)) continue;
        masks[c >>> 5]! |= 1 << (c & 31);
        data.push(value);
        if (c === sumCell) sums.push(value);
        else {
          counts.push(value);
          if (value > 0xffffffff || !Number.isInteger(value)) wide = true;
        }
        any = true;
      }
      if (!any) continue;
      index.push(r);
      for (let w = 0; w < words; w++) index.push(masks[w]!);
    }
    const indexBlock = Uint32Array.from(index);
    const dataBlock = Float64Array.from(data);
    pending.tables.push({ baseline, announced: size, stride, index: indexBlock, data: dataBlock });
    const countBlock = encodeNumbers(wide ? Float64Array.from(counts) : Uint32Array.from(counts));
    const sumBlock = encodeNumbers(Float64Array.from(sums));
    return { id: baseline.id, bounds: Array.from(table.bounds), from, rows, size, index: encodeNumbers(indexBlock), counts: countBlock, ...(wide ? { wide } : {}), sums: sumBlock };
  }
}

const EMPTY = new Float64Array(0);

/** Longest a slice of {@link StoreReporter.buildSliced} runs before it yields (ms). */
export const REPORT_SLICE_MS = 1;

function grow(cells: Float64Array<ArrayBufferLike>, atLeast: number): Float64Array {
  const next = new Float64Array(Math.max(atLeast, cells.length * 2));
  next.set(cells);
  return next;
}
