import type { DiagLogger } from '../diag';

/** One reading of process memory, in bytes. */
export interface MemoryReading {
  /** Resident set size: every thread's memory, native allocations and Buffers included. */
  readonly rss: number;
  /** V8 heap in use plus external memory (Buffers, ArrayBuffers) of the main isolate. */
  readonly heap: number;
}

/** Reads the process's memory (swappable in tests of the sampler itself). */
export type MemoryReader = () => MemoryReading;

/** `process.memoryUsage()` as a {@link MemoryReading}. */
export const readProcessMemory: MemoryReader = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

interface Watch {
  readonly baseRss: number;
  readonly baseHeap: number;
  readonly onExceeded: (rssGrowthBytes: number, heapGrowthBytes: number) => void;
}

/**
 * Samples process memory every `intervalMs` while at least one guarded operation runs, and calls a watch's
 * `onExceeded` once when the growth since that operation started, of the resident set or of heap + external,
 * passes the budget. The process has one heap and one resident set, so each operation is charged with all the
 * growth since it started, its neighbours' included (see docs/guards.md). The timer runs only while something is
 * watched, and is unref()'d.
 */
export class MemorySampler {
  private readonly watches = new Set<Watch>();
  private timer: NodeJS.Timeout | undefined;
  /** Largest growth (bytes) any watched operation has seen. */
  peakGrowthBytes = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly intervalMs: number,
    private readonly diag: DiagLogger,
    private readonly read: MemoryReader = readProcessMemory,
  ) {}

  /** Starts watching one operation from now; returns the function that stops it. */
  watch(onExceeded: Watch['onExceeded']): () => void {
    const now = this.safeRead();
    const entry: Watch = { baseRss: now?.rss ?? 0, baseHeap: now?.heap ?? 0, onExceeded };
    this.watches.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.sample(), this.intervalMs);
      this.timer.unref();
    }
    return () => this.unwatch(entry);
  }

  /** How many operations are watched now. */
  get size(): number {
    return this.watches.size;
  }

  private unwatch(entry: Watch): void {
    this.watches.delete(entry);
    if (this.watches.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sample(): void {
    const now = this.safeRead();
    if (!now) return;
    for (const w of [...this.watches]) {
      const rssGrowth = now.rss - w.baseRss;
      const heapGrowth = now.heap - w.baseHeap;
      const growth = Math.max(rssGrowth, heapGrowth);
      if (growth > this.peakGrowthBytes) this.peakGrowthBytes = growth;
      if (growth > this.budgetBytes) {
        this.unwatch(w);
        try {
          w.onExceeded(rssGrowth, heapGrowth);
        } catch (err) {
          this.diag.error('guard memory budget handler failed', err);
        }
      }
    }
  }

  private safeRead(): MemoryReading | undefined {
    try {
      return this.read();
    } catch (err) {
      this.diag.warn('reading process memory failed', err);
      return undefined;
    }
  }
}
