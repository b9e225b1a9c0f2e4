/** A place in a {@link FifoQueue}; `cancel()` takes it out without disturbing the order of the rest. */
export interface QueueEntry<T> {
  readonly value: T;
  isQueued: boolean;
}

/**
 * First in, first out, with O(1) push, shift and cancel: a cancelled entry is only marked and skipped when it
 * reaches the head (with one queue timeout for all entries, the oldest expire first, so they sit at the head).
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
    entry.isQueued = false;
    this.live--;
    this.compact();
    return entry.value;
  }

  /** Takes one entry out wherever it is; false when it had already left. */
  cancel(entry: QueueEntry<T>): boolean {
    if (!entry.isQueued) return false;
    entry.isQueued = false;
    this.live--;
    this.skipCancelled();
    this.compact();
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
