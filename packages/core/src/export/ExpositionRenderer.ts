import type { Attributes } from '@opentelemetry/api';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import type { OperationStore } from '../store/OperationStore';
import { PrometheusReader } from './PrometheusReader';
import { PrometheusSerializer, type ConstLabels } from './PrometheusSerializer';
import { drainSliced, SlicedWriter, turn, type SliceStats } from './SlicedWriter';

/**
 * Time budget (ms) of one slice of a scrape. A slice ends at the first check after it (every 16 series), then flushes
 * its text, and a GC may fall in the same event-loop turn (a scavenge of 1-3 ms, the main thread's share of a
 * mark-compact about 2): the turn is the budget plus that GC. 2 ms kept turns under 5 ms where 4 ms did not. 1 ms
 * lowered the longest turn's main-thread CPU at 100,000 series in each of 5 interleaved runs (medians: perf.metrics()
 * 3.6-4.8 ms to 2.6-3.6, over HTTP with gzip 3.2-4.0 to 2.5-3.6; Node 20, load 2.4-8.3 on 2 cores) at the same total
 * scrape time (bench/src/scrapeBlockProbe.ts); 0.5 ms lowered it no further. Where chunks are flattened (a large scrape
 * whose text is kept, {@link FLATTEN_FROM_HANDLES}), the flatten ends most slices, not this budget: copying a 256 KiB
 * chunk into fresh large-object pages took about 0.85 ms on a Firecracker VM (2026-12-01, mostly page faults), and a
 * 100,000-series perf.metrics() ran 728, 738 and 786 slices at budgets of 1, 0.5 and 0.25 ms, its longest turn
 * 6.0-6.5 ms median in each: a young-generation GC or the one mark-compact (4.1-5.9 ms pause) with a flatten.
 */
export const SCRAPE_SLICE_MS = 1;
/**
 * Operation handles from which a scrape's kept chunks are flattened (short GC pauses in large scrapes; see
 * SlicedWriter), by Node.js major version. Flattening copies the text once more: worth it only where V8's young
 * generation otherwise copies the kept cons-string trees in long pauses. Measured with bench/dist/scrapeBlockProbe.js
 * (2026-12-02, 2-vCPU VM, idle; longest turn, wall minus run delay, median of 8 rounds, without -> with flattening):
 * - Node 20: 5,000 series over HTTP 23.1 -> 4.7 ms, 10,000 via perf.metrics() 25.1 -> 2.6 ms; at 2,000 and 4,000
 *   series both about 1-4 ms, flattening 5-6x the scrape's time.
 * - Node 22: 10,000 via perf.metrics() 16.5 -> 3.9 ms; 5,000 and 7,500 already 1.1 ms.
 * - Node 24 and 26: 10,000 series 1.5 and 1.9 ms without, while flattening costs 8x (24) and 1.5x (26) the time.
 */
export function flattenFromHandlesFor(nodeMajor: number): number {
  if (nodeMajor < 22) return 4_000;
  if (nodeMajor < 24) return 8_000;
  return 25_000;
}
/** {@link flattenFromHandlesFor} this Node.js. */
export const FLATTEN_FROM_HANDLES = flattenFromHandlesFor(Number(process.versions.node.split('.')[0]));

/**
 * Takes a chunk of the text; may return a promise to say "no more for now" (a socket or gzip stream over its buffer),
 * settled when it has taken what it was given.
 */
export type ChunkConsumer = (chunk: string) => void | Promise<void>;

/** Longest a rendering waits for its slowest consumer before its next slice (a stalled scraper must not stall all). */
export const CONSUMER_WAIT_MS = 1000;

/**
 * Characters of text a rendering keeps to replay to scrapers that join it late. Beyond, it keeps nothing and a later
 * scraper starts a rendering of its own: a 100,000-series scrape is 200 MB, and keeping it all while it is streamed
 * grew the heap by that much every scrape, for full garbage collections of 20-180 ms.
 */
export const REPLAY_CHARS = 16 * 1024 * 1024;

/** One rendering of the exposition, shared by every scrape that joins while it runs: chunks are replayed to late joiners. */
class Rendering {
  /** What was handed on so far, for late joiners; undefined once over the replay limit (no one can join then). */
  chunks: string[] | undefined = [];
  /** Consumers that keep every chunk (perf.metrics()): while there are any, or chunks are kept for replay, they are flattened. */
  keepers = 0;
  private kept = 0;
  private readonly listeners = new Set<ChunkConsumer>();
  private readonly waits = new Set<Promise<void>>();
  finished!: Promise<void>;

  constructor(private readonly replayChars: number) {}

  /** Whether a scrape arriving now can join (and be replayed what was handed on). */
  get canJoin(): boolean {
    return this.chunks !== undefined;
  }

  push(chunk: string): void {
    if (this.chunks) {
      this.kept += chunk.length;
      if (this.kept > this.replayChars) this.chunks = undefined;
      else this.chunks.push(chunk);
    }
    for (const listener of this.listeners) this.deliver(listener, chunk);
  }

