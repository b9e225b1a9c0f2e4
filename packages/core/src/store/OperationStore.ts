import type { DiagLogger } from '../diag';
import { PerfkitError, safeString } from '../errors';
import { ATTR, DROP_REASONS, LABEL, SCORE_BUCKETS, type DropReason, type Outcome } from '../names';
import type { ResolvedConfig, ViewConfig } from '../config';
import type { ActiveOperation, Operation } from '../types';
import { OperationHandle, type TypeState } from '../operations/OperationHandle';
import { DISABLED_OPERATION, DroppingOperation } from '../operations/DroppingOperation';
import { OTHER_ERROR_TYPE } from '../operations/errorType';
import { builtinTypes, checkBuckets, checkTypeName, DEFAULT_BUCKETS } from '../operations/OperationTypes';
import { HistogramTable, labelText, PLAIN_ROW, type RowKind } from './HistogramTable';

const DROP_INDEX = Object.fromEntries(DROP_REASONS.map((r, i) => [r, i])) as Record<DropReason, number>;

/** Options of {@link OperationStore}, taken from the resolved configuration. */
export type StoreOptions = Pick<ResolvedConfig, 'operationTypes' | 'views' | 'limits'> & {
  /** Keep the active span's trace and span id per bucket (`exemplars` in the configuration). */
  exemplars?: boolean;
  /** Every operation runs its work and records nothing (`disabled` in the configuration). */
  disabled?: boolean;
  /** Labels written on every series (resource attributes copied by configuration), as `k="v",` text. */
  constLabels?: string;
};

/**
 * Pre-aggregated storage of every operation series. Handles are created (and their label text built) once;
 * the record path writes rows of typed arrays. Exporters read it through {@link OperationStore.types},
 * {@link OperationStore.handles} and {@link OperationStore.drops}.
 */
export class OperationStore {
  /** Per operation type: its histogram table and view settings. */
  readonly types = new Map<string, TypeState>();
  /** Every handle in creation order (overflow handles included). */
  readonly handles: OperationHandle[] = [];
  /** Score histograms (integrity, compatibility), one row per handle that reported one. */
  readonly scoreTables = [new HistogramTable(SCORE_BUCKETS), new HistogramTable(SCORE_BUCKETS)] as const;
  /** Dropped measurements by reason, indexed like `DROP_REASONS`. */
  readonly drops = new Float64Array(DROP_REASONS.length);
  /** When the store was created (ms since epoch): the start time of every cumulative series. */
  readonly startedAt = Date.now();

  private readonly byType = new Map<string, Map<string, Operation>>();
  private readonly overflow = new Map<string, OperationHandle>();
  private readonly dropping = new Map<string, DroppingOperation>();
  private readonly warned = new Set<string>();
  private readonly constLabels: string;
  private durationRows = 0;
  /** Buckets given in code per type (`operationTypes`, `registerOperationType`). */
  private readonly codeBuckets = new Map<string, readonly number[]>();
  /** Per type, the states of operation names that a view names. */
  private readonly variants = new Map<string, Map<string, TypeState>>();
  /** Names that some view names (`views[].operationName`). */
  private readonly namedViews: ReadonlySet<string>;
  /** The one handle of a state whose name is not kept. */
  private readonly collapsed = new Map<TypeState, OperationHandle>();

  constructor(
    private readonly options: StoreOptions,
    private readonly diag: DiagLogger,
  ) {
    this.constLabels = options.constLabels ?? '';
    this.namedViews = new Set(options.views.flatMap((v) => (v.operationName === undefined ? [] : [v.operationName])));
    for (const type of builtinTypes().keys()) this.registerType(type);
    for (const [type, spec] of Object.entries(options.operationTypes)) this.registerType(type, spec.buckets);
  }

