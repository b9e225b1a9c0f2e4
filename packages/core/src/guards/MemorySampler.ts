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
  /** Memory when the operation started; undefined until a reading succeeds. */
  base: MemoryReading | undefined;
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
  /** The latest reading while the timer runs: a new watch takes it as its baseline instead of reading again. */
  private last: MemoryReading | undefined;
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
    // Reading process memory costs 10-20 us (it parses /proc); under load the timer runs anyway, so a new
    // operation's baseline is the latest sample, at most one interval old.
    const now = this.last ?? (this.last = this.safeRead());
    const entry: Watch = { base: now, onExceeded };
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

  /** Whether the sampling timer runs (it stops one interval after the last watch ends). */
  get isSampling(): boolean {
    return this.timer !== undefined;
  }

  private unwatch(entry: Watch): void {
    // The timer stops at its next tick once nothing is watched, so back-to-back operations share its readings.
    this.watches.delete(entry);
  }

  private sample(): void {
    if (this.watches.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.last = undefined;
      return;
    }
    const now = this.safeRead();
    if (!now) return;
    this.last = now;
    for (const w of [...this.watches]) {
      if (!w.base) {
        w.base = now;
        continue;
      }
      const rssGrowth = now.rss - w.base.rss;
      const heapGrowth = now.heap - w.base.heap;
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
