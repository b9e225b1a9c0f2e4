import type { DiagLogger } from '../diag';
import { GUARD_QUEUE_WAIT_BUCKETS, GUARD_REJECT_REASONS, type GuardRejectReason } from '../names';
import type { Operation } from '../types';
import { FifoQueue, type QueueEntry } from './FifoQueue';
import { GuardedRun, type RunOwner } from './GuardedRun';
import { GuardArgumentError, GuardRejectedError, type GuardError } from './GuardErrors';
import { newGuardCounts, type GuardCounts, type GuardMetrics } from './GuardMetrics';
import type { ResolvedGuardOptions } from './GuardOptions';
import type { QueueWaitHistogram } from './QueueWaitHistogram';
import { MemorySampler } from './MemorySampler';
import { readRunOptions } from './readRunOptions';
import type { Guard, GuardedWork, GuardRunOptions, GuardStats } from './types';

type Work = (signal: AbortSignal, ...args: unknown[]) => unknown;

/** Finds (or makes) the bound operation handle for a type and name; never throws. */
export type OperationLookup = (type: string, name: string) => Operation;

/**
 * The guard behind `perf.guard()`: at most `maxConcurrent` operations run at once, up to `maxQueue` wait in
 * FIFO order (each at most `queueTimeoutMs`), the rest are refused at once. Each run gets an AbortSignal, a
 * timeout and a memory budget (see {@link GuardedRun}).
 */
export class GuardRunner implements Guard, RunOwner {
  readonly name: string;
  readonly counts: GuardCounts;
  readonly memory: MemorySampler | undefined;
  private readonly queue = new FifoQueue<GuardedRun>();
  private readonly entries = new Map<GuardedRun, QueueEntry<GuardedRun>>();
  /** This guard's queue waits: recording writes into its arrays (no attribute hashing, nothing allocated). */
  private readonly queueWait: QueueWaitHistogram;
  private isShutDown = false;
  private isPumping = false;

  constructor(
    readonly options: Readonly<ResolvedGuardOptions>,
    private readonly lookup: OperationLookup,
    metrics: GuardMetrics,
    diag: DiagLogger,
  ) {
    this.name = options.name;
    this.counts = newGuardCounts(options.name, options.maxConcurrent);
    this.queueWait = metrics.add(this.counts);
    this.memory =
      options.memoryBudgetMb === undefined
        ? undefined
        : new MemorySampler(options.memoryBudgetMb * 1048576, options.memorySampleIntervalMs, diag);
  }

  run<A extends unknown[], T>(type: string, name: string, work: GuardedWork<A, T>, ...args: A): Promise<Awaited<T>> {
    if (typeof work !== 'function') {
      return Promise.reject(new GuardArgumentError(this.name, `run(type, name, work) expects work to be a function, got ${typeof work}`));
    }
    return this.enter(type, name, undefined, work as Work, args);
  }

  runWith<A extends unknown[], T>(options: GuardRunOptions, work: GuardedWork<A, T>, ...args: A): Promise<Awaited<T>> {
    const call = readRunOptions(options, work);
    if (typeof call === 'string') return Promise.reject(new GuardArgumentError(this.name, call));
    return this.enter(call.type, call.name, call.signal, work as Work, args);
  }

  stats(): GuardStats {
    const c = this.counts;
    return {
      name: this.name,
      inFlight: c.inFlight,
      queued: c.queued,
      utilization: c.inFlight / c.maxConcurrent,
      completed: c.completed,
      rejected: GUARD_REJECT_REASONS.reduce((sum, reason) => sum + c.rejected[reason], 0),
      timedOut: c.timedOut,
      resourceAborts: c.resourceAborts,
      peakMemoryGrowthBytes: Math.max(0, this.memory?.peakGrowthBytes ?? 0),
      queueWait: { bounds: GUARD_QUEUE_WAIT_BUCKETS, counts: this.queueWait.counts() },
    };
  }

  shutdown(): void {
    if (this.isShutDown) return;
    this.isShutDown = true;
    for (const run of this.queue.drain()) {
      this.entries.delete(run);
      this.counts.queued = this.queue.size;
      this.refuse(run, 'shut_down', 'the guard has been shut down', true);
    }
  }

  /** @internal A running operation has ended: give its slot to the next in line. */
  release(): void {
    this.counts.inFlight--;
    this.pump();
  }

