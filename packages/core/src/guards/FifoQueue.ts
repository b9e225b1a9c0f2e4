/** A place in a {@link FifoQueue}; `cancel()` takes it out without disturbing the order of the rest. */
export interface QueueEntry<T> {
  /** The value while it waits; undefined once cancelled (the queue keeps nothing of what left). */
  value: T | undefined;
  isQueued: boolean;
}

/**
 * First in, first out, with amortised O(1) push, shift and cancel: a cancelled entry is marked, emptied and skipped
 * when it reaches the head. Queue timeouts cancel from the head (one timeout for all entries: the oldest expire
 * first), but callers whose signal aborts leave from anywhere: once more than 1024 cancelled entries lie behind the
 * head and they outnumber the waiting ones, the array is rebuilt without them, so a head that never moves cannot make
 * it grow with every caller that came and went behind it.
 */
export class FifoQueue<T> {
  private entries: Array<QueueEntry<T>> = [];
  private head = 0;
  private live = 0;

  /** Entries waiting now. */
  get size(): number {
    return this.live;
  }

  /** Appends a value; returns its entry. */
  push(value: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { value, isQueued: true };
    this.entries.push(entry);
    this.live++;
    return entry;
  }

  /** Takes the oldest waiting value out, or undefined when none waits. */
  shift(): T | undefined {
    this.skipCancelled();
    if (this.head >= this.entries.length) return undefined;
    const entry = this.entries[this.head++]!;
    const value = entry.value as T;
    entry.isQueued = false;
    entry.value = undefined;
    this.live--;
    this.skipCancelled();
    this.compact();
    return value;
  }

  /** Takes one entry out wherever it is; false when it had already left. */
  cancel(entry: QueueEntry<T>): boolean {
    if (!entry.isQueued) return false;
    entry.isQueued = false;
    entry.value = undefined;
    this.live--;
    this.skipCancelled();
    this.compact();
    this.dropCancelled();
    return true;
  }

  /** Takes every waiting value out, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let v = this.shift(); v !== undefined; v = this.shift()) out.push(v);
    return out;
  }

  private skipCancelled(): void {
    while (this.head < this.entries.length && !this.entries[this.head]!.isQueued) this.head++;
  }

  private dropCancelled(): void {
    const cancelled = this.entries.length - this.head - this.live;
    if (cancelled <= 1024 || cancelled <= this.live) return;
    this.entries = this.entries.filter((entry) => entry.isQueued);
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
