import type { Attributes } from '@opentelemetry/api';
import { GUARD_ATTR, GUARD_QUEUE_WAIT_BUCKETS } from '../names';

/** Queue-wait bucket bounds (seconds), +Inf excluded. */
const BOUNDS = Float64Array.from(GUARD_QUEUE_WAIT_BUCKETS);
/** Buckets per guard, +Inf included. */
export const QUEUE_WAIT_BUCKETS = BOUNDS.length + 1;
/** Layout of the numbers after the bucket counts. */
export const SUM = QUEUE_WAIT_BUCKETS;
export const COUNT = SUM + 1;
export const MIN = SUM + 2;
export const MAX = SUM + 3;
/** Smallest and largest wait since the last delta collection (OTLP with a delta temporality preference). */
export const INTERVAL_MIN = SUM + 4;
export const INTERVAL_MAX = SUM + 5;
const LENGTH = SUM + 6;

/**
 * One guard's queue waits (seconds), kept by perfkit instead of an OpenTelemetry SDK histogram: the SDK hashes the
 * attributes on every `record()`, this writes a few numbers into a Float64Array allocated once per guard (per-bucket
 * counts on {@link GUARD_QUEUE_WAIT_BUCKETS}, +Inf last, then sum, count, min and max). Read at collection time by
 * {@link GuardQueueWaits}, which hands it to the Prometheus scrape and to OTLP as the SDK histogram was.
 */
export class QueueWaitHistogram {
  /** Bucket counts, then SUM, COUNT, MIN, MAX, INTERVAL_MIN, INTERVAL_MAX. */
  readonly data = new Float64Array(LENGTH);
  /** The `guard` attribute, one object for the guard's life (the serializer caches label text per object). */
  readonly attributes: Attributes;

  constructor(
    readonly guard: string,
    /** When counting started (ms since epoch): the cumulative start time. */
    readonly createdAt = Date.now(),
  ) {
    this.attributes = { [GUARD_ATTR.guard]: guard };
    this.data[MIN] = this.data[INTERVAL_MIN] = Infinity;
    this.data[MAX] = this.data[INTERVAL_MAX] = -Infinity;
  }

  /** Records one wait; a negative or NaN value (impossible from a monotonic clock) is dropped, as the SDK drops it. */
  record(seconds: number): void {
    if (!(seconds >= 0)) return;
    const d = this.data;
    let i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]!) i++;
    d[i]!++;
    d[SUM]! += seconds;
    d[COUNT]!++;
    if (seconds < d[MIN]!) d[MIN] = seconds;
    if (seconds > d[MAX]!) d[MAX] = seconds;
    if (seconds < d[INTERVAL_MIN]!) d[INTERVAL_MIN] = seconds;
    if (seconds > d[INTERVAL_MAX]!) d[INTERVAL_MAX] = seconds;
  }

  /** Per-bucket counts (not cumulative), +Inf last. */
  counts(): number[] {
    return Array.from(this.data.subarray(0, QUEUE_WAIT_BUCKETS));
  }
}
