import type { Outcome } from './names';

/**
 * What a tracked function receives: per-type figures recorded against the operation's type and name.
 * Every method ignores (and counts as dropped) values that are not finite, non-negative numbers.
 */
export interface OperationContext {
  /** Bytes transferred (download): `perfkit_download_bytes_total`. */
  addBytes(bytes: number): void;
  /** One retry (any type): `perfkit_operation_retries_total`. */
  retry(): void;
  /** Items processed (any type): `perfkit_operation_items_total`. */
  addItems(count: number): void;
  /** Result of a download's integrity check: `perfkit_download_integrity_checks_total{integrity_result}`. */
  integrityCheck(passed: boolean): void;
  /** Integrity score between 0 and 1 (health check). */
  integrityScore(score: number): void;
  /** Corruptions a health check found. */
  corruptionsFound(count: number): void;
  /** Alternatives a fallback considered. */
  alternativesConsidered(count: number): void;
  /** Compatibility score (0..1) of the alternative a fallback chose. */
  compatibilityScore(score: number): void;
  /** Tokens a model operation processed. */
  addTokens(count: number): void;
  /** Records an analytics collection processed. */
  addRecords(count: number): void;
}

/** How `end()` may finish an operation. */
export interface EndOptions {
  /** Defaults to `success`. */
  outcome?: Outcome;
  /** `error.type` for a `failure` outcome (low cardinality: a class name or code). */
  errorType?: string;
}

/** A running operation from `handle.start()`. Ending it twice records once. */
export interface OperationTimer {
  /** Ends the operation (success unless `outcome` says otherwise); returns the duration in seconds. */
  end(options?: EndOptions): number;
  /** Ends the operation as a failure with the error's type; returns the duration in seconds. */
  fail(error: unknown): number;
  /** Whether `end()` or `fail()` has been called. */
  readonly isEnded: boolean;
}

/** A handle bound to one operation type and name: resolved once, reused for every call. */
export interface Operation extends OperationContext {
  /** The operation type, e.g. `download`. */
  readonly type: string;
  /** The operation name, e.g. `fetch-weights`. */
  readonly name: string;
  /** Runs `fn` (sync or async), records its duration and outcome, and returns (or re-throws) what it does. */
  track<T>(fn: (op: OperationContext) => T): T;
  /** Starts timing by hand. */
  start(): OperationTimer;
  /** Records an operation that was timed elsewhere (duration in seconds). */
  record(seconds: number, options?: EndOptions): void;
}

/** One entry of `perf.activeOperations()`. */
export interface ActiveOperation {
  readonly type: string;
  readonly name: string;
  /** How many run now. */
  readonly active: number;
}
