import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { EventLoopSample } from '../types';

/**
 * Event-loop delay (perf_hooks.monitorEventLoopDelay) and utilization (performance.eventLoopUtilization) over the
 * last interval. The histogram records the time between its timer's wake-ups, which includes the timer's own
 * resolution; that resolution is subtracted so an idle loop reads ~0 s of delay, not 10 ms.
 */
export class EventLoopCollector {
  eventLoop: EventLoopSample | undefined;
  private readonly histogram: IntervalHistogram;
  private lastElu: EventLoopUtilization;
  private readonly resolutionSeconds: number;

  constructor(resolutionMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
    this.lastElu = performance.eventLoopUtilization();
    this.resolutionSeconds = resolutionMs / 1000;
  }

  collect(): void {
    const h = this.histogram;
    // An interval without a sample reads 511 ns for every percentile and 0 for the max (Node.js 20-26), which the
    // clamp turned into 0 s of delay: a loop never measured (the first collection, right after enable(), or a
    // resolution not below the interval, which the configuration refuses) leaves the delays out instead.
    const hasSample = h.count > 0;
    const delay = (ns: number) => (hasSample ? Math.max(0, ns / 1e9 - this.resolutionSeconds) : undefined);
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    this.eventLoop = {
      p50: delay(h.percentile(50)),
      p99: delay(h.percentile(99)),
      max: delay(h.max),
      utilization: Number.isFinite(elu.utilization) ? elu.utilization : 0,
    };
    h.reset();
  }

  /** Stops the delay histogram's timer. */
  stop(): void {
    this.histogram.disable();
  }
}
