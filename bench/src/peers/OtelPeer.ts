import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { asyncWork, BUCKETS, NAME, syncWork, TYPE, type RecordSubject, type ScrapeSubject } from './work';

/** A pull reader, as `@opentelemetry/exporter-prometheus` uses, with a cardinality limit above every suite size. */
class PullReader extends MetricReader {
  constructor() {
    super({ cardinalitySelector: () => 1_000_000 });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function setup(): { provider: MeterProvider; reader: PullReader; meter: Meter; duration: Histogram } {
  const reader = new PullReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'perfkit-bench' }), readers: [reader] });
  const meter = provider.getMeter('perfkit-bench');
  const duration = meter.createHistogram('perfkit.operation.duration', {
    unit: 's',
    description: 'Duration of tracked operations.',
    advice: { explicitBucketBoundaries: [...BUCKETS] },
  });
  return { provider, reader, meter, duration };
}

const now = performance.now.bind(performance);

/**
 * The raw OpenTelemetry SDK's record path: two clock reads, `histogram.record()` and `counter.add()` with
 * two attributes (the SDK hashes the attribute object on every call). Attribute objects are reused in the
 * bound cases and built per call in the unbound ones.
 */
export function otelRecord(): RecordSubject {
  const { provider, meter, duration } = setup();
  const total: Counter = meter.createCounter('perfkit.operations', { unit: '{operation}' });
  const attrs: Attributes = { 'operation.type': TYPE, 'operation.name': NAME };
  const once = (): number => {
    const t0 = now();
    const s = syncWork();
    duration.record((now() - t0) / 1000, attrs);
    total.add(1, attrs);
    return s;
  };
  return {
    syncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const t0 = now();
        s += syncWork();
        duration.record((now() - t0) / 1000, attrs);
        total.add(1, attrs);
      }
      return s;
    },
    async asyncTrack(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const t0 = now();
        s += await asyncWork();
        duration.record((now() - t0) / 1000, attrs);
        total.add(1, attrs);
      }
      return s;
    },
    startEnd(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += once();
      return s;
    },
    unbound(names) {
      const count = names.length;
      return (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const perCall: Attributes = { 'operation.type': TYPE, 'operation.name': names[i % count]! };
          const t0 = now();
          s += syncWork();
          duration.record((now() - t0) / 1000, perCall);
          total.add(1, perCall);
        }
        return s;
      };
    },
    shutdown: () => provider.shutdown(),
  };
}

/** OpenTelemetry's scrape: `reader.collect()` and `@opentelemetry/exporter-prometheus`'s serializer. */
export function otelScrape(): ScrapeSubject {
  const { provider, reader, meter, duration } = setup();
  const active: UpDownCounter = meter.createUpDownCounter('perfkit.operations.active', { unit: '{operation}' });
  const serializer = new PrometheusSerializer();
  return {
    populate(names) {
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        duration.record(0.05 + (i % 7) * 0.3, { 'operation.type': TYPE, 'operation.name': name, 'operation.outcome': 'success' });
        active.add(0, { 'operation.type': TYPE, 'operation.name': name });
      }
    },
    async scrape() {
      const { resourceMetrics } = await reader.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: () => provider.shutdown(),
  };
}
