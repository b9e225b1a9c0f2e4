import { ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { temporalityFor, type TemporalityPreference } from '../export/temporality';
import { GUARD_METRICS, GUARD_QUEUE_WAIT_BUCKETS } from '../names';
import { hr, SCOPE } from '../store/StoreMetricProducer';
import { COUNT, INTERVAL_MAX, INTERVAL_MIN, MAX, MIN, QUEUE_WAIT_BUCKETS, QueueWaitHistogram, SUM } from './QueueWaitHistogram';

const DEF = GUARD_METRICS.queueWait;
/** One boundaries array for every data point (the Prometheus serializer caches `le` text per array). */
const BOUNDARIES = [...GUARD_QUEUE_WAIT_BUCKETS];
/** The descriptor the SDK histogram had (`meter.createHistogram` with the bounds as advice). */
const DESCRIPTOR = {
  name: DEF.otel,
  type: InstrumentType.HISTOGRAM,
  description: DEF.description,
  unit: DEF.unit,
  valueType: ValueType.DOUBLE,
  advice: { explicitBucketBoundaries: BOUNDARIES },
};

/**
 * The queue-wait histograms of every guard of one instance ({@link QueueWaitHistogram}, one per guard), produced as
 * the `perfkit.guard.queue.wait` histogram for the readers perfkit owns (the Prometheus scrape, OTLP): perfkit's
 * scope, cumulative unless the OTLP temporality preference asks for delta, a guard's series from its first wait on.
 */
export class GuardQueueWaits {
  private readonly histograms: QueueWaitHistogram[] = [];

  constructor(private readonly resource: Resource) {}

  /** Starts a guard's histogram. */
  add(guard: string): QueueWaitHistogram {
    const histogram = new QueueWaitHistogram(guard);
    this.histograms.push(histogram);
    return histogram;
  }

  /** A producer for one reader, with that reader's temporality preference (delta readers get the change since their last collection). */
  producer(preference: TemporalityPreference = 'cumulative'): MetricProducer {
    const temporality = temporalityFor(InstrumentType.HISTOGRAM, preference);
    const collect = temporality === AggregationTemporality.DELTA ? this.deltaCollector() : () => this.cumulative();
    return {
      collect: async (): Promise<CollectionResult> => {
        const metric = collect();
        return { resourceMetrics: { resource: this.resource, scopeMetrics: metric ? [{ scope: SCOPE, metrics: [metric] }] : [] }, errors: [] };
      },
    };
  }

  private cumulative(): MetricData | undefined {
    const end = hr(Date.now());
    const points: DataPoint<Histogram>[] = [];
    for (const h of this.histograms) {
      const d = h.data;
      if (d[COUNT] === 0) continue;
      const value = { buckets: { boundaries: BOUNDARIES, counts: h.counts() }, sum: d[SUM]!, count: d[COUNT]!, min: d[MIN]!, max: d[MAX]! };
      points.push({ startTime: hr(h.createdAt), endTime: end, attributes: h.attributes, value });
    }
    return metricData(AggregationTemporality.CUMULATIVE, points);
  }

  /** Change since the previous collection, per guard: counts, sum and count subtracted, min and max of the interval. */
  private deltaCollector(): () => MetricData | undefined {
    const previous = new Map<QueueWaitHistogram, { data: Float64Array; at: number }>();
    return () => {
      const now = Date.now();
      const points: DataPoint<Histogram>[] = [];
      for (const h of this.histograms) {
        const last = previous.get(h);
        const was = last?.data;
        const d = h.data.slice();
        previous.set(h, { data: d, at: now });
        h.data[INTERVAL_MIN] = Infinity;
        h.data[INTERVAL_MAX] = -Infinity;
        const count = d[COUNT]! - (was ? was[COUNT]! : 0);
        if (count === 0) continue;
        const counts: number[] = [];
        for (let i = 0; i < QUEUE_WAIT_BUCKETS; i++) counts.push(d[i]! - (was ? was[i]! : 0));
        const value = { buckets: { boundaries: BOUNDARIES, counts }, sum: d[SUM]! - (was ? was[SUM]! : 0), count, min: d[INTERVAL_MIN]!, max: d[INTERVAL_MAX]! };
        points.push({ startTime: hr(last ? last.at : h.createdAt), endTime: hr(now), attributes: h.attributes, value });
      }
      return metricData(AggregationTemporality.DELTA, points);
    };
  }
}

function metricData(temporality: AggregationTemporality, dataPoints: DataPoint<Histogram>[]): MetricData | undefined {
  if (dataPoints.length === 0) return undefined;
  return { descriptor: DESCRIPTOR, aggregationTemporality: temporality, dataPointType: DataPointType.HISTOGRAM, dataPoints };
}
