import { MetricReader } from '@opentelemetry/sdk-metrics';
import { AppReaders } from './AppPipeline';
import { temporalityFor } from './temporality';

/**
 * A pull reader: the scrape calls `collect()`. Its only extra producer is the app's own `MeterProvider`s
 * (`perf.metricReader()`), so it returns the SDK's instruments (observable gauges of plug-ins) and the app's;
 * the store is serialized directly, faster.
 */
export class PrometheusReader extends MetricReader {
  /** Readers handed to apps by `perf.metricReader()`; what they collect joins the scrape. */
  readonly appReaders: AppReaders;

  constructor() {
    const appReaders = new AppReaders();
    super({ aggregationTemporalitySelector: temporalityFor, metricProducers: [appReaders] });
    this.appReaders = appReaders;
  }

  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
