import {
  AggregationType,
  type AggregationOption,
  type AggregationTemporality,
  type CollectionResult,
  type IMetricReader,
  type InstrumentType,
  type MetricCollectOptions,
  type MetricProducer,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Resource } from '@opentelemetry/resources';
import type { DiagLogger } from '../diag';
import { PerfkitConfigError } from '../errors';
import { temporalityFor } from './temporality';

/*
 * The bridge between perfkit and an app's own OpenTelemetry pipeline, in both directions. Everything here is
 * structural (no `instanceof`, no subclass of the SDK's `MetricReader`): the app's SDK may be 2.x or 3.x, and under
 * SDK 3 its ESM build and the CJS build perfkit loads are two copies of every class, so only shapes can be shared.
 * Enum values (`DataPointType`, `AggregationTemporality`, `InstrumentType`) are the same numbers and strings in both
 * lines, which is what makes the data itself portable.
 */

/** Default cardinality limit per instrument, as the SDK's own readers use. */
const CARDINALITY_LIMIT = 2000;

/**
 * A `MetricReader` for the app's `MeterProvider`: whatever the app's instruments measure appears on perfkit's
 * `/metrics` (and in `perf.metrics()`), next to perfkit's own series. Cumulative temporality (gauges as delta, so a
 * series whose callback stopped observing disappears), the default aggregation, the SDK's default cardinality limit.
 */
export class AppMetricReader implements IMetricReader {
  private producer?: MetricProducer;
  private isShutdown = false;

  /** Called once by the app's `MeterProvider`; a second call throws, as the specification requires. */
  setMetricProducer(metricProducer: MetricProducer): void {
    if (this.producer) throw new Error('perf.metricReader(): this reader is registered with a MeterProvider already; call perf.metricReader() once per provider');
    this.producer = metricProducer;
  }

  selectAggregation(_instrumentType: InstrumentType): AggregationOption {
    return { type: AggregationType.DEFAULT };
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return temporalityFor(instrumentType);
  }

  selectCardinalityLimit(_instrumentType: InstrumentType): number {
    return CARDINALITY_LIMIT;
  }

  /** True once a `MeterProvider` owns this reader and until it shuts it down. */
  get isBound(): boolean {
    return this.producer !== undefined && !this.isShutdown;
  }

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    if (!this.producer) throw new Error('perf.metricReader(): not registered with a MeterProvider yet');
    if (this.isShutdown) throw new Error('perf.metricReader(): the MeterProvider shut this reader down');
    return this.producer.collect({ timeoutMillis: options?.timeoutMillis });
  }

  async shutdown(): Promise<void> {
    this.isShutdown = true;
  }

  async forceFlush(): Promise<void> {}
}

/**
 * The app readers made by `perf.metricReader()`, as one `MetricProducer` on perfkit's scrape reader. It remembers
 * which scopes it contributed, so `perf.metricProducer()` can leave them out: an app exporting perfkit's metrics
 * through its own reader must not get its own instruments back a second time.
 */
export class AppReaders implements MetricProducer {
  private readonly readers: AppMetricReader[] = [];
  private readonly contributed = new WeakSet<ScopeMetrics>();

  /** A new reader for one app `MeterProvider`. */
  create(): AppMetricReader {
    const reader = new AppMetricReader();
    this.readers.push(reader);
    return reader;
  }

  /** True when `scope` came from an app's `MeterProvider`. */
  isFromApp(scope: ScopeMetrics): boolean {
    return this.contributed.has(scope);
  }

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    const scopeMetrics: ScopeMetrics[] = [];
    const errors: unknown[] = [];
    let resource: Resource | undefined;
    for (const reader of this.readers) {
      if (!reader.isBound) continue;
      try {
        const result = await reader.collect(options);
        resource ??= result.resourceMetrics.resource;
        for (const scope of result.resourceMetrics.scopeMetrics) {
          this.contributed.add(scope);
          scopeMetrics.push(scope);
        }
        errors.push(...result.errors);
      } catch (err) {
        errors.push(err); // the scrape reports collection errors to the logger
      }
    }
    // The SDK's reader keeps its own resource and reads only our scopes; a resource is still required by the type.
    return { resourceMetrics: { resource: resource as Resource, scopeMetrics }, errors };
  }
}

/**
 * `perf.metricProducer()`: perfkit's operations (the store) and the instruments of perfkit's plug-ins (host gauges,
 * guards), for an app's own reader, e.g. `new PeriodicExportingMetricReader({ exporter, metricProducers: [it] })`.
 * The app's reader writes its own resource; the scopes perfkit contributes keep their names (`@perfkit/core`, ...).
 */
export class PerfkitMetricProducer implements MetricProducer {
  constructor(
    private readonly store: MetricProducer,
    private readonly sdk: { collect(options?: MetricCollectOptions): Promise<CollectionResult> },
    private readonly app: AppReaders,
    private readonly diag: DiagLogger,
    /** Whether perfkit has been shut down: its reader of the plug-ins' instruments is then closed, and says so. */
    private readonly isShutDown: () => boolean = () => false,
  ) {}

  async collect(options?: MetricCollectOptions): Promise<CollectionResult> {
    const own = await this.store.collect(options);
    let sdk: ResourceMetrics | undefined;
    const errors = [...own.errors];
    try {
      const collected = await this.sdk.collect({ timeoutMillis: options?.timeoutMillis ?? 5000 });
      sdk = collected.resourceMetrics;
      errors.push(...collected.errors);
    } catch (err) {
      // An app whose reader flushes after perf.shutdown() (its own shutdown, in the usual order) still gets the
      // operations' final counts; the plug-ins are stopped and their instruments' reader closed, which is no fault.
      if (this.isShutDown()) this.diag.debug("perf.metricProducer() after shutdown: operations only, the plug-ins' instruments are stopped");
      else this.diag.warn("collecting perfkit's instruments for perf.metricProducer() failed", err);
    }
    const scopes = sdk ? sdk.scopeMetrics.filter((s) => s.metrics.length > 0 && !this.app.isFromApp(s)) : [];
    return { resourceMetrics: { resource: own.resourceMetrics.resource, scopeMetrics: [...own.resourceMetrics.scopeMetrics, ...scopes] }, errors };
  }
}

/** A producer for a disabled perfkit: nothing is measured, so nothing is produced. */
export const EMPTY_PRODUCER = (resource: Resource): MetricProducer => ({
  collect: async () => ({ resourceMetrics: { resource, scopeMetrics: [] }, errors: [] }),
});

/** The OTLP exporter's module; only its constructor is used. */
type OtlpModule = typeof import('@opentelemetry/exporter-metrics-otlp-http');

/**
 * Loads `@opentelemetry/exporter-metrics-otlp-http`, an optional peer dependency: only an app that sets `otlp.url`
 * needs it, and it must be the release line of the app's SDK (0.2xx for SDK 2, 0.3xx for SDK 3), or npm installs a
 * second SDK under it. Missing, it fails `createPerfkit` with a message that says what to install.
 */
export function loadOtlpExporter(): OtlpModule['OTLPMetricExporter'] {
  try {
    return (require('@opentelemetry/exporter-metrics-otlp-http') as OtlpModule).OTLPMetricExporter;
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND') throw err;
    throw new PerfkitConfigError(
      'otlp.url',
      'set',
      'OTLP export needs the optional peer dependency @opentelemetry/exporter-metrics-otlp-http (npm install @opentelemetry/exporter-metrics-otlp-http@0.2xx for OpenTelemetry SDK 2, @0.3xx for SDK 3)',
    );
  }
}
