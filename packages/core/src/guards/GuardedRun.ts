import type { Operation, OperationTimer } from '../types';
import { CallerSignal, type CallerAbortListener } from './CallerSignal';
import { GuardAbortedError, GuardResourceError, GuardTimeoutError, type GuardError } from './GuardErrors';
import type { GuardCounts } from './GuardMetrics';
import type { ResolvedGuardOptions } from './GuardOptions';
import type { MemorySampler } from './MemorySampler';

/** What a run needs from the guard that owns it. */
export interface RunOwner {
  readonly name: string;
  readonly options: ResolvedGuardOptions;
  readonly counts: GuardCounts;
  readonly memory: MemorySampler | undefined;
  /** Called once when the work has really ended, so the slot can go to the next in line. */
  release(): void;
  /** Called when the caller's signal aborts before the work started: the run leaves the queue. */
  withdraw(run: GuardedRun, reason: unknown): void;
}

/**
 * One call of `guard.run()`, from the queue to the end of the work. The caller's promise settles once: with the
 * work's value or error, or earlier with a timeout or resource error (the signal is aborted with that same error) or
 * with a `GuardAbortedError` when the caller's own signal aborts (the work's signal is aborted with the caller's
 * reason). The operation timer ends only when the work really ends, so work that ignores the signal stays in
 * `activeOperations()` and keeps its slot until then; its duration is then recorded under the abort's outcome.
 */
export class GuardedRun implements CallerAbortListener {
  /** When `run()` was called (performance.now() ms). */
  readonly calledAt = performance.now();
  /** The queue timeout timer while waiting. */
  queueTimer: NodeJS.Timeout | undefined;
  private isCallerSettled = false;
  private abortedWith: GuardError | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private stopWatch: (() => void) | undefined;
  private timer: OperationTimer | undefined;
  private controller: AbortController | undefined;
  private isListening = false;

  constructor(
    private readonly owner: RunOwner,
    readonly operation: Operation,
    readonly type: string,
    readonly name: string,
    private readonly work: (signal: AbortSignal, ...args: unknown[]) => unknown,
    private readonly args: unknown[],
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (reason: unknown) => void,
    /** The caller's signal (`runWith({ signal })`), already checked to be an AbortSignal. */
    private readonly callerSignal?: AbortSignal,
  ) {}

  /** Whether the caller's signal has aborted (false without one). */
  get isCallerGone(): boolean {
    return this.callerSignal !== undefined && CallerSignal.isAborted(this.callerSignal) !== false;
  }

  /** The error for a caller that left before the work started, with its signal's reason as the cause. */
  callerGoneError(phase: 'before_call' | 'queued', reason: unknown = CallerSignal.reasonOf(this.callerSignal!)): GuardAbortedError {
    return new GuardAbortedError(this.owner.name, this.type, this.name, phase, reason);
  }

  /** Starts listening to the caller's signal (none: nothing to do); false when it cannot be listened to. */
  listenToCaller(): boolean {
    if (this.callerSignal === undefined) return true;
    this.isListening = CallerSignal.listen(this.callerSignal, this);
    return this.isListening;
  }

  /** The caller's signal aborted: a queued run leaves the queue, a running one's work is told and its caller answered. */
  callerAborted(reason: unknown): void {
    if (this.isCallerSettled) return;
    if (this.controller === undefined) this.owner.withdraw(this, reason);
    else this.abort(new GuardAbortedError(this.owner.name, this.type, this.name, 'running', reason), reason);
  }

  /** Settles the caller's promise with an argument error: nothing ran, nothing is recorded. */
  dismiss(error: Error): void {
    this.settleCaller(false, error);
  }

  /** Settles the caller's promise with a refusal; the work never runs. */
  refuse(error: GuardError, waitedSeconds: number): void {
    this.operation.record(waitedSeconds, { outcome: error.outcome });
    this.settleCaller(false, error);
  }

  /** Runs the work now (the owner has given it a slot). */
  start(): void {
    const { options, memory } = this.owner;
    this.timer = this.operation.start();
    const controller = (this.controller = new AbortController());
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      this.deadline = setTimeout(() => this.abort(new GuardTimeoutError(this.owner.name, this.type, this.name, timeoutMs)), timeoutMs);
      this.deadline.unref();
    }
    if (memory) {
      const budget = options.memoryBudgetMb! * 1048576;
      this.stopWatch = memory.watch((rss, heap) => this.abort(new GuardResourceError(this.owner.name, this.type, this.name, budget, rss, heap)));
    }
    const work = this.work;
    let result: unknown;
    try {
      result = work(controller.signal, ...this.args);
    } catch (err) {
      this.finish(false, err);
      return;
    }
    if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
      // Promise.resolve adopts any thenable (and turns a throwing `then` getter into a rejection); both
      // branches are handled here, so nothing the work returns can become an unhandled rejection. It throws itself
      // for a native promise whose `constructor` getter throws: that ends the run as a failure too, or its slot
      // would stay taken for good.
      let adopted: Promise<unknown>;
      try {
        adopted = Promise.resolve(result);
      } catch (err) {
        this.finish(false, err);
        return;
      }
      adopted.then(
        (value) => this.finish(true, value),
        (err: unknown) => this.finish(false, err),
      );
    } else {
      this.finish(true, result);
    }
  }

  /** Aborts the work's signal with `signalReason` (the error itself, or the caller's reason) and answers the caller with `error`. */
  private abort(error: GuardError, signalReason: unknown = error): void {
    if (this.isCallerSettled) return;
    this.abortedWith = error;
    if (error instanceof GuardTimeoutError) this.owner.counts.timedOut++;
    else if (error instanceof GuardResourceError) this.owner.counts.resourceAborts++;
    this.stopTimers();
    this.controller!.abort(signalReason);
    this.settleCaller(false, error);
  }

  private finish(isOk: boolean, valueOrError: unknown): void {
    this.stopTimers();
    const timer = this.timer!;
    if (this.abortedWith) timer.end({ outcome: this.abortedWith.outcome });
    else if (isOk) timer.end();
    else timer.fail(valueOrError);
    this.owner.counts.completed++;
    this.settleCaller(isOk, valueOrError);
    this.owner.release();
  }

  private stopTimers(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  private settleCaller(isOk: boolean, valueOrError: unknown): void {
    if (this.isCallerSettled) return;
    this.isCallerSettled = true;
    if (this.isListening) {
      this.isListening = false;
      CallerSignal.unlisten(this.callerSignal!, this);
    }
    if (isOk) this.resolve(valueOrError);
    else this.reject(valueOrError);
  }
}
