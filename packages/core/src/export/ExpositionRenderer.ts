import type { Attributes } from '@opentelemetry/api';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import type { OperationStore } from '../store/OperationStore';
import { PrometheusReader } from './PrometheusReader';
import { PrometheusSerializer, type ConstLabels } from './PrometheusSerializer';
import { drainSliced, SlicedWriter, type SliceStats } from './SlicedWriter';

/**
 * Time budget (ms) of one slice of a scrape. A slice ends at the first check after it (every 16 series), then flushes
 * its text, and a young-generation GC (1-3 ms) may fall inside it: 2 ms keeps slices under 5 ms where 4 ms did not.
 */
export const SCRAPE_SLICE_MS = 2;
/** Operation handles from which a scrape's chunks are flattened (short GC pauses in large scrapes; see SlicedWriter). */
export const FLATTEN_FROM_HANDLES = 25_000;

/** One rendering of the exposition, shared by every scrape that joins while it runs: chunks are replayed to late joiners. */
class Rendering {
  readonly chunks: string[] = [];
  private readonly listeners = new Set<(chunk: string) => void>();
  finished!: Promise<void>;

  push(chunk: string): void {
    this.chunks.push(chunk);
    for (const listener of this.listeners) {
      try {
        listener(chunk);
      } catch {
        this.listeners.delete(listener); // one broken consumer (a destroyed response) must not stop the others
      }
    }
  }

  join(onChunk: (chunk: string) => void): Promise<void> {
    try {
      for (const chunk of this.chunks) onChunk(chunk);
    } catch (err) {
      return Promise.reject(err);
    }
    this.listeners.add(onChunk);
    return this.finished.finally(() => this.listeners.delete(onChunk));
  }
}

/**
 * Renders the exposition text of one perfkit instance: `target_info`, the store, then the SDK's instruments
 * (collected through {@link PrometheusReader}). The store is written in slices of at most {@link SCRAPE_SLICE_MS}
 * that yield to the event loop between them, and streamed out chunk by chunk; scrapes that arrive while one is
 * being rendered share it (50 concurrent scrapers cost one serialization).
 */
export class ExpositionRenderer {
  /** The pull reader to register with the MeterProvider. */
  readonly reader: PrometheusReader;
  /** Scrapes answered since start, and when the last one came (ms since epoch). */
  readonly stats = { scrapes: 0, lastScrapeAt: 0 };
  /** Set once the instance has shut down: the SDK's reader is gone, only the store is rendered. */
  isShutDown = false;
  private readonly serializers = [new PrometheusSerializer(false), new PrometheusSerializer(true)] as const;
  private readonly inflight: [Rendering | undefined, Rendering | undefined] = [undefined, undefined];
  private inflightCollect?: ReturnType<PrometheusReader['collect']>;
  /** Slices of the last finished rendering of the store (the bench reads the longest). */
  lastSlices?: SliceStats;

  constructor(
    private readonly store: OperationStore,
    private readonly resourceAttributes: Attributes,
    private readonly constLabels: ConstLabels,
    private readonly diag: DiagLogger,
    /** Longest slice (ms); Infinity renders in one go (the bench's unsliced reference). */
    public sliceMs = SCRAPE_SLICE_MS,
    /** Producers of perfkit's own data kept outside the SDK, for the reader (see {@link PrometheusReader}). */
    producers: readonly MetricProducer[] = [],
  ) {
    this.reader = new PrometheusReader(producers);
  }

  /** The whole text a scrape gets, in the Prometheus text format or OpenMetrics. */
  async render(openMetrics: boolean): Promise<string> {
    let text = '';
    await this.stream(openMetrics, (chunk) => (text += chunk));
    return text;
  }

  /** Streams the text to `onChunk` as it is produced; resolves when it is complete, rejects if rendering failed. */
  stream(openMetrics: boolean, onChunk: (chunk: string) => void): Promise<void> {
    this.stats.scrapes++;
    this.stats.lastScrapeAt = Date.now();
    const slot = openMetrics ? 1 : 0;
    let rendering = this.inflight[slot];
    if (!rendering) {
      const started = (rendering = new Rendering());
      this.inflight[slot] = started;
      started.finished = this.build(slot, started).finally(() => {
        if (this.inflight[slot] === started) this.inflight[slot] = undefined;
      });
    }
    return rendering.join(onChunk);
  }

  private async build(slot: 0 | 1, rendering: Rendering): Promise<void> {
    await Promise.resolve(); // let the caller join before the first chunk
    const serializer = this.serializers[slot];
    let sdkText = '';
    if (!this.isShutDown) {
      const collected = await (this.inflightCollect ??= this.reader.collect({ timeoutMillis: 5000 }).finally(() => {
        this.inflightCollect = undefined;
      }));
      for (const err of collected.errors) this.diag.warn('a metric callback failed during collection', err);
      sdkText = serializer.serializeResourceMetrics(collected.resourceMetrics, this.constLabels);
    }
    const writer = new SlicedWriter((chunk) => rendering.push(chunk), this.sliceMs, this.store.handles.length >= FLATTEN_FROM_HANDLES);
    writer.write(serializer.targetInfo(this.resourceAttributes));
    await drainSliced(serializer.storeText(this.store, writer), writer);
    this.lastSlices = writer.stats;
    writer.write(sdkText + serializer.end());
    writer.flush();
  }
}
