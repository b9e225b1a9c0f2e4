import type { DiagLogger } from '../diag';
import { forgetShape, keepShape } from '../keepShape';
import type { DropReason } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import { OperationHandle } from '../operations/OperationHandle';
import { COUNT, PLAIN_ROW, type HistogramTable, type RowOwner } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
import { checkReport, type CheckedReport, type CheckedTable } from './checkReport';
import type { WireReport } from './protocol';
import type { SourceState, RowTarget, SourceTable } from './SourceState';
import { FIGURE_ROW, maskWords } from './StoreReporter';

/**
 * Kind under which the latest report checked is kept (see {@link keepShape}): a report is JSON.parse's objects, whose
 * hidden classes died with the reports, and the primary's optimized checkTable, steps and applyTable with them at
 * every full GC (V8's trace, Node 20 and 26). Holds one report (70-90 KB of JSON for 2,000 changed series) until
 * its aggregator closes ({@link StoreMerger.release}).
 */
export const WIRE_REPORT = {};

// A figure slot is marked as reported through the handle's own method (0 where it takes an amount), then set.
const MARK: ReadonlyArray<(h: OperationHandle) => void> = [
  (h) => h.retry(),
  (h) => h.addItems(0),
  (h) => h.addBytes(0),
  (h) => h.integrityCheck(true),
  (h) => h.integrityCheck(false),
  (h) => h.corruptionsFound(0),
  (h) => h.alternativesConsidered(0),
  (h) => h.addTokens(0),
  (h) => h.addRecords(0),
];

/** Rows (or figure rows) merged between two checks of the time budget. */
const STEP_ROWS = 32;

/**
 * Adds reporters' cumulative counts into this process's store: what grew since the value a reporter last reported
 * for a cell is added to the same series here (created through the store's ordinary path, so limits, views and
 * overflow apply as for local operations). Counts once added stay: a reporter that goes away takes nothing with it
 * but its running operations. {@link steps} merges a report in slices, so that the caller can yield between them.
 */
export class StoreMerger {
  private readonly rowCache = new Map<OperationHandle, Map<string, { table: HistogramTable; row: number }>>();
  private readonly owners = new Map<HistogramTable, { scanned: number; byOwner: Map<RowOwner, number[]> }>();
  private readonly warned = new Set<string>();
  private readonly tables = new Set<HistogramTable>();
  private readonly overflowHandles: OperationHandle[] = [];
  private handlesSeen = 0;
  /** The report this merger last kept under {@link WIRE_REPORT} (released by {@link release}). */
  private keptReport: WireReport | undefined;

  constructor(
    private readonly store: OperationStore,
    private readonly diag: DiagLogger,
  ) {}

  /**
   * Applies one report at once; returns whether it was merged (false: it refers to announcements this store never
   * saw, and `source.needsFull` asks for a full one). Throws {@link BadReportError} (having changed nothing) for
   * a malformed report.
   */
  apply(source: SourceState, report: WireReport): boolean {
    const steps = this.steps(source, report);
    let r = steps.next();
    while (!r.done) r = steps.next();
    return r.value;
  }

  /** {@link apply} in slices: every `next()` merges a few dozen rows. The first `next()` checks the whole report. */
  *steps(source: SourceState, report: WireReport): Generator<void, boolean> {
    const checked = checkReport(report);
    keepShape(report, WIRE_REPORT);
    this.keptReport = report;
    const mapped = this.announce(source, checked);
    if (!mapped) {
      source.needsFull = true;
      return false;
    }
    source.needsFull = false;
    for (const t of mapped.tables) yield* this.applyTable(source, t.checked, t.table, -1);
    for (const t of mapped.scores) yield* this.applyTable(source, t.checked, t.table, t.checked.wire.id === 1 ? 1 : 0);
    yield* this.applyFigures(source, checked.figures);
    this.applyActive(source, report.active);
    for (const [reason, value] of report.drops) {
      const delta = value - (source.lastDrops.get(reason) ?? 0);
      source.lastDrops.set(reason, value);
      if (delta > 0) this.store.drop(reason as DropReason, delta);
    }
    return true;
  }

  /** The aggregator closes: the report kept for its hidden classes (up to ~90 KB) is no longer held for it. */
  release(): void {
    if (this.keptReport) forgetShape(this.keptReport, WIRE_REPORT);
    this.keptReport = undefined;
  }

