import { DROP_REASONS } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import type { OperationHandle } from '../operations/OperationHandle';
import type { HistogramTable } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
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

  /** The report now; `full` announces everything again and carries every non-zero number. */
  build(full: boolean): WireReport {
    const store = this.store;
    const seq = this.seq++;
    const all = store.handles;
    const handlesFrom = full ? 0 : this.ackedHandles;
    const handles: Array<[string, string, 0 | 1]> = [];
    for (let i = handlesFrom; i < all.length; i++) {
      const h = all[i]!;
      this.handleIndex.set(h, i);
      handles.push([h.type, h.name, h.isOverflow ? 1 : 0]);
      const table = h.state.table;
      if (!this.tables.has(table)) this.tables.set(table, { id: this.tables.size, announced: 0, cells: new Float64Array(0) });
    }
    const pending: Pending = { handles: all.length, tables: [], figures: new Float64Array(0) };
    const tables: WireTable[] = [];
    for (const [table, baseline] of this.tables) tables.push(this.table(table, baseline, full, true, pending));
    const scores = store.scoreTables.map((table, i) => this.table(table, this.scoreBaselines[i]!, full, false, pending));

    const figures: number[] = [];
    const active: Array<[number, number]> = [];
    const acked = this.ackedFigures;
    for (let i = 0; i < all.length; i++) {
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

  private table(table: HistogramTable, baseline: TableBaseline, full: boolean, withKind: boolean, pending: Pending): WireTable {
    const from = full ? 0 : baseline.announced;
    const rows: Array<[number, string, string]> = [];
    for (let r = from; r < table.size; r++) {
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
    for (let r = 0; r < table.size; r++) {
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
    pending.tables.push({ baseline, announced: table.size, stride, index: indexBlock, data: dataBlock });
    const countBlock = encodeNumbers(wide ? Float64Array.from(counts) : Uint32Array.from(counts));
    const sumBlock = encodeNumbers(Float64Array.from(sums));
    return { id: baseline.id, bounds: Array.from(table.bounds), from, rows, size: table.size, index: encodeNumbers(indexBlock), counts: countBlock, ...(wide ? { wide } : {}), sums: sumBlock };
  }
}

const EMPTY = new Float64Array(0);

function grow(cells: Float64Array<ArrayBufferLike>, atLeast: number): Float64Array {
  const next = new Float64Array(Math.max(atLeast, cells.length * 2));
  next.set(cells);
  return next;
}
