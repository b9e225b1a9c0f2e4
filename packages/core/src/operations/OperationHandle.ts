import { OUTCOMES, type Outcome } from '../names';
import type { EndOptions, Operation, OperationContext, OperationTimer } from '../types';
import type { OperationStore } from '../store/OperationStore';
import type { HistogramTable, RowOwner } from '../store/HistogramTable';
import { errorTypeOf, isValidErrorType } from './errorType';
import { FIGURE, FIGURE_SLOTS } from './figures';
import { Timer } from './OperationTimer';

const now = performance.now.bind(performance);
const OUTCOME_INDEX: Readonly<Record<string, number>> = Object.fromEntries(OUTCOMES.map((o, i) => [o, i]));
const SUCCESS = 0;
// Integrity results are exported as a pair: once one is reported, the other reads 0 rather than absent.
const FIGURE_BIT = Array.from({ length: FIGURE_SLOTS }, (_, slot) =>
  slot === FIGURE.integrityPassed || slot === FIGURE.integrityFailed ? (1 << FIGURE.integrityPassed) | (1 << FIGURE.integrityFailed) : 1 << slot,
);
const FAILURE = 1;

/** Per-type state a handle shares with its siblings (owned by the store). */
export interface TypeState {
  readonly type: string;
  readonly table: HistogramTable;
  readonly keepName: boolean;
  readonly keepErrorType: boolean;
  readonly errorTypes: Set<string>;
}

/**
 * A bound operation: its series are resolved when it is created, so `track()` only reads the clock twice and
 * increments one preallocated row. The handle is also the `op` passed to tracked functions (figures are
 * per type and name, not per call), so a sync `track()` allocates nothing.
 */
export class OperationHandle implements Operation, RowOwner {
  /** Prometheus label text shared by every series of this handle (no braces). */
  readonly baseLabels: string;
  /** Operations of this handle running now. */
  active = 0;
  /** Counter figures, allocated on first use. */
  figures: Float64Array | null = null;
  /** Bit per figure slot that has been reported at least once (only those are exported). */
  figureMask = 0;
  /** Row offsets of the score histograms, -1 until first use. */
  readonly scoreRows = new Int32Array([-1, -1]);
  /** Row offset per outcome, -1 until first use. */
  private readonly outcomeRows = new Int32Array(OUTCOMES.length).fill(-1);
  private readonly failureRows = new Map<string, number>();

  constructor(
    private readonly store: OperationStore,
    readonly state: TypeState,
    readonly name: string,
    baseLabels: string,
    /** Attributes shared by every series of this handle (OpenTelemetry export). */
    readonly baseAttributes: Readonly<Record<string, string>>,
    readonly isOverflow: boolean,
  ) {
    this.baseLabels = baseLabels;
    this.outcomeRows[SUCCESS] = store.addDurationRow(this, 'success', '');
  }

  /** The operation type. */
  get type(): string {
    return this.state.type;
  }

