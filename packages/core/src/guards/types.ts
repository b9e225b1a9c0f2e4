import type { ResolvedGuardOptions } from './GuardOptions';

/** The work a guard runs: it gets an `AbortSignal` first, then the arguments given to `run()`, untouched. */
export type GuardedWork<A extends unknown[], T> = (signal: AbortSignal, ...args: A) => T;

/** What `guard.runWith()` takes before the work: the operation it records and, optionally, the caller's signal. */
export interface GuardRunOptions {
  /** Operation type, as `run()`'s first argument. */
  readonly type: string;
  /** Operation name, as `run()`'s second argument. */
  readonly name: string;
  /**
   * The caller's signal (a request's `req.signal`, `AbortSignal.timeout(ms)`, `AbortSignal.any([...])`): aborted before
   * the work starts, the call leaves the queue (or is never queued) and rejects with `GuardAbortedError`; aborted
   * while it runs, the work's signal aborts with the caller's reason, and the slot is held until the work ends.
   */
  readonly signal?: AbortSignal | undefined;
}

/** What a guard counts, for health pages and tests (the same numbers its metrics carry). */
export interface GuardStats {
  /** Guard name (the `guard` label). */
  readonly name: string;
  /** Operations holding a slot now, timed-out work that has not ended included. */
  readonly inFlight: number;
  /** Operations waiting in the queue now. */
  readonly queued: number;
  /** `inFlight / maxConcurrent`. */
  readonly utilization: number;
  /** Operations that ended (any outcome) after they started. */
  readonly completed: number;
  /** Not run: queue full, queue wait past `queueTimeoutMs`, shut down, or the caller's signal aborted before the work started. */
  readonly rejected: number;
  /** Aborted for running past `timeoutMs`. */
  readonly timedOut: number;
  /** Aborted for memory growth past `memoryBudgetMb`. */
  readonly resourceAborts: number;
  /** Peak memory growth (bytes, resident set or heap, whichever is larger) any one operation saw; 0 without a budget. */
  readonly peakMemoryGrowthBytes: number;
  /** Queue waits since start, bucketed (seconds; counts per bucket, +Inf last): feed `histogramQuantile()`. */
  readonly queueWait: { readonly bounds: readonly number[]; readonly counts: readonly number[] };
}

/** A guard from `perf.guard()`: concurrency limit, bounded FIFO queue, timeout and memory budget around work. */
export interface Guard {
  /** Guard name. */
  readonly name: string;
  /** The validated options. */
  readonly options: Readonly<ResolvedGuardOptions>;
  /**
   * Runs `work(signal, ...args)` as one operation of `type`/`name` once a slot is free. Resolves with what the
   * work returns; rejects with what it throws (unchanged), or with a `GuardRejectedError`, `GuardTimeoutError` or
   * `GuardResourceError` (`GuardArgumentError` when work is not a function). Never throws synchronously.
   */
  run<A extends unknown[], T>(type: string, name: string, work: GuardedWork<A, T>, ...args: A): Promise<Awaited<T>>;
  /**
   * `run()` with its operation named in an options object that can carry the caller's `signal`: the call stops
   * waiting when the caller goes (`GuardAbortedError`, `cause` = the signal's reason), and running work is told through
   * its own signal. Invalid options reject with `PERFKIT_ERR_GUARD_INVALID_ARGUMENT`. Never throws synchronously.
   */
  runWith<A extends unknown[], T>(options: GuardRunOptions, work: GuardedWork<A, T>, ...args: A): Promise<Awaited<T>>;
  /** Counts, for health pages and tests. */
  stats(): GuardStats;
  /** Refuses queued and new work (`reason: 'shut_down'`); running work finishes under its timeout and budget. Idempotent. */
  shutdown(): void;
}
