import { DROP_REASONS } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import type { OperationHandle } from '../operations/OperationHandle';
import type { HistogramTable } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
import { encodeDoubles, type WireReport, type WireTable } from './protocol';

/** Doubles per handle in {@link WireReport.figures}: the figure slots, the figure mask, the active count. */
export const FIGURE_STRIDE = FIGURE_SLOTS + 2;

/**
 * Builds a worker's cumulative report from its store. Handles and rows are announced once (names travel only
 * when a series is new); the numbers of every row travel each time as one block of doubles, so a report costs a
 * copy of the rows and a base64 encoding, never a walk over label text.
 */
export class StoreReporter {
  private readonly handleIndex = new Map<OperationHandle, number>();
  private announcedHandles = 0;
  private readonly tables = new Map<HistogramTable, { id: number; announced: number }>();
  private readonly scoreAnnounced = [0, 0];

  constructor(private readonly store: OperationStore) {}

  /** The report now; `full` announces every handle and row again. */
  build(full: boolean): WireReport {
    const store = this.store;
    if (full) {
      this.announcedHandles = 0;
      for (const t of this.tables.values()) t.announced = 0;
      this.scoreAnnounced[0] = this.scoreAnnounced[1] = 0;
    }
    const handlesFrom = this.announcedHandles;
    const handles: Array<[string, string, 0 | 1]> = [];
    const all = store.handles;
    for (let i = handlesFrom; i < all.length; i++) {
      const h = all[i]!;
      this.handleIndex.set(h, i);
      handles.push([h.type, h.name, h.isOverflow ? 1 : 0]);
      const table = h.state.table;
      if (!this.tables.has(table)) this.tables.set(table, { id: this.tables.size, announced: 0 });
    }
    this.announcedHandles = all.length;

    const tables: WireTable[] = [];
    for (const [table, state] of this.tables) {
      tables.push(this.table(table, state.id, state.announced, true));
      state.announced = table.size;
    }
    const scores = store.scoreTables.map((table, i) => {
      const wire = this.table(table, i, this.scoreAnnounced[i]!, false);
      this.scoreAnnounced[i] = table.size;
      return wire;
    });

    const figures = new Float64Array(all.length * FIGURE_STRIDE);
    for (let i = 0; i < all.length; i++) {
      const h = all[i]!;
      const off = i * FIGURE_STRIDE;
      const f = h.figures;
      if (f) figures.set(f.subarray(0, FIGURE_SLOTS), off);
      figures[off + FIGURE_SLOTS] = h.figureMask;
      figures[off + FIGURE_SLOTS + 1] = h.active;
    }
    const drops = DROP_REASONS.map((reason, i) => [reason, store.drops[i]!] as const);
    return { full, handlesFrom, handles, tables, scores, figures: encodeDoubles(figures), drops, sdk: [] };
  }

  private table(table: HistogramTable, id: number, from: number, withKind: boolean): WireTable {
    const rows: Array<[number, string, string]> = [];
    for (let r = from; r < table.size; r++) {
      const owner = this.handleIndex.get(table.owners[r] as OperationHandle) ?? -1;
      const kind = table.kinds[r]!;
      rows.push(withKind ? [owner, kind.outcome, kind.errorType] : [owner, '', '']);
    }
    const stride = table.stride;
    const data = new Float64Array(table.size * stride);
    const chunkRows = table.chunks.length ? table.chunks[0]!.length / stride : 1;
    for (let r = 0; r < table.size; r += chunkRows) {
      const chunk = table.chunkOf(r);
      const n = Math.min(chunkRows, table.size - r);
      data.set(chunk.subarray(0, n * stride), r * stride);
    }
    return { id, bounds: Array.from(table.bounds), from, rows, size: table.size, data: encodeDoubles(data) };
  }
}