  track<T>(fn: (op: OperationContext) => T): T {
    if (typeof fn !== 'function') {
      this.store.drop('invalid_value');
      return undefined as T;
    }
    const t0 = now();
    this.active++;
    let result: T;
    try {
      result = fn(this);
    } catch (err) {
      this.finishFailure(t0, err);
      throw err;
    }
    if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
      let then: unknown;
      try {
        then = (result as { then?: unknown }).then;
      } catch {
        then = undefined;
      }
      if (typeof then === 'function') return this.trackThenable(result as unknown as PromiseLike<unknown>, then, t0) as T;
    }
    this.finishSuccess(t0);
    return result;
  }

  private trackThenable(result: PromiseLike<unknown>, then: unknown, t0: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      try {
        (then as PromiseLike<unknown>['then']).call(
          result,
          (value) => {
            this.finishSuccess(t0);
            resolve(value);
          },
          (err: unknown) => {
            this.finishFailure(t0, err);
            reject(err);
          },
        );
      } catch (err) {
        this.finishFailure(t0, err);
        reject(err);
      }
    });
  }

  start(): OperationTimer {
    this.active++;
    return new Timer(this, now());
  }

  record(seconds: number, options?: EndOptions): void {
    if (typeof seconds !== 'number' || !(seconds >= 0) || seconds === Infinity) {
      this.store.drop('invalid_value');
      return;
    }
    this.recordOutcome(seconds, options?.outcome, options?.errorType);
  }

  /** @internal Ends a run started by `track()`/`start()` as a success. */
  finishSuccess(t0: number): number {
    const seconds = (now() - t0) / 1000;
    this.active--;
    this.state.table.record(this.outcomeRows[SUCCESS]!, seconds);
    return seconds;
  }

  /** @internal Ends a run as a failure with the thrown value's error type. */
  finishFailure(t0: number, err: unknown): number {
    const seconds = (now() - t0) / 1000;
    this.active--;
    this.state.table.record(this.failureRow(errorTypeOf(err)), seconds);
    return seconds;
  }

  /** @internal Ends a run with an explicit outcome. */
  finishWith(t0: number, outcome: unknown, errorType: unknown): number {
    const seconds = (now() - t0) / 1000;
    this.active--;
    this.recordOutcome(seconds, outcome, errorType);
    return seconds;
  }

  private recordOutcome(seconds: number, outcome: unknown, errorType: unknown): void {
    const index = outcome === undefined ? SUCCESS : typeof outcome === 'string' ? OUTCOME_INDEX[outcome] : undefined;
    if (index === undefined) {
      this.store.drop('invalid_value');
      return;
    }
    if (index === FAILURE) {
      this.state.table.record(this.failureRow(isValidErrorType(errorType) ? errorType : '_OTHER'), seconds);
      return;
    }
    let row = this.outcomeRows[index]!;
    if (row < 0) row = this.outcomeRows[index] = this.store.addDurationRow(this, OUTCOMES[index] as Outcome, '');
    this.state.table.record(row, seconds);
  }

  private failureRow(errorType: string): number {
    const key = this.state.keepErrorType ? this.store.limitErrorType(this.state, errorType) : '';
    let row = this.failureRows.get(key);
    if (row === undefined) {
      row = this.store.addDurationRow(this, 'failure', key);
      this.failureRows.set(key, row);
    }
    return row;
  }

  /** @internal Counts a second end() of one timer. */
  dropAlreadyEnded(): void {
    this.store.drop('already_ended');
  }

  // ---- figures (OperationContext) ----

  private add(slot: number, value: unknown): void {
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
      this.store.drop('invalid_value');
      return;
    }
    (this.figures ??= new Float64Array(FIGURE_SLOTS))[slot]! += value;
    this.figureMask |= FIGURE_BIT[slot]!;
  }

  private score(which: 0 | 1, value: unknown): void {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      this.store.drop('invalid_value');
      return;
    }
    this.store.recordScore(this, which, value);
  }

  addBytes(bytes: number): void {
    this.add(FIGURE.downloadBytes, bytes);
  }
  retry(): void {
    this.add(FIGURE.retries, 1);
  }
  addItems(count: number): void {
    this.add(FIGURE.items, count);
  }
  integrityCheck(passed: boolean): void {
    if (typeof passed !== 'boolean') this.store.drop('invalid_value');
    else this.add(passed ? FIGURE.integrityPassed : FIGURE.integrityFailed, 1);
  }
  integrityScore(score: number): void {
    this.score(0, score);
  }
  corruptionsFound(count: number): void {
    this.add(FIGURE.corruptions, count);
  }
  alternativesConsidered(count: number): void {
    this.add(FIGURE.alternatives, count);
  }
  compatibilityScore(score: number): void {
    this.score(1, score);
  }
  addTokens(count: number): void {
    this.add(FIGURE.tokens, count);
  }
  addRecords(count: number): void {
    this.add(FIGURE.records, count);
  }
}
