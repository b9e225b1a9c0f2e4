import type { DiagLogger } from '../diag';
import { GUARD_QUEUE_WAIT_BUCKETS, type GuardRejectReason } from '../names';
import type { Operation } from '../types';
import { FifoQueue, type QueueEntry } from './FifoQueue';
import { GuardedRun, type RunOwner } from './GuardedRun';
import { GuardRejectedError } from './GuardErrors';
import { newGuardCounts, type GuardCounts, type GuardMetrics } from './GuardMetrics';
import type { ResolvedGuardOptions } from './GuardOptions';
import type { QueueWaitHistogram } from './QueueWaitHistogram';
import { MemorySampler } from './MemorySampler';
import type { Guard, GuardedWork, GuardStats } from './types';

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
      return Promise.reject(new TypeError(`guard "${this.name}": run(type, name, work) expects work to be a function, got ${typeof work}`));
    }
    return new Promise<Awaited<T>>((resolve, reject) => {
      const run = new GuardedRun(
        this,
        this.lookup(type, name),
        type,
        name,
        work as (signal: AbortSignal, ...args: unknown[]) => unknown,
        args,
        resolve as (value: unknown) => void,
        reject,
      );
      this.admit(run);
    });
  }

  stats(): GuardStats {
    const c = this.counts;
    return {
      name: this.name,
      inFlight: c.inFlight,
      queued: c.queued,
      utilization: c.inFlight / c.maxConcurrent,
      completed: c.completed,
      rejected: c.rejected.queue_full + c.rejected.queue_timeout + c.rejected.shut_down,
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

  private admit(run: GuardedRun): void {
    const { maxConcurrent, maxQueue, queueTimeoutMs } = this.options;
    if (this.isShutDown) return this.refuse(run, 'shut_down', 'the guard has been shut down', false);
    if (this.counts.inFlight < maxConcurrent && this.queue.size === 0) return this.begin(run);
    if (this.queue.size >= maxQueue) {
      const detail = `all ${maxConcurrent} slots are busy and the queue is full (maxQueue ${maxQueue})`;
      return this.refuse(run, 'queue_full', detail, false);
    }
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

  private refuse(run: GuardedRun, reason: GuardRejectReason, detail: string, hasWaited: boolean): void {
    if (run.queueTimer) clearTimeout(run.queueTimer);
    this.counts.rejected[reason]++;
    const waited = (performance.now() - run.calledAt) / 1000;
    if (hasWaited) this.queueWait.record(waited);
    run.refuse(new GuardRejectedError(this.name, run.type, run.name, reason, detail), hasWaited ? waited : 0);
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
        this.begin(next);
      }
    } finally {
      this.isPumping = false;
    }
  }
}
