import type { Attributes, Meter } from '@opentelemetry/api';
import { GUARD_ATTR, GUARD_METRICS, GUARD_REJECT_REASONS, type GuardRejectReason, type MetricDef } from '../names';
import type { GuardQueueWaits } from './GuardQueueWaits';
import type { QueueWaitHistogram } from './QueueWaitHistogram';

/** The plain counters a guard keeps; read at collection time, so the run path only increments numbers. */
export interface GuardCounts {
  readonly name: string;
  readonly maxConcurrent: number;
  inFlight: number;
  queued: number;
  completed: number;
  timedOut: number;
  resourceAborts: number;
  readonly rejected: Record<GuardRejectReason, number>;
}

/** A new set of zeroed counts for one guard. */
export function newGuardCounts(name: string, maxConcurrent: number): GuardCounts {
  const rejected = Object.fromEntries(GUARD_REJECT_REASONS.map((r) => [r, 0])) as Record<GuardRejectReason, number>;
  return { name, maxConcurrent, inFlight: 0, queued: 0, completed: 0, timedOut: 0, resourceAborts: 0, rejected };
}

const opts = (d: MetricDef) => ({ description: d.description, unit: d.unit });

/**
 * The guard instruments on the perfkit meter, shared by every guard of one instance: observable gauges and
 * counters that read {@link GuardCounts} when a scrape or an OTLP export collects. The queue-wait histogram is not
 * an SDK instrument (its `record()` hashes the attributes on every call): each guard gets a {@link QueueWaitHistogram}
 * from {@link GuardQueueWaits}, which perfkit's readers collect.
 */
export class GuardMetrics {
  private readonly guards = new Map<string, { counts: GuardCounts; attributes: Attributes; byReason: Attributes[] }>();

  constructor(
    meter: Meter,
    private readonly queueWaits: GuardQueueWaits,
  ) {
    const m = GUARD_METRICS;
    const depth = meter.createObservableGauge(m.queueDepth.otel, opts(m.queueDepth));
    const utilization = meter.createObservableGauge(m.utilization.otel, opts(m.utilization));
    const inFlight = meter.createObservableGauge(m.inFlight.otel, opts(m.inFlight));
    const limit = meter.createObservableGauge(m.maxConcurrent.otel, opts(m.maxConcurrent));
    const rejections = meter.createObservableCounter(m.rejections.otel, opts(m.rejections));
    const timeouts = meter.createObservableCounter(m.timeouts.otel, opts(m.timeouts));
    const aborts = meter.createObservableCounter(m.resourceAborts.otel, opts(m.resourceAborts));
    meter.addBatchObservableCallback(
      (result) => {
        for (const { counts: c, attributes, byReason } of this.guards.values()) {
          result.observe(depth, c.queued, attributes);
          result.observe(utilization, c.inFlight / c.maxConcurrent, attributes);
          result.observe(inFlight, c.inFlight, attributes);
          result.observe(limit, c.maxConcurrent, attributes);
          GUARD_REJECT_REASONS.forEach((reason, i) => result.observe(rejections, c.rejected[reason], byReason[i]));
          result.observe(timeouts, c.timedOut, attributes);
          result.observe(aborts, c.resourceAborts, attributes);
        }
      },
      [depth, utilization, inFlight, limit, rejections, timeouts, aborts],
    );
  }

  /** Starts reporting one guard's counts; returns the histogram to record its queue waits into. */
  add(counts: GuardCounts): QueueWaitHistogram {
    const attributes: Attributes = { [GUARD_ATTR.guard]: counts.name };
    const byReason = GUARD_REJECT_REASONS.map((reason) => ({ ...attributes, [GUARD_ATTR.rejectReason]: reason }));
    this.guards.set(counts.name, { counts, attributes, byReason });
    return this.queueWaits.add(counts.name);
  }
}
