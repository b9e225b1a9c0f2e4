import { isAscii } from 'node:buffer';
import type { Attributes } from '@opentelemetry/api';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { DiagLogger } from '../diag';
import { keepShape } from '../keepShape';
import type { OperationStore } from '../store/OperationStore';
import { PrometheusReader } from './PrometheusReader';
import { PrometheusSerializer, type ConstLabels } from './PrometheusSerializer';
import { ChunkPool, CHUNK_BYTES, drainSliced, KEPT_CHUNK_BYTES, SlicedWriter, TEXT_CHUNKS, turn, type ChunkTarget, type SliceStats } from './SlicedWriter';

/**
 * Time budget (ms) of one slice of a scrape. A slice ends at the first check after it (every 16 series), then hands
 * on its chunk, and a GC may fall in the same event-loop turn: the turn is the budget plus that GC. 2 ms kept turns
 * under 5 ms where 4 ms did not; 1 ms lowered the longest turn's main-thread CPU at 100,000 series further (medians
 * over 5 interleaved runs: perf.metrics() 3.6-4.8 ms to 2.6-3.6, over HTTP with gzip 3.2-4.0 to 2.5-3.6; Node 20) at
 * the same total scrape time (bench/src/scrapeBlockProbe.ts); 0.5 ms lowered it no further.
 */
export const SCRAPE_SLICE_MS = 1;

/**
 * Operation handles from which a kept scrape (perf.metrics()) gets its text as bytes decoded in large chunks
 * ({@link KEPT_CHUNK_BYTES}), by Node.js major version; below, it is concatenated as strings. Large chunks are fresh
 * memory the kernel maps page by page, and the bytes are decoded once more: 2.7-4.2x the CPU of concatenated strings
 * at 1,000-2,000 series on Node 20, about 1.5-2x at 10,000 on Node 26. Concatenated text that is kept is a tree of
 * small strings (about 40 a series), and a young-generation GC that falls inside the scrape copies all of it that is
 * made so far: that pause, not the slices, is then the longest turn. Where it passed 5 ms decides the threshold
 * (2026-12-02, 2-vCPU VM, idle; a kept scrape after 20,000 short-lived objects of the application's, as a
 * service's young generation holds them; longest gap between event-loop turns over 12 scrapes, trees / large chunks):
 * - Node 20: 3,000 series at most 4.8 ms as trees; 3,900 series 9.4-12 ms as trees, at most 5.2 as large chunks.
 * - Node 22: 1,000 series at most 3.7 ms either way; 1,500 up to 5.6-6.7, 2,000 up to 9.7, 4,000 up to 14.8 as
 *   trees, 4.7 as large chunks.
 * - Node 24: 1,000 series at most 3.4 ms either way; 1,500 up to 5.4-12 (the first scrapes), 2,000 up to 8.9, 3,000
 *   up to 15.2 as trees, 4.5 as large chunks.
 * - Node 26: 1,000-1,500 series at most 4.5-4.8 ms; 3,000 up to 13.9, 10,000 18-26 ms as trees, 1.1-1.8 as large
 *   chunks.
 * Earlier readings of 1.5-1.9 ms for 10,000 series as trees on Node 24 and 26 came from scrapes right after a forced
 * GC, with an empty young generation: a scrape rarely starts so.
 */
export function largeKeptFromHandlesFor(nodeMajor: number): number {
  return nodeMajor < 22 ? 3_000 : 1_000;
}
/** {@link largeKeptFromHandlesFor} this Node.js. */
export const LARGE_KEPT_FROM_HANDLES = largeKeptFromHandlesFor(Number(process.versions.node.split('.')[0]));

/**
 * Takes a chunk of the text as UTF-8 bytes, and calls `done` once it no longer reads them (the buffer is then reused
 * for a later chunk); may return a promise to say "no more for now" (a socket or gzip stream over its buffer),
 * settled when it has taken what it was given.
 */
export type ChunkConsumer = (chunk: Buffer, done: () => void) => void | Promise<void>;
/** Takes each chunk as text and keeps it (perf.metrics()). */
export type TextConsumer = (chunk: string) => void;

/** Longest a rendering waits for its slowest consumer before its next slice (a stalled scraper must not stall all). */
export const CONSUMER_WAIT_MS = 1000;

/**
 * Bytes of text a rendering keeps to replay to scrapers that join it late. Beyond, it keeps nothing and a later
 * scraper starts a rendering of its own: a 100,000-series scrape is 200 MB, and keeping it all while it is streamed
 * grew the heap by that much every scrape, for full garbage collections of 20-180 ms.
 */
