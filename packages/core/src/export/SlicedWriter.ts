import { keepShape } from '../keepShape';

// Read through `performance` at each call (not bound once): a test can stand a fake clock in for it.
const now = (): number => performance.now();
/** The main thread's CPU time (µs), where Node has it (>= 23.9): unlike wall time, not stretched by other processes. */
const threadCpu = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage?.bind(process);
const cpuMs = (): number => {
  const u = threadCpu!();
  return (u.user + u.system) / 1000;
};

/** How one sliced serialization went: how many slices, and the longest (what the event loop waited for at most). */
export interface SliceStats {
  slices: number;
  /** Longest slice, wall-clock (includes time this process was not scheduled). */
  longestMs: number;
  /**
   * Longest slice in main-thread CPU time; NaN where Node cannot tell (before 23.9). `process.threadCpuUsage()` is
   * updated at scheduler ticks (up to 4 ms apart on Linux with HZ 250), so one slice's reading can be off by that much.
   */
  longestCpuMs: number;
}

/** Bytes of a chunk handed to consumers that let each chunk go (a response, gzip). */
export const CHUNK_BYTES = 64 * 1024;
/**
 * Bytes of a chunk handed to a consumer that keeps the text (perf.metrics()): it decodes each chunk into one flat
 * string over V8's largest regular object (128 KiB), a large object that young-generation GC promotes by moving its
 * page, never by copying it (flat chunks of 64-128 KiB were copied twice by every scavenge they lived through: at
 * 100,000 series, 200 MB of text held until the scrape is done, 40 scavenges of 5-20 ms each on Node 20). Each large
 * object is mapped on its own and unmapped when it dies: chunks of about 1 MB map a 100,000-series scrape in 200
 * pieces rather than 800 of 256 KiB, and the scrape's first turns, waiting on the kernel's mmap lock while V8 unmapped
 * the previous scrape, held the loop 8-14 ms rather than 10-21 (Node 20, 2-vCPU VM, 2026-12-02). Under Node's
 * 1,031,913 bytes (EXTERN_APEX), from which a Latin-1 decode makes an external string: external strings cost a third
 * less CPU at 10,000 series (malloc reuses memory the kernel has mapped), but their memory outside the heap made V8 run
 * 5-6 full collections in a 100,000-series scrape, whose longest turn then read 10.6 ms (bench scrape suite, median of
 * 5 rounds) against 2.6-2.9 with these chunks.
 */
export const KEPT_CHUNK_BYTES = 960 * 1024;

const noop = (): void => undefined;
/** The writer's buffer between a chunk handed on and the next write. */
const EMPTY = Buffer.alloc(0);

/**
 * Bytes of free chunk buffers a {@link ChunkPool} keeps by default: what a large streamed scrape holds at once (the
 * 4 MiB replayed to late joiners, REPLAY_BYTES, and the chunks of a slice or two in flight until gzip or the socket has
 * taken them, 16 of 64 KiB a slice of 1 ms). A process keeps at most this much, and only as much as its scrapes used.
 */
export const POOL_BYTES = 8 * 1024 * 1024;

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair, two units, takes 4). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Chunk buffers handed back by consumers once they are done with them, for the next chunks of any scrape: a streamed
 * scrape of any size then allocates no memory for its text (a 100,000-series scrape is 200 MB; as fresh Buffers, their
 * growth outside the heap and the garbage their making left in it made V8 run full collections inside the scrape).
 */
export class ChunkPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /**
   * @param keepBytes most bytes of free buffers kept (beyond, a handed-back buffer is left to the garbage collector)
   */
  constructor(private readonly keepBytes = POOL_BYTES) {}

  take(bytes: number): Buffer {
    const buf = this.free.get(bytes)?.pop();
    if (buf === undefined) return Buffer.allocUnsafeSlow(bytes);
    this.freeBytes -= bytes;
    return buf;
  }

  give(buf: Buffer): void {
    if (this.freeBytes + buf.length > this.keepBytes) return;
    let list = this.free.get(buf.length);
    if (list === undefined) this.free.set(buf.length, (list = []));
    if (list.includes(buf)) return;
    list.push(buf);
    this.freeBytes += buf.length;
  }
}

/**
 * Chunk shape (see {@link SlicedWriter}) for text handed on as strings, built by concatenation: for a consumer that keeps
 * a small scrape whole (perf.metrics() under LARGE_KEPT_FROM_HANDLES series), where a string of concatenated
 * pieces costs a quarter of writing bytes and decoding them again, and the pieces are too few to weigh on the GC.
 */
