import { MetricReader } from '@opentelemetry/sdk-metrics';
import { temporalityFor } from './temporality';

/**
 * A pull reader: the scrape calls `collect()`. It carries no producers of its own, so it returns only
 * the SDK's instruments (observable gauges of plug-ins); the store is serialized directly, faster.
 */
export class PrometheusReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: temporalityFor });
  }

  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
