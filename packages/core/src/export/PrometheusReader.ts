import { MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { AppReaders } from './AppPipeline';
import { temporalityFor } from './temporality';

/**
 * A pull reader: the scrape calls `collect()`. Its extra producers are perfkit's own data kept outside the SDK
 * (the guards' queue waits) and the app's own `MeterProvider`s (`perf.metricReader()`), so it returns the SDK's
 * instruments (observable gauges of plug-ins), those, and the app's; the store is serialized directly, faster.
 */
export class PrometheusReader extends MetricReader {
  /** Readers handed to apps by `perf.metricReader()`; what they collect joins the scrape. */
  readonly appReaders: AppReaders;

  /** `producers`: perfkit's own data kept outside the SDK (the guards' queue waits), collected before the app's. */
  constructor(producers: readonly MetricProducer[] = []) {
    const appReaders = new AppReaders();
    super({ aggregationTemporalitySelector: temporalityFor, metricProducers: [...producers, appReaders] });
    this.appReaders = appReaders;
  }

  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
