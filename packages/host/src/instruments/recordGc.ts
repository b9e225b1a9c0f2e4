import type { Meter } from '@opentelemetry/api';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { GC_DURATION_BUCKETS, HOST_ATTR, HOST_METRICS } from '../names';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Records every GC pause V8 reports (PerformanceObserver 'gc' entries) into the v8js.gc.duration histogram, in
 * seconds with explicit sub-millisecond buckets (the SDK default buckets are milliseconds-scale and would put every
 * minor GC in the first bucket). Returns a function that disconnects the observer.
 */
export function recordGc(meter: Meter): () => void {
  const def = HOST_METRICS.gcDuration;
  const histogram = meter.createHistogram(def.otel, {
    unit: def.unit,
    description: def.description,
    advice: { explicitBucketBoundaries: [...GC_DURATION_BUCKETS] },
  });
  const attributes = Object.fromEntries(Object.entries(KINDS).map(([k, kind]) => [k, { [HOST_ATTR.gcType]: kind }]));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1;
      const seconds = entry.duration / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) histogram.record(seconds, attributes[kind] ?? { [HOST_ATTR.gcType]: 'other' });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
