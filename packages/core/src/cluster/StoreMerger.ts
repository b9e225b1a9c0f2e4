import type { DiagLogger } from '../diag';
import { DROP_REASONS, OUTCOMES, type DropReason } from '../names';
import { FIGURE_SLOTS } from '../operations/figures';
import { OperationHandle } from '../operations/OperationHandle';
import { COUNT, PLAIN_ROW, type HistogramTable, type RowOwner } from '../store/HistogramTable';
import type { OperationStore } from '../store/OperationStore';
import { decodeDoubles, type WireReport, type WireTable } from './protocol';
import { BadReportError, SourceState, type RowTarget, type SourceTable } from './SourceState';
import { FIGURE_STRIDE } from './StoreReporter';

const OUTCOME_SET: ReadonlySet<string> = new Set([...OUTCOMES, '']);
const DROP_SET: ReadonlySet<string> = new Set(DROP_REASONS);

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

/**
 * Adds reporters' cumulative counts into this process's store, at collection time: what changed since a
 * reporter's previous report is added to the same series here (created through the store's ordinary path, so
 * limits, views and overflow apply as for local operations). Counts once added stay: a reporter that goes away
 * takes nothing with it but its running operations.
 */
export class StoreMerger {
  private readonly rowCache = new Map<OperationHandle, Map<string, { table: HistogramTable; row: number }>>();
  private readonly owners = new Map<HistogramTable, { scanned: number; byOwner: Map<RowOwner, number[]> }>();
  private readonly warned = new Set<string>();
  private readonly tables = new Set<HistogramTable>();
  private readonly overflowHandles: OperationHandle[] = [];
  private handlesSeen = 0;

  constructor(
    private readonly store: OperationStore,
    private readonly diag: DiagLogger,
  ) {}