export const TEXT_CHUNKS = 0;
/** Characters of a text chunk ({@link TEXT_CHUNKS}) at which it is handed on. */
export const CHUNK_CHARS = 64 * 1024;

/**
 * Receives each chunk in order: a view of a buffer the writer fills, or a string in {@link TEXT_CHUNKS} mode.
 * `recycle` gives the buffer back to the writer's pool; call it once nothing reads the chunk any more (never, if it is
 * kept: the buffer is then left to the GC).
 */
export type ChunkSink = (chunk: Buffer | string, recycle: () => void) => void;

/**
 * Where a writer hands its chunks (see {@link ChunkSink}), and the size of its next chunk ({@link CHUNK_BYTES},
 * {@link KEPT_CHUNK_BYTES} or {@link TEXT_CHUNKS}), asked again after each chunk is handed on.
 *
 * An object rather than a pair of closures made in the renderer for each scrape: the latest writer is kept (see
 * {@link keepShape}), and closures made there hold the renderer, its store and its chunk pool (a perfkit shut down and
 * dropped after a 20,000-series scrape left 6.7 MiB alive through them); a target holds only its rendering.
 */
export interface ChunkTarget {
  push(chunk: Buffer | string, recycle: () => void): void;
  nextChunkSize(): number;
}

/** A {@link ChunkTarget} made of functions (tests, the unsliced reference). */
class FunctionTarget implements ChunkTarget {
  constructor(
    private readonly emit: ChunkSink,
    private readonly shape: () => number,
  ) {}

  push(chunk: Buffer | string, recycle: () => void): void {
    this.emit(chunk, recycle);
  }

  nextChunkSize(): number {
    return this.shape();
  }
}

/**
 * Collects exposition text as UTF-8 bytes into chunk buffers and tells a serializer when its time slice is spent, so
 * that a scrape of any size yields to the event loop between slices. The text is written into the buffer as it is
 * made (a serializer's fast path writes numbers and cached label text straight into {@link buf}): no string of it
 * lives on in the heap. Serializers are generator functions that `yield` only when {@link SlicedWriter.isOverBudget}
 * says so; {@link drainSliced} runs them a slice per event-loop turn, {@link drainAll} in one go.
 */
export class SlicedWriter {
  /** The buffer being filled (none between a flush and the next write); a fast path writes at {@link off} after {@link reserve}. */
  buf: Buffer = EMPTY;
  /** Bytes of {@link buf} written so far. */
  off = 0;
  /** Text gathered in {@link TEXT_CHUNKS} mode. */
  private text = '';
  private sliceStart = now();
  private sliceCpuStart = 0;
  /** Slices run so far by {@link drainSliced}. */
  readonly stats: SliceStats = { slices: 0, longestMs: 0, longestCpuMs: threadCpu ? 0 : NaN };
  private readonly target: ChunkTarget;
  /** Bytes of the chunk being written, or {@link TEXT_CHUNKS}; asked again after each chunk is handed on. */
  private size: number;

  /**
   * @param emit receives each chunk, in order (see {@link ChunkSink}); or a {@link ChunkTarget}, which also says the
   *   size of each chunk (`chunkShape` is then not read)
   * @param budgetMs the longest a slice may run (Infinity: never yield)
   * @param chunkShape size of the chunks: {@link CHUNK_BYTES}, {@link KEPT_CHUNK_BYTES}, {@link TEXT_CHUNKS}, or a
   *   function asked again after each chunk (a scrape whose text stops being kept goes on in streamed chunks); chunks
   *   of {@link KEPT_CHUNK_BYTES} are handed on when full, others also between slices
   * @param pool where chunk buffers come from and go back to; without one every chunk is a buffer of its own
   */
  constructor(
    emit: ChunkSink | ChunkTarget,
    readonly budgetMs = 2,
    chunkShape: number | (() => number) = CHUNK_BYTES,
    private pool?: ChunkPool,
  ) {
    this.target = typeof emit === 'function' ? new FunctionTarget(emit, typeof chunkShape === 'function' ? chunkShape : () => chunkShape) : emit;
    this.size = this.target.nextChunkSize();
    keepShape(this); // holds its target and, once released, no chunk and no pool
  }

  /** Whether text is gathered as strings ({@link TEXT_CHUNKS}): {@link reserve} then always says no. */
  get textMode(): boolean {
    return this.size === TEXT_CHUNKS;
  }

  private newBuffer(): Buffer {
    return this.pool ? this.pool.take(this.size) : Buffer.allocUnsafeSlow(this.size);
  }