  /** Registers (or re-buckets, while it has no series) an operation type. Throws on invalid input. */
  registerType(type: string, buckets?: readonly number[]): void {
    checkTypeName(type);
    const existing = this.types.get(type);
    if (!existing && this.types.size >= this.options.limits.maxOperationTypes) {
      throw new PerfkitError('PERFKIT_ERR_INVALID_OPERATION_TYPE', {
        type,
        detail: `limits.maxOperationTypes (${this.options.limits.maxOperationTypes}) reached`,
      });
    }
    const codeBuckets = buckets ?? this.codeBuckets.get(type);
    const bounds = checkBuckets(type, this.boundsFor(type, undefined, codeBuckets));
    if (existing && this.hasSeries(type)) {
      const same = existing.table.bounds.length === bounds.length && bounds.every((b, i) => b === existing.table.bounds[i]);
      if (same) return;
      throw new PerfkitError('PERFKIT_ERR_INVALID_BUCKETS', {
        type,
        detail: 'the type already has series; register its buckets before creating operations',
      });
    }
    if (buckets) this.codeBuckets.set(type, buckets);
    const table = new HistogramTable(bounds, this.options.exemplars === true);
    this.types.set(type, this.stateFor(type, table, this.pickView(type, undefined, 'attributes')?.attributes));
    this.variants.delete(type);
    this.byType.set(type, new Map());
  }

  /** Every table of duration rows: one per operation type, plus one per operation name whose view gives it other buckets. */
  durationTables(): HistogramTable[] {
    const out: HistogramTable[] = [];
    for (const [type, state] of this.types) {
      out.push(state.table);
      const variants = this.variants.get(type);
      if (variants) for (const v of variants.values()) if (!out.includes(v.table)) out.push(v.table);
    }
    return out;
  }

  private hasSeries(type: string): boolean {
    if ((this.types.get(type)?.table.size ?? 0) > 0) return true;
    for (const v of this.variants.get(type)?.values() ?? []) if (v.table.size > 0) return true;
    return false;
  }

  /** A type's state (`errorTypes` given: a variant's, which shares its type's error-type limit). */
  private stateFor(type: string, table: HistogramTable, attributes: readonly string[] | undefined, errorTypes = new Set<string>()): TypeState {
    const typeLabels = this.constLabels + labelText([[LABEL.operationType, type]]);
    const keepOutcome = !attributes || attributes.includes(ATTR.outcome);
    return {
      store: this,
      type,
      table,
      namePrefix: `${typeLabels},${LABEL.operationName}="`,
      typeLabels,
      overflowLabels: `${typeLabels},${LABEL.overflow}="true"`,
      keepName: !attributes || attributes.includes(ATTR.operationName),
      keepOutcome,
      keepErrorType: keepOutcome && (!attributes || attributes.includes(ATTR.errorType)),
      errorTypes,
    };
  }

  /**
   * Bucket precedence: a view naming the operation (or its type) > buckets given in code (`operationTypes`,
   * `registerOperationType`) > a wildcard view > the type's defaults.
   */
  private boundsFor(type: string, name: string | undefined, codeBuckets: readonly number[] | undefined): readonly number[] {
    const view = this.pickView(type, name, 'buckets');
    if (view && (view.operationType !== undefined || view.operationName !== undefined)) return view.buckets!;
    return codeBuckets ?? view?.buckets ?? DEFAULT_BUCKETS[type] ?? DEFAULT_BUCKETS.default!;
  }

  /**
   * The most specific view that matches and sets `field`: type and name > name only > type only > wildcard;
   * the first one listed among equals. With `name` undefined, views that name an operation are skipped.
   */
  private pickView(type: string, name: string | undefined, field: 'buckets' | 'attributes'): ViewConfig | undefined {
    let best: ViewConfig | undefined;
    let bestRank = -1;
    for (const v of this.options.views) {
      if (v[field] === undefined) continue;
      if (v.operationType !== undefined && v.operationType !== type) continue;
      if (v.operationName !== undefined && v.operationName !== name) continue;
      const rank = (v.operationName !== undefined ? 2 : 0) + (v.operationType !== undefined ? 1 : 0);
      if (rank > bestRank) {
        best = v;
        bestRank = rank;
      }
    }
    return best;
  }