export const REPLAY_BYTES = 4 * 1024 * 1024;

/**
 * A chunk's text. Node 20 decodes UTF-8 at about 1 GB/s (a 2,000-series perf.metrics() spent 39 % of its time there);
 * text that is all ASCII (names usually are) is decoded as Latin-1 instead, a copy, after simdutf's ASCII check.
 */
function decode(chunk: Buffer): string {
  return isAscii(chunk) ? chunk.toString('latin1') : chunk.toString('utf8');
}

/**
 * Memory a kept chunk holds: a chunk handed on between slices is a view of part of a whole buffer, which stays
 * allocated while the view is kept. Counting the views' lengths, a replay under a busy CPU (short slices, each ending
 * in a short chunk) held up to 134 buffers of 64 KiB (8.4 MiB) for its 4 MiB, and the pool grew to match at random.
 */
function heldBytes(chunk: Buffer | string): number {
  return typeof chunk === 'string' ? chunk.length : chunk.buffer.byteLength;
}

const noop = (): void => undefined;
const EMPTY_CHUNK = Buffer.alloc(0);

/**
 * A chunk and who still reads it: its buffer goes back to the pool once every consumer is done with it and it is no
 * longer kept for replay.
 */
class Held {
  /** Consumers that have not called `done` yet, plus one while the chunk is being handed out. */
  readers = 1;
  /** Kept for late joiners (until the rendering ends or goes over its replay limit). */
  kept = false;

  constructor(
    readonly chunk: Buffer | string,
    private readonly recycle: () => void,
  ) {}

  /** The chunk as bytes (a text chunk is encoded for each consumer that takes bytes). */
  get bytes(): Buffer {
    return typeof this.chunk === 'string' ? Buffer.from(this.chunk, 'utf8') : this.chunk;
  }

  /** The chunk as text. */
  get text(): string {
    return typeof this.chunk === 'string' ? this.chunk : decode(this.chunk);
  }

  /** A `done` for one more reader (callable once: a consumer may call it twice, or throw after calling it). */
  reader(): () => void {
    this.readers++;
    let called = false;
    return () => {
      if (called) return;
      called = true;
      this.release();
    };
  }

  release(): void {
    if (--this.readers === 0 && !this.kept) this.recycle();
  }

  unkeep(): void {
    this.kept = false;
    if (this.readers === 0) this.recycle();
  }
}

/** One rendering of the exposition, shared by every scrape that joins while it runs: chunks are replayed to late joiners. */
class Rendering implements ChunkTarget {
  /** What was handed on so far, for late joiners; undefined once over the replay limit (no one can join then). */
  private chunks: Held[] | undefined = [];
  private kept = 0;
  private readonly listeners = new Set<ChunkConsumer>();
  private readonly textListeners = new Set<TextConsumer>();
  private readonly waits = new Set<Promise<void>>();
  finished!: Promise<void>;

  constructor(private readonly replayBytes: number) {
    // The rendering's own map is kept by the latest SlicedWriter (its target); a chunk's is kept here, by one made
    // for the purpose: a real one would hold its chunk (up to 960 KiB).
    keepShape(new Held(EMPTY_CHUNK, noop));
  }

  /** Whether a scrape arriving now can join (and be replayed what was handed on). */
  get canJoin(): boolean {
    return this.chunks !== undefined;
  }

  push(chunk: Buffer | string, recycle: () => void): void {
    const held = new Held(chunk, recycle);
    if (this.chunks) {
      this.kept += heldBytes(chunk);
      if (this.kept > this.replayBytes) this.end();
      else {
        held.kept = true;
        this.chunks.push(held);
      }
    }
    if (this.textListeners.size > 0) {
      const text = held.text;
      for (const listener of this.textListeners) {
        try {
          listener(text);
        } catch {
          this.textListeners.delete(listener);
        }
      }
    }
    if (this.listeners.size > 0) {
      const bytes = held.bytes;
      for (const listener of this.listeners) this.deliver(listener, bytes, held.reader());
    }
    held.release();
  }

  /** No one joins any more (the rendering is done, or over its replay limit): replayed chunks' buffers can go back. */
  end(): void {
    const chunks = this.chunks;
    this.chunks = undefined;
    if (chunks) for (const held of chunks) held.unkeep();
  }