  /** A reporter went away: its running operations no longer run here. Its counts stay. */
  depart(source: SourceState): number {
    let running = 0;
    for (const [handle, n] of source.active) {
      handle.active -= n;
      running += n;
    }
    source.active = new Map();
    return running;
  }

  // ---- announcements: they must continue what we know (a reporter re-announces from 0 in a full report) ----

  private announce(source: SourceState, checked: CheckedReport) {
    const { report } = checked;
    if (report.full) {
      source.handles.length = 0;
      source.resolved.length = 0;
      for (const t of [...source.tables.values(), ...source.scores.values()]) {
        t.meta.length = 0;
        t.targets.length = 0;
      }
    }
    if (report.handlesFrom > source.handles.length) return undefined;
    const map = (list: Map<number, SourceTable>, c: CheckedTable) => {
      let table = list.get(c.wire.id);
      if (!table) list.set(c.wire.id, (table = { bounds: [...c.wire.bounds], meta: [], targets: [], last: new Float64Array(0) }));
      return c.wire.from > table.meta.length ? undefined : { checked: c, table };
    };
    const tables = checked.tables.map((c) => map(source.tables, c));
    const scores = checked.scores.map((c) => map(source.scores, c));
    if (tables.includes(undefined) || scores.includes(undefined)) return undefined;

    // Re-announced handles and rows (sent again until a report announcing them was acknowledged) are the same.
    for (let i = report.handlesFrom; i < report.handlesFrom + report.handles.length; i++) {
      const h = report.handles[i - report.handlesFrom]!;
      const known = source.handles[i];
      if (known && (known[0] !== h[0] || known[1] !== h[1] || known[2] !== h[2])) source.resolved.length = Math.min(source.resolved.length, i);
      source.handles[i] = h;
    }
    for (const t of [...tables, ...scores]) {
      const { checked: c, table } = t!;
      if (!sameBounds(table.bounds, c.wire.bounds)) {
        // The reporter re-bucketed a type: what was counted under the old layout was added already.
        table.bounds = [...c.wire.bounds];
        table.last = new Float64Array(0);
        table.targets.length = 0;
      }
      for (let r = c.wire.from; r < c.wire.size; r++) {
        const row = c.wire.rows[r - c.wire.from]!;
        const known = table.meta[r];
        if (known && (known[0] !== row[0] || known[1] !== row[1] || known[2] !== row[2])) table.targets[r] = undefined;
        table.meta[r] = row;
      }
    }
    return { tables: tables.map((t) => t!), scores: scores.map((t) => t!) };
  }

  // ---- applying ----

  private *applyTable(source: SourceState, c: CheckedTable, table: SourceTable, score: -1 | 0 | 1): Generator<void> {
    const { stride, index, data } = c;
    const words = maskWords(stride);
    const tail = stride - 2;
    const bounds = c.wire.bounds;
    if (c.wire.size * stride > table.last.length) table.last = grow(table.last, c.wire.size * stride);
    const last = table.last;
    let v = 0;
    let rows = 0;
    for (let e = 0; e < index.length; e += 1 + words) {
      if (++rows % STEP_ROWS === 0) yield;
      const r = index[e]!;
      const base = r * stride;
      const first = v;
      // A count below the previous one is a reporter that started over: all it has now is new.
      let isReset = false;
      let grew = false;
      for (let cell = 0; cell < stride; cell++) {
        if (!((index[e + 1 + (cell >>> 5)]! >>> (cell & 31)) & 1)) continue;
        const value = data[v++]!;
        if (cell === tail + COUNT && value < last[base + cell]!) isReset = true;
        if (value !== last[base + cell]) grew = true;
      }
      if (!grew) continue;
      if (isReset) last.fill(0, base, base + stride);
      let target = table.targets[r];
      if (target === undefined) target = table.targets[r] = this.resolveTarget(source, table, r, bounds, score);
      const into = target ? target.table.chunkOf(target.row) : undefined;
      const at = target ? target.table.offsetOf(target.row) : 0;
      v = first;
      for (let cell = 0; cell < stride; cell++) {
        if (!((index[e + 1 + (cell >>> 5)]! >>> (cell & 31)) & 1)) continue;
        const value = data[v++]!;
        const delta = value - last[base + cell]!;
        last[base + cell] = value;
        if (!(delta > 0)) continue;
        if (!target) {
          if (cell === tail + COUNT) this.store.drop('unknown_operation_type', delta);
        } else if (cell < tail) into![at + (target.buckets ? target.buckets[cell]! : cell)]! += delta;
        else into![at + target.table.tail + (cell - tail)]! += delta;
      }
    }
  }