  /** The state of one named operation: its type's, or a variant when a view names the operation. */
  private stateOf(base: TypeState, name: string): TypeState {
    if (!this.namedViews.has(name)) return base;
    let variants = this.variants.get(base.type);
    const found = variants?.get(name);
    if (found) return found;
    const bucketsView = this.pickView(base.type, name, 'buckets');
    const attributesView = this.pickView(base.type, name, 'attributes');
    const named = (v: ViewConfig | undefined) => v?.operationName !== undefined;
    if (!named(bucketsView) && !named(attributesView)) return base;
    let table = base.table;
    if (named(bucketsView)) {
      const bounds = checkBuckets(base.type, bucketsView!.buckets);
      const same = bounds.length === table.bounds.length && bounds.every((b, i) => b === table.bounds[i]);
      if (!same) table = new HistogramTable(bounds, this.options.exemplars === true);
    }
    let state = this.stateFor(base.type, table, attributesView?.attributes, base.errorTypes);
    // Without its name a variant's series would read like the type's collapsed series: it stays in the type's.
    if (!state.keepName && !base.keepName) state = base;
    if (!variants) this.variants.set(base.type, (variants = new Map()));
    variants.set(name, state);
    return state;
  }

  /** The handle for a type and name: the hot lookup is two Map reads; everything else happens once. */
  operation(type: string, name: string): Operation {
    if (this.options.disabled) return DISABLED_OPERATION;
    const found = this.byType.get(type)?.get(name);
    if (found !== undefined) return found;
    return this.createOperation(type, name);
  }

  private createOperation(type: unknown, name: unknown): Operation {
    const base = typeof type === 'string' ? this.types.get(type) : undefined;
    if (!base) return this.droppingFor(type, name, 'unknown_operation_type');
    if (typeof name !== 'string' || name.length === 0 || name.length > this.options.limits.maxNameLength) {
      return this.droppingFor(type, name, 'invalid_name');
    }
    const byName = this.byType.get(base.type)!;
    const state = this.stateOf(base, name);
    if (!state.keepName) {
      let collapsed = this.collapsed.get(state);
      if (!collapsed) this.collapsed.set(state, (collapsed = this.newHandle(state, '', false)));
      if (byName.size < this.options.limits.maxSeriesPerMetric) byName.set(name, collapsed);
      return collapsed;
    }
    if (this.durationRows >= this.options.limits.maxSeriesPerMetric) return this.overflowFor(base);
    const handle = this.newHandle(state, name, false);
    byName.set(name, handle);
    return handle;
  }

  private newHandle(state: TypeState, name: string, isOverflow: boolean): OperationHandle {
    const handle = new OperationHandle(state, name, isOverflow);
    this.handles.push(handle);
    return handle;
  }

  private overflowFor(state: TypeState): OperationHandle {
    const base = this.types.get(state.type) ?? state;
    let handle = this.overflow.get(base.type);
    if (!handle) {
      handle = this.newHandle(base, '', true);
      this.overflow.set(base.type, handle);
      this.diag.warn(
        `operation series limit (${this.options.limits.maxSeriesPerMetric}) reached; new "${base.type}" operations are recorded under otel.metric.overflow="true"`,
      );
    }
    return handle;
  }

  private droppingFor(type: unknown, name: unknown, reason: DropReason): Operation {
    const key = `${reason}:${typeof type === 'string' ? type.slice(0, 64) : typeof type}`;
    let op = this.dropping.get(key);
    if (!op) {
      op = new DroppingOperation(safeString(type, 64), typeof name === 'string' ? name.slice(0, 64) : '', reason, (r) => this.drop(r));
      if (this.dropping.size < 256) this.dropping.set(key, op);
      this.warnOnce(key, `cannot record operation ${key.replace(':', ' for type ')}; its measurements are dropped and counted in perfkit_dropped_measurements_total`);
    }
    return op;
  }

