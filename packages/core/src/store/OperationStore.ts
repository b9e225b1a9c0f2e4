import type { DiagLogger } from '../diag';
import { PerfkitError, safeString } from '../errors';
import { ATTR, DROP_REASONS, LABEL, SCORE_BUCKETS, type DropReason, type Outcome } from '../names';
import type { ResolvedConfig } from '../config';
import type { ActiveOperation, Operation } from '../types';
import { OperationHandle, type TypeState } from '../operations/OperationHandle';
import { DISABLED_OPERATION, DroppingOperation } from '../operations/DroppingOperation';
import { OTHER_ERROR_TYPE } from '../operations/errorType';
import { builtinTypes, checkBuckets, checkTypeName, DEFAULT_BUCKETS } from '../operations/OperationTypes';
import { HistogramTable, labelText, PLAIN_ROW, type RowKind } from './HistogramTable';

const DROP_INDEX = Object.fromEntries(DROP_REASONS.map((r, i) => [r, i])) as Record<DropReason, number>;

/** Options of {@link OperationStore}, taken from the resolved configuration. */
export type StoreOptions = Pick<ResolvedConfig, 'operationTypes' | 'views' | 'limits'> & {
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

  constructor(
    private readonly options: StoreOptions,
    private readonly diag: DiagLogger,
  ) {
    this.constLabels = options.constLabels ?? '';
    for (const [type, buckets] of builtinTypes()) this.registerType(type, buckets);
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
    const view = this.viewFor(type);
    const bounds = checkBuckets(type, view?.buckets ?? buckets ?? existing?.table.bounds ?? DEFAULT_BUCKETS[type] ?? DEFAULT_BUCKETS.default);
    if (existing && existing.table.size > 0) {
      const same = existing.table.bounds.length === bounds.length && bounds.every((b, i) => b === existing.table.bounds[i]);
      if (same) return;
      throw new PerfkitError('PERFKIT_ERR_INVALID_BUCKETS', {
        type,
        detail: 'the type already has series; register its buckets before creating operations',
      });
    }
    const attributes = view?.attributes;
    const typeLabels = this.constLabels + labelText([[LABEL.operationType, type]]);
    this.types.set(type, {
      type,
      table: new HistogramTable(bounds),
      namePrefix: `${typeLabels},${LABEL.operationName}="`,
      typeLabels,
      overflowLabels: `${typeLabels},${LABEL.overflow}="true"`,
      keepName: !attributes || attributes.includes(ATTR.operationName),
      keepErrorType: !attributes || attributes.includes(ATTR.errorType),
      errorTypes: new Set(),
    });
    this.byType.set(type, new Map());
  }

  private viewFor(type: string) {
    const views = this.options.views;
    return views.find((v) => v.operationType === type) ?? views.find((v) => v.operationType === undefined);
  }

  /** The handle for a type and name: the hot lookup is two Map reads; everything else happens once. */
  operation(type: string, name: string): Operation {
    if (this.options.disabled) return DISABLED_OPERATION;
    const found = this.byType.get(type)?.get(name);
    if (found !== undefined) return found;
    return this.createOperation(type, name);
  }

  private createOperation(type: unknown, name: unknown): Operation {
    const state = typeof type === 'string' ? this.types.get(type) : undefined;
    if (!state) return this.droppingFor(type, name, 'unknown_operation_type');
    if (typeof name !== 'string' || name.length === 0 || name.length > this.options.limits.maxNameLength) {
      return this.droppingFor(type, name, 'invalid_name');
    }
    const byName = this.byType.get(state.type)!;
    if (!state.keepName) {
      let collapsed = byName.get('');
      if (!collapsed) byName.set('', (collapsed = this.newHandle(state, '', false)));
      if (byName.size < this.options.limits.maxSeriesPerMetric) byName.set(name, collapsed);
      return collapsed;
    }
    if (this.durationRows >= this.options.limits.maxSeriesPerMetric) return this.overflowFor(state);
    const handle = this.newHandle(state, name, false);
    byName.set(name, handle);
    return handle;
  }

  private newHandle(state: TypeState, name: string, isOverflow: boolean): OperationHandle {
    const handle = new OperationHandle(this, state, name, isOverflow);
    this.handles.push(handle);
    return handle;
  }

  private overflowFor(state: TypeState): OperationHandle {
    let handle = this.overflow.get(state.type);
    if (!handle) {
      handle = this.newHandle(state, '', true);
      this.overflow.set(state.type, handle);
      this.diag.warn(
        `operation series limit (${this.options.limits.maxSeriesPerMetric}) reached; new "${state.type}" operations are recorded under otel.metric.overflow="true"`,
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

  /** @internal Adds a duration row for a handle; past the series limit the overflow handle's row is used. */
  addDurationRow(handle: OperationHandle, outcome: Outcome, errorType: string): number {
    const state = handle.state;
    if (!handle.isOverflow && this.durationRows >= this.options.limits.maxSeriesPerMetric) {
      return this.rowOf(this.overflowFor(state), outcome, errorType);
    }
    if (!handle.isOverflow) this.durationRows++;
    return state.table.addRow(handle, this.kindFor(outcome, errorType));
  }

  /** Outcome, error type and their label text, interned so that rows share one object. */
  private kindFor(outcome: Outcome, errorType: string): RowKind {
    const key = `${outcome}\u0000${errorType}`;
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      const pairs: Array<[string, string]> = [[LABEL.outcome, outcome]];
      if (errorType) pairs.push([LABEL.errorType, errorType]);
      kind = { outcome, errorType, suffix: `,${labelText(pairs)}` };
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

  private rowOf(handle: OperationHandle, outcome: Outcome, errorType: string): number {
    // Overflow rows: one per outcome (and error type) of the overflow handle, created on first use.
    const key = `${outcome}\u0000${errorType}`;
    const cache = (this.overflowRows ??= new Map<OperationHandle, Map<string, number>>());
    let rows = cache.get(handle);
    if (!rows) cache.set(handle, (rows = new Map()));
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = this.addDurationRow(handle, outcome, errorType)));
    return row;
  }
  private overflowRows?: Map<OperationHandle, Map<string, number>>;

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