  private *applyFigures(source: SourceState, figures: Float64Array): Generator<void> {
    const slots = FIGURE_SLOTS + 1;
    let rows = 0;
    for (let e = 0; e < figures.length; e += FIGURE_ROW) {
      if (++rows % STEP_ROWS === 0) yield;
      const i = figures[e]!;
      const at = i * slots;
      if (at + slots > source.lastFigures.length) source.lastFigures = grow(source.lastFigures, at + slots);
      const last = source.lastFigures;
      const handle = this.handleOf(source, i, undefined);
      const mask = figures[e + 1 + FIGURE_SLOTS]!;
      for (let s = 0; s < FIGURE_SLOTS; s++) {
        const value = figures[e + 1 + s]!;
        const delta = value - last[at + s]!;
        if (delta > 0) last[at + s] = value;
        if (handle && (delta > 0 || ((mask >> s) & 1 && !((handle.figureMask >> s) & 1)))) {
          const before = handle.figures?.[s] ?? 0;
          MARK[s]!(handle);
          handle.figures![s] = before + Math.max(0, delta);
        }
      }
      last[at + FIGURE_SLOTS] = mask;
    }
  }

  private applyActive(source: SourceState, running: ReadonlyArray<readonly [number, number]>): void {
    const active = new Map<OperationHandle, number>();
    for (const [i, n] of running) {
      const handle = n > 0 ? this.handleOf(source, i, undefined) : null;
      if (handle) active.set(handle, (active.get(handle) ?? 0) + n);
    }
    for (const [handle, n] of source.active) handle.active -= n;
    for (const [handle, n] of active) handle.active += n;
    source.active = active;
  }

  // ---- resolving a reporter's series to ours ----

  private handleOf(source: SourceState, index: number, bounds: readonly number[] | undefined): OperationHandle | null {
    const known = source.resolved[index];
    if (known !== undefined) return known;
    const meta = source.handles[index];
    if (!meta) return null;
    const [type, name, isOverflow] = meta;
    if (!this.store.types.has(type)) {
      // A type the reporter registered and we did not: take it with the reporter's buckets.
      if (!bounds) return null;
      try {
        this.store.registerType(type, bounds);
        this.warnOnce(`type:${type}`, `${source.label} records operation type "${type}", which this perfkit did not register; registered it with that worker's buckets`);
      } catch (err) {
        this.warnOnce(`type:${type}`, `${source.label} records operation type "${type}", which cannot be registered here (${(err as Error).message}); its operations are counted as dropped`);
        return (source.resolved[index] = null);
      }
    }
    let handle: unknown;
    if (isOverflow) {
      const state = this.store.types.get(type);
      const store = this.store as unknown as { overflowFor?: (s: unknown) => unknown };
      handle = typeof store.overflowFor === 'function' ? store.overflowFor.call(this.store, state) : undefined;
    } else {
      handle = this.store.operation(type, name);
    }
    return (source.resolved[index] = handle instanceof OperationHandle ? handle : null);
  }

  private resolveTarget(source: SourceState, table: SourceTable, r: number, bounds: readonly number[], score: -1 | 0 | 1): RowTarget | null {
    const meta = table.meta[r];
    if (!meta) return null;
    const handle = this.handleOf(source, meta[0], score >= 0 ? undefined : bounds);
    if (!handle) return null;
    let found: { table: HistogramTable; row: number };
    if (score >= 0) {
      const which = score as 0 | 1;
      const scoreTable = this.store.scoreTables[which];
      let row = handle.scoreRow(which);
      if (row < 0) handle.setScoreRow(which, (row = scoreTable.addRow(handle, PLAIN_ROW)));
      found = { table: scoreTable, row };
    } else {
      const row = this.rowOf(handle, meta[1], meta[2]);
      if (!row) return null;
      found = row;
    }
    const ours = found.table.bounds;
    if (sameBounds(ours, bounds)) return { ...found, buckets: null };
    this.saidOtherBuckets(source.label, handle.type, bounds, ours);
    const buckets = new Int32Array(bounds.length + 1);
    for (let i = 0; i <= bounds.length; i++) {
      const upper = i < bounds.length ? bounds[i]! : Infinity;
      let j = 0;
      while (j < ours.length && ours[j]! < upper) j++;
      buckets[i] = j;
    }
    return { ...found, buckets };
  }

