import { node26Require } from './node26Modules';
import { asyncWork, BUCKETS, NAME, syncWork, TYPE, type RecordSubject, type ScrapeSubject } from './work';

// The part of OpenTelemetry SDK 3.1 (sdk-metrics 3.1.1, exporter-prometheus 0.301, api 1.10; Node >= 22.15) used here.
type Attributes = Record<string, string>;
interface Instrument {
  record(value: number, attributes: Attributes): void;
  add(value: number, attributes: Attributes): void;
}
interface Meter {
  createHistogram(name: string, options: object): Instrument;
  createCounter(name: string, options: object): Instrument;
  createUpDownCounter(name: string, options: object): Instrument;
}
interface Provider {
  getMeter(name: string): Meter;
  shutdown(): Promise<void>;
}
interface Reader {
  collect(): Promise<{ resourceMetrics: unknown }>;
}
interface Sdk {
  MeterProvider: new (o: object) => Provider;
  MetricReader: new (o: object) => Reader;
}

function setup() {
  const sdk = node26Require<Sdk>('@opentelemetry/sdk-metrics');
  const { resourceFromAttributes } = node26Require<{ resourceFromAttributes(a: Attributes): unknown }>('@opentelemetry/resources');
  // A pull reader as exporter-prometheus uses, with a cardinality limit above every suite size.
  class PullReader extends (sdk.MetricReader as new (o: object) => Reader) {
    constructor() {
      super({ cardinalitySelector: () => 1_000_000 });
    }
    async onShutdown(): Promise<void> {}
    async onForceFlush(): Promise<void> {}
  }
  const reader = new PullReader();
  const provider = new sdk.MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'perfkit-bench' }), readers: [reader] });
  const meter = provider.getMeter('perfkit-bench');
  const duration = meter.createHistogram('perfkit.operation.duration', { unit: 's', advice: { explicitBucketBoundaries: [...BUCKETS] } });
  return { provider, reader, meter, duration };
}

const now = performance.now.bind(performance);

/** SDK 3's record path: two clock reads, `histogram.record()` and `counter.add()` with two attributes (object reused). */
export function otel3Record(): RecordSubject {
  const { provider, meter, duration } = setup();
  const total = meter.createCounter('perfkit.operations', { unit: '{operation}' });
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
      for (let i = 0; i < n; i++) s += once();
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
    shutdown: () => provider.shutdown(),
  };
}

/** SDK 3's scrape: `reader.collect()` and exporter-prometheus 0.301's `PrometheusSerializer`. */
export function otel3Scrape(): ScrapeSubject {
  const { provider, reader, meter, duration } = setup();
  const { PrometheusSerializer } = node26Require<{ PrometheusSerializer: new () => { serialize(r: unknown): string } }>('@opentelemetry/exporter-prometheus');
  const serializer = new PrometheusSerializer();
  const active = meter.createUpDownCounter('perfkit.operations.active', { unit: '{operation}' });
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
