const now = performance.now.bind(performance);

/** Text chunks are handed on once they reach this many characters. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Collects exposition text into chunks and tells a serializer when its time slice is spent, so that a scrape of
 * any size yields to the event loop between slices. Serializers are generator functions that `yield` only when
 * {@link SlicedWriter.isOverBudget} says so; {@link drainSliced} runs them a slice per event-loop turn,
 * {@link drainAll} in one go.
 */
export class SlicedWriter {
  private text = '';
  private sliceStart = now();

  /**
   * @param emit receives each chunk of text, in order
   * @param budgetMs the longest a slice may run (Infinity: never yield)
   */
  constructor(
    private readonly emit: (chunk: string) => void,
    readonly budgetMs = 4,
  ) {}

  /** Appends text, handing on a chunk when enough has gathered. */
  write(text: string): void {
    this.text += text;
    if (this.text.length >= CHUNK_CHARS) this.flush();
  }

  /** Hands on what has gathered, as one flat string. */
  flush(): void {
    const text = this.text;
    this.text = '';
    if (!text) return;
    // The chunk is a tree of thousands of small concatenated strings, and it lives on (in the whole text perf.metrics()
    // returns, and for scrapers that join late): V8's young-generation GC copied every node of every tree still held,
    // 15-30 ms pauses inside a 4 ms slice at 100,000 series. Converting it to a number (pino's flatstr trick) makes
    // V8 flatten it into one string, so the small pieces die young.
    void ((text as unknown as number) | 0);
    this.emit(text);
  }

  /** Whether the current slice has used its budget (the serializer should yield). */
  isOverBudget(): boolean {
    return now() - this.sliceStart >= this.budgetMs;
  }

  /** Starts a new slice (called by the driver after yielding to the event loop). */
  startSlice(): void {
    this.sliceStart = now();
  }
}

/** A serializer step: a generator that yields when its writer's slice is spent. */
export type SlicedWork = Generator<void, void, void>;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `work` one slice per event-loop turn, flushing the writer after each slice. */
export async function drainSliced(work: SlicedWork, writer: SlicedWriter): Promise<void> {
  writer.startSlice();
  for (;;) {
    const step = work.next();
    writer.flush();
    if (step.done) return;
    await turn();
    writer.startSlice();
  }
}

/** Runs `work` to the end at once (the unsliced serializer, for `budgetMs = Infinity`). */
export function drainAll(work: SlicedWork, writer: SlicedWriter): void {
  while (!work.next().done);
  writer.flush();
}
