import type { Attributes } from '@opentelemetry/api';
import type { DiagLogger } from '../diag';
import type { OperationStore } from '../store/OperationStore';
import { PrometheusReader } from './PrometheusReader';
import { PrometheusSerializer } from './PrometheusSerializer';

/**
 * Renders the exposition text of one perfkit instance: `target_info`, the store, then the SDK's instruments
 * (collected through {@link PrometheusReader}). Scrapes that arrive while one is being prepared share its text:
 * 50 concurrent scrapers cost one serialization, not 50 back to back in one microtask run, which would block the
 * event loop for all of them.
 */
export class ExpositionRenderer {
  /** The pull reader to register with the MeterProvider. */
  readonly reader = new PrometheusReader();
  /** Scrapes answered since start, and when the last one came (ms since epoch). */
  readonly stats = { scrapes: 0, lastScrapeAt: 0 };
  private readonly serializers = [new PrometheusSerializer(false), new PrometheusSerializer(true)] as const;
  private readonly inflight: [Promise<string> | undefined, Promise<string> | undefined] = [undefined, undefined];
  private inflightCollect?: ReturnType<PrometheusReader['collect']>;

  constructor(
    private readonly store: OperationStore,
    private readonly resourceAttributes: Attributes,
    private readonly constLabels: string,
    private readonly diag: DiagLogger,
  ) {}

  /** The text a scrape gets, in the Prometheus text format or OpenMetrics. */
  render(openMetrics: boolean): Promise<string> {
    this.stats.scrapes++;
    this.stats.lastScrapeAt = Date.now();
    const slot = openMetrics ? 1 : 0;
    return (this.inflight[slot] ??= this.build(slot).finally(() => {
      this.inflight[slot] = undefined;
    }));
  }

  private async build(slot: 0 | 1): Promise<string> {
    const serializer = this.serializers[slot];
    const collected = await (this.inflightCollect ??= this.reader.collect({ timeoutMillis: 5000 }).finally(() => {
      this.inflightCollect = undefined;
    }));
    for (const err of collected.errors) this.diag.warn('a metric callback failed during collection', err);
    return (
      serializer.targetInfo(this.resourceAttributes) +
      serializer.serializeStore(this.store) +
      serializer.serializeResourceMetrics(collected.resourceMetrics, this.constLabels) +
      serializer.end()
    );
  }
}
