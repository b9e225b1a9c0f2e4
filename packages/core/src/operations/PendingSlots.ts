/** What a slot reports to when the promise it waits on settles (the operation handle). */
export interface PendingOwner {
  finishSuccess(t0: number): number;
  finishFailure(t0: number, err: unknown): number;
}

/**
 * Promises of one handle awaited at once through reusable handlers; beyond this many, `track()` makes a pair of
 * closures per call as before. 256 pairs of handlers are about 40 KB, made only as concurrency reaches them.
 */
export const MAX_PENDING_SLOTS = 256;

/**
 * Reusable `then` handlers for the async `track()` path, so that a call allocates no closures: each slot is a pair
 * of handlers made once, plus the start time of the operation it currently waits for. `take()` hands out a free
 * slot; the slot's handler records the operation and frees the slot when the promise settles. The rejection handler
 * rethrows, so the promise `track()` returns settles exactly as the caller's own did.
 */
export class PendingSlots {
  /** Fulfilment handler of each slot: records a success, passes the value through. */
  readonly onFulfilled: Array<(value: unknown) => unknown> = [];
  /** Rejection handler of each slot: records a failure, rethrows the reason. */
  readonly onRejected: Array<(err: unknown) => never> = [];
  private readonly startedAt: number[] = [];
  private readonly free: number[] = [];

  constructor(private readonly owner: PendingOwner) {}

  /** A slot now waiting for an operation started at `t0`, or -1 when all {@link MAX_PENDING_SLOTS} are in use. */
  take(t0: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.startedAt.length;
      if (slot >= MAX_PENDING_SLOTS) return -1;
      this.add(slot);
    }
    this.startedAt[slot] = t0;
    return slot;
  }

  /** Gives back a slot whose handlers were never attached. */
  release(slot: number): void {
    this.free.push(slot);
  }

  /** Slots made so far (the most promises awaited at once, up to the cap). */
  get size(): number {
    return this.startedAt.length;
  }

  private add(slot: number): void {
    this.startedAt.push(0);
    this.onFulfilled.push((value) => {
      const t0 = this.startedAt[slot]!;
      this.free.push(slot);
      this.owner.finishSuccess(t0);
      return value;
    });
    this.onRejected.push((err) => {
      const t0 = this.startedAt[slot]!;
      this.free.push(slot);
      this.owner.finishFailure(t0, err);
      throw err;
    });
  }
}