  private deliver(listener: ChunkConsumer, chunk: string): void {
    try {
      const wait: unknown = listener(chunk);
      // Only a promise asks to wait (a consumer written as `(c) => chunks.push(c)` returns a number).
      if (typeof (wait as PromiseLike<void> | null)?.then === 'function') {
        const settled: Promise<void> = Promise.resolve(wait as PromiseLike<void>).then(
          () => void this.waits.delete(settled),
          () => void this.waits.delete(settled),
        );
        this.waits.add(settled);
      }
    } catch {
      this.listeners.delete(listener); // one broken consumer (a destroyed response) must not stop the others
    }
  }

  /**
   * What the next slice waits for: every consumer that asked to wait, for at most {@link CONSUMER_WAIT_MS}. Text a
   * consumer cannot take yet would otherwise pile up in its buffers (a 100,000-series scrape is 200 MB; as Buffers
   * outside the heap, their growth made V8 run full garbage collections of 20-45 ms inside the scrape).
   */
  backpressure(): Promise<void> | undefined {
    if (this.waits.size === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CONSUMER_WAIT_MS)));
    return Promise.race([Promise.all(this.waits).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
  }

  /** Whether the chunks handed on now are kept until the rendering ends (see {@link SlicedWriter.flush}). */
  get isKept(): boolean {
    return this.keepers > 0 || this.chunks !== undefined;
  }

  join(onChunk: ChunkConsumer, keepsText: boolean): Promise<void> {
    try {
      for (const chunk of this.chunks ?? []) onChunk(chunk);
    } catch (err) {
      return Promise.reject(err);
    }
    this.listeners.add(onChunk);
    if (keepsText) this.keepers++;
    return this.finished.finally(() => this.listeners.delete(onChunk));
  }
}

/**
 * Renders the exposition text of one perfkit instance: `target_info`, the store, then the SDK's instruments
 * (collected through {@link PrometheusReader}). The store is written in slices of at most {@link SCRAPE_SLICE_MS}
 * that yield to the event loop between them, and streamed out chunk by chunk; scrapes that arrive while one is
 * being rendered share it (50 concurrent scrapers cost one serialization) while it has handed on at most
 * {@link REPLAY_CHARS}.
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
  /** See {@link REPLAY_CHARS}. */
  replayChars = REPLAY_CHARS;
  /** See {@link FLATTEN_FROM_HANDLES}. */
  flattenFromHandles = FLATTEN_FROM_HANDLES;

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
    await this.stream(
      openMetrics,
      (chunk) => {
        text += chunk;
      },
      true,
    );
    return text;
  }

  /**
   * Streams the text to `onChunk` as it is produced; resolves when it is complete, rejects if rendering failed. A
   * promise returned by `onChunk` holds the next slice back until it settles (see {@link Rendering.backpressure}).
   * `keepsText` says the consumer keeps every chunk until the end (as {@link render} does): large scrapes then hand on
   * flattened chunks, which young-generation GC does not copy; a consumer that lets each chunk go (a response) gets
   * them as they were built.
   */
  stream(openMetrics: boolean, onChunk: ChunkConsumer, keepsText = false): Promise<void> {
    this.stats.scrapes++;
    this.stats.lastScrapeAt = Date.now();
    const slot = openMetrics ? 1 : 0;
    let rendering = this.inflight[slot];
    if (!rendering?.canJoin) {
      const started = (rendering = new Rendering(this.replayChars));
      this.inflight[slot] = started;
      started.finished = this.build(slot, started).finally(() => {
        if (this.inflight[slot] === started) this.inflight[slot] = undefined;
      });
    }
    return rendering.join(onChunk, keepsText);
  }

  private async build(slot: 0 | 1, rendering: Rendering): Promise<void> {
    // Each step starts on a turn of its own (and the caller joins before the first chunk): chained through
    // microtasks, the request's parsing, the SDK's collection and the first slice ran as one 10-16 ms block.
    await turn();
    const serializer = this.serializers[slot];
    let sdkText = '';
    if (!this.isShutDown) {
      const collected = await (this.inflightCollect ??= this.reader.collect({ timeoutMillis: 5000 }).finally(() => {
        this.inflightCollect = undefined;
      }));
      for (const err of collected.errors) this.diag.warn('a metric callback failed during collection', err);
      await turn();
      sdkText = serializer.serializeResourceMetrics(collected.resourceMetrics, this.constLabels);
      await turn();
    }
    const large = this.store.handles.length >= this.flattenFromHandles;
    const writer = new SlicedWriter((chunk) => rendering.push(chunk), this.sliceMs, () => large && rendering.isKept);
    writer.write(serializer.targetInfo(this.resourceAttributes));
    await drainSliced(serializer.storeText(this.store, writer), writer, () => rendering.backpressure());
    this.lastSlices = writer.stats;
    writer.write(sdkText + serializer.end());
    writer.flush();
  }
}