  /**
   * @internal Adds a duration row for a handle; past the series limit the type's overflow handle's row is used.
   * Overflow rows live in one cache (per outcome and error type), whichever handle asks for them, so an
   * overflow series is written once. A handle records into its own state's table, so one whose view gave it
   * buckets of its own (a table of its own) keeps adding its rows there past the limit: a row number of the type's
   * table would land in another of its series. Views name a fixed set of operations, so these rows stay bounded.
   */
  addDurationRow(handle: OperationHandle, outcome: Outcome | '', errorType: string): number {
    if (handle.isOverflow) return this.overflowRow(handle, outcome, errorType);
    if (this.durationRows >= this.options.limits.maxSeriesPerMetric && handle.state.table === this.types.get(handle.type)!.table) {
      return this.overflowRow(this.overflowFor(handle.state), outcome, errorType);
    }
    this.durationRows++;
    return handle.state.table.addRow(handle, this.kindFor(outcome, errorType));
  }

  private overflowRow(handle: OperationHandle, outcome: Outcome | '', errorType: string): number {
    const key = `${outcome}\u0000${errorType}`;
    let rows = this.overflowRows.get(handle);
    if (!rows) this.overflowRows.set(handle, (rows = new Map()));
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = handle.state.table.addRow(handle, this.kindFor(outcome, errorType))));
    return row;
  }
  private readonly overflowRows = new Map<OperationHandle, Map<string, number>>();

  /** Outcome, error type and their label text, interned so that rows share one object. */
  private kindFor(outcome: Outcome | '', errorType: string): RowKind {
    const key = `${outcome}\u0000${errorType}`;
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      const pairs: Array<[string, string]> = outcome ? [[LABEL.outcome, outcome]] : [];
      if (errorType) pairs.push([LABEL.errorType, errorType]);
      kind = { outcome, errorType, suffix: pairs.length ? `,${labelText(pairs)}` : '' };
      if (this.kinds.size < 10_000) this.kinds.set(key, kind);
    }
    return kind;
  }
  private readonly kinds = new Map<string, RowKind>();

  /** @internal OpenTelemetry attributes of a handle (collection time only). */
  attributesOf(handle: OperationHandle): Record<string, string> {
    const attributes: Record<string, string> = { [ATTR.operationType]: handle.type };
    if (handle.isOverflow) attributes[ATTR.overflow] = 'true';
    else if (handle.state.keepName) attributes[ATTR.operationName] = handle.name;
    return attributes;
  }

  /** @internal Bounds the distinct error types of one operation type; the rest become `_OTHER`. */
  limitErrorType(state: TypeState, errorType: string): string {
    if (state.errorTypes.has(errorType)) return errorType;
    if (state.errorTypes.size >= this.options.limits.maxErrorTypes) return OTHER_ERROR_TYPE;
    state.errorTypes.add(errorType);
    return errorType;
  }

  /** @internal Records a 0..1 score into the handle's score histogram. */
  recordScore(handle: OperationHandle, which: 0 | 1, value: number): void {
    const table = this.scoreTables[which];
    let row = handle.scoreRow(which);
    if (row < 0) handle.setScoreRow(which, (row = table.addRow(handle, PLAIN_ROW)));
    table.record(row, value);
  }

  /** Counts one measurement that could not be recorded. Never throws. */
  drop(reason: DropReason, count = 1): void {
    this.drops[DROP_INDEX[reason]]! += count;
  }

  /** Operations running now, grouped by type and name. */
  activeOperations(): ActiveOperation[] {
    const out: ActiveOperation[] = [];
    for (const h of this.handles) if (h.active > 0) out.push({ type: h.type, name: h.name, active: h.active });
    return out;
  }

  /** Resolves true once no operation runs (checked every 10 ms), false when `timeoutMs` passes first. */
  async waitForIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let running = 0;
      for (const h of this.handles) running += h.active;
      if (running <= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Names of the registered operation types. */
  operationTypes(): string[] {
    return [...this.types.keys()];
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key) || this.warned.size > 1000) return;
    this.warned.add(key);
    this.diag.warn(message);
  }
}