  /**
   * The row a handle records an outcome into, found by recording a zero duration the ordinary way and taking it
   * back: limits, views and overflow decide as they do for local operations. Once per series.
   */
  private rowOf(handle: OperationHandle, outcome: string, errorType: string): { table: HistogramTable; row: number } | undefined {
    const key = `${outcome}\u0000${errorType}`;
    let rows = this.rowCache.get(handle);
    const cached = rows?.get(key);
    if (cached) return cached;
    // Tables and overflow handles, followed incrementally (handles are only ever appended).
    const all = this.store.handles;
    for (; this.handlesSeen < all.length; this.handlesSeen++) {
      const h = all[this.handlesSeen]!;
      this.tables.add(h.state.table);
      if (h.isOverflow) this.overflowHandles.push(h);
    }
    const tables = this.tables;
    const sizes = new Map([...tables].map((t) => [t, t.size]));
    const candidates: Array<{ table: HistogramTable; row: number; count: number }> = [];
    const owners = [handle, ...this.overflowHandles.filter((h) => h.type === handle.type)];
    for (const t of tables) {
      for (const owner of owners) for (const row of this.rowsOwnedBy(t, owner)) candidates.push({ table: t, row, count: countOf(t, row) });
    }
    const drops = Array.from(this.store.drops);
    handle.record(0, outcome === 'success' || outcome === '' ? undefined : { outcome: outcome as never, errorType });
    let hit: { table: HistogramTable; row: number } | undefined;
    for (const t of tables) {
      for (let row = sizes.get(t)!; row < t.size && !hit; row++) if (countOf(t, row) > 0) hit = { table: t, row };
    }
    if (!hit) for (const c of candidates) if (countOf(c.table, c.row) === c.count + 1) hit = c;
    if (!hit) {
      for (let i = 0; i < drops.length; i++) this.store.drops[i] = drops[i]!;
      return undefined;
    }
    const d = hit.table.chunkOf(hit.row);
    const off = hit.table.offsetOf(hit.row);
    d[off]!--;
    d[off + hit.table.tail + COUNT]!--;
    const found = { table: hit.table, row: hit.row };
    if (!rows) this.rowCache.set(handle, (rows = new Map()));
    rows.set(key, found);
    return found;
  }

  private rowsOwnedBy(table: HistogramTable, owner: RowOwner): readonly number[] {
    let index = this.owners.get(table);
    if (!index) this.owners.set(table, (index = { scanned: 0, byOwner: new Map() }));
    for (; index.scanned < table.size; index.scanned++) {
      const o = table.owners[index.scanned]!;
      const list = index.byOwner.get(o);
      if (list) list.push(index.scanned);
      else index.byOwner.set(o, [index.scanned]);
    }
    return index.byOwner.get(owner) ?? [];
  }

  /** Says once per worker and type that the worker's buckets differ from ours, and what is done about it. */
  saidOtherBuckets(label: string, type: string, theirs: ArrayLike<number>, ours: ArrayLike<number>): void {
    this.warnOnce(
      `bounds:${label}:${type}`,
      `${label} uses other buckets for "${type}" than this perfkit ([${Array.from(theirs).join(', ')}] vs [${Array.from(ours).join(', ')}]); its counts are moved up to the next bucket here (sum and count exact)`,
    );
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size > 1000) return;
    this.warned.add(key);
    this.diag.warn(message);
  }
}

function countOf(table: HistogramTable, row: number): number {
  return table.chunkOf(row)[table.offsetOf(row) + table.tail + COUNT]!;
}

function grow(cells: Float64Array<ArrayBufferLike>, atLeast: number): Float64Array {
  const next = new Float64Array(Math.max(atLeast, cells.length * 2));
  next.set(cells);
  return next;
}

function sameBounds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