  /** @internal A queued run's caller aborted: it leaves the queue now, and its place goes to the next caller. */
  withdraw(run: GuardedRun, reason: unknown): void {
    const entry = this.entries.get(run);
    if (!entry || !this.queue.cancel(entry)) return;
    this.entries.delete(run);
    this.counts.queued = this.queue.size;
    this.turnAway(run, 'caller_aborted', run.callerGoneError('queued', reason), true);
  }

  private enter<T>(type: string, name: string, signal: AbortSignal | undefined, work: Work, args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.admit(new GuardedRun(this, this.lookup(type, name), type, name, work, args, resolve as (value: unknown) => void, reject, signal));
    });
  }

  private admit(run: GuardedRun): void {
    const { maxConcurrent, maxQueue, queueTimeoutMs } = this.options;
    // The caller who has already gone comes first: nothing else about this call matters to anyone.
    if (run.isCallerGone) return this.turnAway(run, 'caller_aborted', run.callerGoneError('before_call'), false);
    if (this.isShutDown) return this.refuse(run, 'shut_down', 'the guard has been shut down', false);
    const isSlotFree = this.counts.inFlight < maxConcurrent && this.queue.size === 0;
    if (!isSlotFree && this.queue.size >= maxQueue) {
      const detail = `all ${maxConcurrent} slots are busy and the queue is full (maxQueue ${maxQueue})`;
      return this.refuse(run, 'queue_full', detail, false);
    }
    if (!run.listenToCaller()) {
      return run.dismiss(new GuardArgumentError(this.name, 'runWith(options, work): options.signal cannot be listened to (a proxy whose trap threw?)'));
    }
    if (isSlotFree) return this.begin(run);
    this.entries.set(run, this.queue.push(run));
    this.counts.queued = this.queue.size;
    if (queueTimeoutMs !== undefined) {
      run.queueTimer = setTimeout(() => this.expire(run), queueTimeoutMs);
      run.queueTimer.unref();
    }
  }

  private expire(run: GuardedRun): void {
    const entry = this.entries.get(run);
    if (!entry || !this.queue.cancel(entry)) return;
    this.entries.delete(run);
    this.counts.queued = this.queue.size;
    const detail = `it waited ${this.options.queueTimeoutMs} ms for one of ${this.options.maxConcurrent} slots (queueTimeoutMs)`;
    this.refuse(run, 'queue_timeout', detail, true);
  }

  private refuse(run: GuardedRun, reason: Exclude<GuardRejectReason, 'caller_aborted'>, detail: string, hasWaited: boolean): void {
    this.turnAway(run, reason, new GuardRejectedError(this.name, run.type, run.name, reason, detail), hasWaited);
  }

  /** The run never starts: counted under `reason`, its wait recorded when it waited in the queue, its caller answered with `error`. */
  private turnAway(run: GuardedRun, reason: GuardRejectReason, error: GuardError, hasWaited: boolean): void {
    if (run.queueTimer) clearTimeout(run.queueTimer);
    this.counts.rejected[reason]++;
    const waited = (performance.now() - run.calledAt) / 1000;
    if (hasWaited) this.queueWait.record(waited);
    run.refuse(error, hasWaited ? waited : 0);
  }

  private begin(run: GuardedRun): void {
    if (run.queueTimer) clearTimeout(run.queueTimer);
    this.counts.inFlight++;
    this.queueWait.record((performance.now() - run.calledAt) / 1000);
    run.start();
  }

  private pump(): void {
    // Sync work ends inside start(), which calls release() again: the flag turns that recursion into this loop.
    if (this.isPumping) return;
    this.isPumping = true;
    try {
      while (this.counts.inFlight < this.options.maxConcurrent) {
        const next = this.queue.shift();
        if (next === undefined) break;
        this.entries.delete(next);
        this.counts.queued = this.queue.size;
        // Looked at again here, whatever its listener heard: a caller whose signal has aborted is gone, its work is
        // not started (a listener a lying own `aborted` getter kept from being added never hears the abort).
        if (next.isCallerGone) this.turnAway(next, 'caller_aborted', next.callerGoneError('queued'), true);
        else this.begin(next);
      }
    } finally {
      this.isPumping = false;
    }
  }
}
