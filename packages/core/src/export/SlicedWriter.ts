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

/** Text chunks are handed on once they reach this many characters. */
export const CHUNK_CHARS = 64 * 1024;
/**
 * Flattened chunks (large scrapes) are handed on once they reach this many characters: a flat string over V8's
 * largest regular object (128 KiB) is a large object, which young-generation GC promotes by moving its page, never by
 * copying it. Flattened chunks of 64-128 KiB were copied twice by every scavenge they lived through: at 100,000 series
 * (200 MB of text held until the scrape is done) 40 scavenges of 5-20 ms each on Node 20, the longest pauses inside
 * a slice; with these chunks 13 scavenges of about 2 ms.
 */
export const FLAT_CHUNK_CHARS = 256 * 1024;

/**
 * Collects exposition text into chunks and tells a serializer when its time slice is spent, so that a scrape of
 * any size yields to the event loop between slices. Serializers are generator functions that `yield` only when
 * {@link SlicedWriter.isOverBudget} says so; {@link drainSliced} runs them a slice per event-loop turn,
 * {@link drainAll} in one go.
 */
export class SlicedWriter {
  private text = '';
  private sliceStart = now();
  private sliceCpuStart = 0;
  /** Slices run so far by {@link drainSliced}. */
  readonly stats: SliceStats = { slices: 0, longestMs: 0, longestCpuMs: threadCpu ? 0 : NaN };

  /** Whether the chunk being gathered will be flattened (asked again after each chunk is handed on). */
  private flatten: boolean;
  private readonly shouldFlatten: () => boolean;

  /**
   * @param emit receives each chunk of text, in order
   * @param budgetMs the longest a slice may run (Infinity: never yield)
   * @param flatten whether each chunk is made one flat string before it is handed on (see {@link flush}); a function
   *   is asked again after each chunk (a scrape whose chunks stop being kept stops flattening them)
   */
  constructor(
    private readonly emit: (chunk: string) => void,
    readonly budgetMs = 2,
    flatten: boolean | (() => boolean) = false,
  ) {
    this.shouldFlatten = typeof flatten === 'function' ? flatten : () => flatten;
    this.flatten = this.shouldFlatten();
  }

  /** Appends text, handing on a chunk when enough has gathered. */
  write(text: string): void {
    this.text += text;
    if (this.text.length >= (this.flatten ? FLAT_CHUNK_CHARS : CHUNK_CHARS)) this.flush();
  }

  /**
   * Called between slices: hands on what has gathered, except when chunks are flattened, where a short remainder
   * waits for the next slice (a flattened chunk under {@link FLAT_CHUNK_CHARS} would be a regular object, copied by
   * every scavenge it lives through).
   */
  flushBetweenSlices(): void {
    if (!this.flatten) this.flush();
  }

  /** Hands on what has gathered, as one flat string. */
  flush(): void {
    const text = this.text;
    this.text = '';
    if (!text) return;
    // The chunk is a tree of thousands of small concatenated strings, and it lives on (in the whole text perf.metrics()
    // returns, and for scrapers that join late): in a large scrape V8's young-generation GC copies every node of every
    // tree still held, 15-30 ms pauses inside a 4 ms slice at 100,000 series. Converting it to a number (pino's
    // flatstr trick) makes V8 flatten it into one string, so the small pieces die young. The copy costs about as much
    // CPU as the pauses it saves there, and doubles a small scrape's cost, hence only for large ones.
    // Text nothing keeps (streamed into a response, not replayed) dies young whatever its shape: flattening it would
    // only copy it, into large objects mapped and unmapped one by one (800 a 100,000-series scrape, several times its
    // CPU time, and its longest turns waiting on the kernel's mmap lock).
    if (this.flatten) void ((text as unknown as number) | 0);
    this.emit(text);
    this.flatten = this.shouldFlatten();
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