  /** Applies one report. Throws {@link BadReportError} (having changed nothing) for a malformed one. */
  apply(source: SourceState, report: WireReport): void {
    const parsed = this.parse(source, report);
    if (!parsed) {
      source.needsFull = true;
      return;
    }
    source.needsFull = false;
    for (const { wire, data, table } of parsed.tables) this.applyTable(source, wire, data, table, -1);
    for (const { wire, data, table } of parsed.scores) this.applyTable(source, wire, data, table, wire.id === 1 ? 1 : 0);
    this.applyFigures(source, parsed.figures);
    for (const [reason, value] of report.drops) {
      const delta = value - (source.lastDrops.get(reason) ?? 0);
      source.lastDrops.set(reason, value);
      if (delta > 0) this.store.drop(reason as DropReason, delta);
    }
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

  // ---- validation: nothing is changed before the whole report has been checked ----

  private parse(source: SourceState, report: WireReport) {
    if (typeof report !== 'object' || report === null) throw new BadReportError('the report is not an object');
    const { handles, handlesFrom, tables, scores, drops } = report;
    if (!Array.isArray(handles) || !Array.isArray(tables) || !Array.isArray(scores) || !Array.isArray(drops)) {
      throw new BadReportError('the report lacks handles, tables, scores or drops');
    }
    if (!isCount(handlesFrom)) throw new BadReportError('handlesFrom is not a count');
    for (const h of handles) {
      if (!Array.isArray(h) || typeof h[0] !== 'string' || typeof h[1] !== 'string' || (h[2] !== 0 && h[2] !== 1)) {
        throw new BadReportError('a handle is not [type, name, 0|1]');
      }
    }
    for (const d of drops) {
      if (!Array.isArray(d) || !DROP_SET.has(d[0]) || !isAmount(d[1])) throw new BadReportError('a drop count is not [reason, amount]');
    }
    const figures = decodeDoubles(report.figures);
    if (!figures || figures.length !== (handlesFrom + handles.length) * FIGURE_STRIDE || !figures.every(isAmount)) {
      throw new BadReportError('figures are not one block of non-negative numbers per handle');
    }
    const check = (wire: WireTable, isScore: boolean) => {
      if (typeof wire !== 'object' || wire === null || !isCount(wire.id) || !isCount(wire.from) || !isCount(wire.size) || !Array.isArray(wire.rows)) {
        throw new BadReportError('a table lacks id, from, size or rows');
      }
      const bounds = wire.bounds;
      if (!Array.isArray(bounds) || bounds.length === 0 || bounds.length > 64 || !bounds.every((b, i) => typeof b === 'number' && b > 0 && b < Infinity && (i === 0 || b > bounds[i - 1]!))) {
        throw new BadReportError('a table has bounds that are not increasing positive numbers');
      }
      for (const r of wire.rows) {
        if (!Array.isArray(r) || !isCount(r[0]) || typeof r[1] !== 'string' || typeof r[2] !== 'string' || !(isScore || OUTCOME_SET.has(r[1]))) {
          throw new BadReportError('a row is not [handle, outcome, error type]');
        }
      }
      const data = decodeDoubles(wire.data);
      if (!data || data.length !== wire.size * (bounds.length + 3) || !data.every(isAmount)) {
        throw new BadReportError('row numbers are not one block of non-negative numbers per row');
      }
      return data;
    };
    const checkedTables = tables.map((wire) => ({ wire, data: check(wire, false) }));
    const checkedScores = scores.map((wire) => ({ wire, data: check(wire, true) }));

    // Announcements must continue what we know (a reporter re-announces from 0 in a full report).
    if (report.full) {
      source.handles.length = 0;
      source.resolved.length = 0;
      for (const t of [...source.tables.values(), ...source.scores.values()]) {
        t.meta.length = 0;
        t.targets.length = 0;
      }
    }
    if (handlesFrom > source.handles.length) return undefined;
    const map = (list: Map<number, SourceTable>, wire: WireTable, data: Float64Array) => {
      let table = list.get(wire.id);
      if (!table) list.set(wire.id, (table = { bounds: [...wire.bounds], meta: [], targets: [], last: new Float64Array(0) }));
      if (wire.from > table.meta.length) return undefined;
      return { wire, data, table };
    };
    const mappedTables = checkedTables.map(({ wire, data }) => map(source.tables, wire, data));
    const mappedScores = checkedScores.map(({ wire, data }) => map(source.scores, wire, data));
    if (mappedTables.includes(undefined) || mappedScores.includes(undefined)) return undefined;

    source.handles.length = handlesFrom;
    source.resolved.length = Math.min(source.resolved.length, handlesFrom);
    for (const h of handles) source.handles.push(h);
    for (const t of [...mappedTables, ...mappedScores]) {
      const { wire, table } = t!;
      if (!sameBounds(table.bounds, wire.bounds)) {
        // The reporter re-bucketed a type: what was counted under the old layout was added already.
        table.bounds = [...wire.bounds];
        table.last = new Float64Array(0);
        table.targets.length = 0;
      }
      table.meta.length = wire.from;
      table.targets.length = Math.min(table.targets.length, wire.from);
      for (const r of wire.rows) table.meta.push(r);
    }
    return { tables: mappedTables.map((t) => t!), scores: mappedScores.map((t) => t!), figures };
  }

  // ---- applying ----

  private applyTable(source: SourceState, wire: WireTable, data: Float64Array, table: SourceTable, score: -1 | 0 | 1): void {
    const stride = wire.bounds.length + 3;
    const tail = stride - 2;
    const last = table.last;
    for (let r = 0; r < wire.size; r++) {
      const off = r * stride;
      const hadRow = off + stride <= last.length;
      // A count below the previous one is a reporter that started over: all it has now is new.
      const isReset = hadRow && data[off + tail + COUNT]! < last[off + tail + COUNT]!;
      const base = hadRow && !isReset;
      let changed = false;
      for (let i = 0; i < stride; i++) {
        if (data[off + i]! !== (base ? last[off + i]! : 0)) {
          changed = true;
          break;
        }
      }
      if (!changed) continue;
      let target = table.targets[r];
      if (target === undefined) target = table.targets[r] = this.resolveTarget(source, table, r, wire.bounds, score);
      if (target === null) {
        const lost = data[off + tail + COUNT]! - (base ? last[off + tail + COUNT]! : 0);
        if (lost > 0) this.store.drop('unknown_operation_type', lost);
        continue;
      }
      const into = target.table.chunkOf(target.row);
      const at = target.table.offsetOf(target.row);
      const intoTail = target.table.tail;
      for (let i = 0; i < stride; i++) {
        const delta = data[off + i]! - (base ? last[off + i]! : 0);
        if (!(delta > 0)) continue;
        if (i < tail) into[at + (target.buckets ? target.buckets[i]! : i)]! += delta;
        else into[at + intoTail + (i - tail)]! += delta;
      }
    }
    table.last = data;
  }

  private applyFigures(source: SourceState, figures: Float64Array): void {
    const last = source.lastFigures;
    const active = new Map<OperationHandle, number>();
    const n = figures.length / FIGURE_STRIDE;
    for (let i = 0; i < n; i++) {
      const off = i * FIGURE_STRIDE;
      const running = figures[off + FIGURE_SLOTS + 1]!;
      let changed = running > 0;
      for (let s = 0; s < FIGURE_SLOTS && !changed; s++) changed = figures[off + s]! !== (last[off + s] ?? 0);
      if (!changed) continue;
      const handle = this.handleOf(source, i, undefined);
      if (!handle) continue;
      if (running > 0) active.set(handle, (active.get(handle) ?? 0) + running);
      const mask = figures[off + FIGURE_SLOTS]!;
      for (let s = 0; s < FIGURE_SLOTS; s++) {
        const delta = figures[off + s]! - (last[off + s] ?? 0);
        if (delta > 0 || ((mask >> s) & 1 && !((handle.figureMask >> s) & 1))) {
          const before = handle.figures?.[s] ?? 0;
          MARK[s]!(handle);
          handle.figures![s] = before + Math.max(0, delta);
        }
      }
    }
    for (const [handle, n] of source.active) handle.active -= n;
    for (const [handle, n] of active) handle.active += n;
    source.active = active;
    source.lastFigures = figures;
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
    this.warnOnce(
      `bounds:${source.label}:${handle.type}`,
      `${source.label} uses other buckets for "${handle.type}" than this perfkit ([${bounds.join(', ')}] vs [${Array.from(ours).join(', ')}]); its counts are moved up to the next bucket here (sum and count exact)`,
    );
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

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size > 1000) return;
    this.warned.add(key);
    this.diag.warn(message);
  }
}

function countOf(table: HistogramTable, row: number): number {
  return table.chunkOf(row)[table.offsetOf(row) + table.tail + COUNT]!;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9;
}

function isAmount(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v < Infinity;
}

function sameBounds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