  /** Appends text (UTF-8), handing on a chunk when the buffer cannot take it. */
  write(text: string): void {
    if (this.size === TEXT_CHUNKS) {
      this.text += text;
      if (this.text.length >= CHUNK_CHARS) this.flush();
      return;
    }
    const most = text.length * MAX_BYTES_PER_UNIT;
    if (this.off + most > this.buf.length) {
      if (text.length === 0) return;
      if (!this.reserve(most)) {
        if (this.size === TEXT_CHUNKS) return this.write(text); // the chunk handed on changed the shape
        // Longer than a whole chunk (a large SDK section): handed on as a chunk of its own.
        this.target.push(Buffer.from(text, 'utf8'), noop);
        return;
      }
    }
    this.off += this.buf.write(text, this.off, 'utf8');
  }

  /**
   * Makes room for `bytes` more bytes in {@link buf} (handing on what it holds when they would not fit); false when
   * they cannot fit even in an empty chunk, or text is gathered as strings (the caller writes through {@link write}
   * instead). Re-read {@link buf} after it: the chunk may be a new buffer.
   */
  reserve(bytes: number): boolean {
    if (this.off + bytes <= this.buf.length) return true;
    if (this.size === TEXT_CHUNKS) return false;
    this.flush();
    if (bytes > this.size) return false; // the chunk handed on may have changed the shape to TEXT_CHUNKS (0)
    if (this.buf === EMPTY) this.buf = this.newBuffer();
    return true;
  }

  /** Called between slices: chunks under {@link KEPT_CHUNK_BYTES} are handed on, kept ones wait until full (a short flat chunk would be a regular object). */
  flushBetweenSlices(): void {
    if (this.size < KEPT_CHUNK_BYTES) this.flush();
  }

  /** Hands on what has gathered; the next chunk takes the size its target says then. */
  flush(): void {
    if (this.text.length > 0) {
      const text = this.text;
      this.text = '';
      this.target.push(text, noop);
    } else if (this.off > 0) {
      const whole = this.buf;
      const chunk = whole.subarray(0, this.off);
      this.buf = EMPTY;
      this.off = 0;
      const pool = this.pool;
      this.target.push(chunk, pool ? () => pool.give(whole) : noop);
    } else return;
    this.size = this.target.nextChunkSize();
  }

  /**
   * Lets go of the pool once the writer is done: the latest writer is kept (see {@link keepShape}), and through its
   * pool it kept up to {@link POOL_BYTES} of free buffers alive after its perfkit was shut down and dropped (4 MiB
   * measured after a 20,000-series scrape). Chunks handed on before still go back to the pool when their consumers
   * are done with them.
   */
  release(): void {
    this.pool = undefined;
  }

  /** Whether the current slice has used its budget (the serializer should yield). */
  isOverBudget(): boolean {
    return now() - this.sliceStart >= this.budgetMs;
  }

  /** Starts a new slice (called by the driver after yielding to the event loop). */
  startSlice(): void {
    this.sliceStart = now();
    if (threadCpu) this.sliceCpuStart = cpuMs();
  }

  /** Ends a slice: counts it and keeps the longest. */
  endSlice(): void {
    const stats = this.stats;
    stats.slices++;
    stats.longestMs = Math.max(stats.longestMs, now() - this.sliceStart);
    if (threadCpu) stats.longestCpuMs = Math.max(stats.longestCpuMs, cpuMs() - this.sliceCpuStart);
  }
}


/** A serializer step: a generator that yields when its writer's slice is spent. */
export type SlicedWork = Generator<void, void, void>;

/** Resolves on the next turn of the event loop (after I/O callbacks). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `work` one slice per event-loop turn, flushing the writer between slices (see
 * {@link SlicedWriter.flushBetweenSlices}) and at the end. `before` may hold the next slice back (a consumer that
 * asked the producer to wait, such as a socket over its buffer): the slice starts on the first turn after its promise
 * settles.
 */
export async function drainSliced(work: SlicedWork, writer: SlicedWriter, before?: () => Promise<void> | undefined): Promise<void> {
  writer.startSlice();
  for (;;) {
    const step = work.next();
    if (step.done) writer.flush();
    else writer.flushBetweenSlices();
    writer.endSlice();
    if (step.done) return;
    const wait = before?.();
    if (wait) await wait;
    // Always a turn of the event loop: a consumer that drained at once settles its promise in a microtask, and
    // slices chained through microtasks would never let the loop run.
    await turn();
    writer.startSlice();
  }
}

/** Runs `work` to the end at once (the unsliced serializer, for `budgetMs = Infinity`). */
export function drainAll(work: SlicedWork, writer: SlicedWriter): void {
  while (!work.next().done);
  writer.flush();
}