  private deliver(listener: ChunkConsumer, chunk: Buffer, done: () => void): void {
    try {
      const wait: unknown = listener(chunk, done);
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
      done();
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

  /** Whether a consumer keeps the text: chunks are then made {@link KEPT_CHUNK_BYTES} (see there). */
  get isKept(): boolean {
    return this.textListeners.size > 0;
  }

  /** Whether the store is large (see {@link LARGE_KEPT_FROM_HANDLES}): kept text is then decoded from large chunks. */
  large = false;

  /** Streamed text is written as bytes; text kept whole as strings, concatenated when the scrape is small, decoded from large chunks of bytes when it is large. */
  nextChunkSize(): number {
    return !this.isKept ? CHUNK_BYTES : this.large ? KEPT_CHUNK_BYTES : TEXT_CHUNKS;
  }

  join(onChunk: ChunkConsumer): Promise<void> {
    for (const held of this.chunks ?? []) {
      const done = held.reader();
      try {
        onChunk(held.bytes, done);
      } catch (err) {
        done();
        return Promise.reject(err);
      }
    }
    this.listeners.add(onChunk);
    return this.finished.finally(() => this.listeners.delete(onChunk));
  }

  joinText(onText: TextConsumer): Promise<void> {
    try {
      for (const held of this.chunks ?? []) onText(held.text);
    } catch (err) {
      return Promise.reject(err);
    }
    this.textListeners.add(onText);
    return this.finished.finally(() => this.textListeners.delete(onText));
  }
}

/**
 * Renders the exposition text of one perfkit instance: `target_info`, the store, then the SDK's instruments
 * (collected through {@link PrometheusReader}). The store is written in slices of at most {@link SCRAPE_SLICE_MS}
 * that yield to the event loop between them, and streamed out chunk by chunk; scrapes that arrive while one is
 * being rendered share it (50 concurrent scrapers cost one serialization) while it has handed on at most
 * {@link REPLAY_BYTES}.
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
  /** Chunk buffers consumers are done with, for later chunks and scrapes. */
  private readonly pool = new ChunkPool();
  /** Slices of the last finished rendering of the store (the bench reads the longest). */
  lastSlices?: SliceStats;
  /** See {@link REPLAY_BYTES}. */
  replayBytes = REPLAY_BYTES;
  /** See {@link LARGE_KEPT_FROM_HANDLES}. */
  largeKeptFromHandles = LARGE_KEPT_FROM_HANDLES;

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
    await this.streamText(openMetrics, (chunk) => {
      text += chunk;
    });
    return text;
  }

  /**
   * Hands the text to `onText` chunk by chunk, each decoded into one flat string of up to {@link KEPT_CHUNK_BYTES}
   * (a large object while the scrape is large), for a consumer that keeps it all ({@link render}).
   */
  streamText(openMetrics: boolean, onText: TextConsumer): Promise<void> {
    return this.rendering(openMetrics).joinText(onText);
  }

  /**
   * Streams the text to `onChunk` as it is produced, as UTF-8 bytes (see {@link ChunkConsumer}); resolves when it is
   * complete, rejects if rendering failed. A promise returned by `onChunk` holds the next slice back until it settles
   * (see {@link Rendering.backpressure}).
   */
  stream(openMetrics: boolean, onChunk: ChunkConsumer): Promise<void> {
    return this.rendering(openMetrics).join(onChunk);
  }

  /** The rendering a scrape arriving now joins: the one in flight, or a new one. */
  private rendering(openMetrics: boolean): Rendering {
    this.stats.scrapes++;
    this.stats.lastScrapeAt = Date.now();
    const slot = openMetrics ? 1 : 0;
    let rendering = this.inflight[slot];
    if (!rendering?.canJoin) {
      const started = (rendering = new Rendering(this.replayBytes));
      this.inflight[slot] = started;
      started.finished = this.build(slot, started).finally(() => {
        started.end();
        if (this.inflight[slot] === started) this.inflight[slot] = undefined;
      });
    }
    return rendering;
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
    rendering.large = this.store.handles.length >= this.largeKeptFromHandles;
    const writer = new SlicedWriter(rendering, this.sliceMs, CHUNK_BYTES, this.pool);
    try {
      writer.write(serializer.targetInfo(this.resourceAttributes));
      await drainSliced(serializer.storeText(this.store, writer), writer, () => rendering.backpressure());
      this.lastSlices = writer.stats;
      writer.write(sdkText + serializer.end());
      writer.flush();
    } finally {
      writer.release();
    }
  }
}
