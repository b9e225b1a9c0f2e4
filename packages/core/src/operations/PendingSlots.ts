/** What a slot reports to when the promise it waits on settles (the operation handle). */
export interface PendingOwner {
  finishSuccess(t0: number): number;
  finishFailure(t0: number, err: unknown): number;
}

/**
 * Promises of one handle awaited at once through reusable handlers; beyond this many, `track()` makes a pair of
 * closures per call as before. A slot is about 240 bytes of heap (Node 20 and 26), made only as concurrency reaches
 * it: about 60 KB at the cap.
 */
export const MAX_PENDING_SLOTS = 256;

/**
 * One reusable pair of `then` handlers and the start time of the operation it now waits for. Each slot is made
 * once (an object and two closures over it); a settled promise's handler reads the start time, puts the slot back
 * on its pool's free list and records the operation. The rejection handler rethrows, so the promise `track()`
 * returns settles exactly as the caller's own did.
 */
export class PendingSlot {
  /** Start time (`performance.now()`) of the operation the slot waits for. */
  t0 = 0;
  /** Next free slot while this one is free. */
  next: PendingSlot | null = null;
  /** Records a success and passes the value through. */
  readonly onFulfilled: (value: unknown) => unknown;
  /** Records a failure and rethrows the reason. */
  readonly onRejected: (err: unknown) => never;

  constructor(pool: PendingSlots, owner: PendingOwner) {
    this.onFulfilled = (value) => {
      const t0 = this.t0;
      pool.release(this);
      owner.finishSuccess(t0);
      return value;
    };
    this.onRejected = (err) => {
      const t0 = this.t0;
      pool.release(this);
      owner.finishFailure(t0, err);
      throw err;
    };
  }
}

/**
 * Reusable `then` handlers for the async `track()` path, so that a call allocates no closures: a free list of
 * {@link PendingSlot}s. `take()` hands out a free slot (sequential operations keep reusing one); the slot's
 * handler frees it when the promise settles, so operations that overlap each hold their own slot and start time.
 */
export class PendingSlots {
  private free: PendingSlot | null = null;
  /** Slots made so far (the most promises awaited at once, up to the cap). */
  size = 0;

  constructor(private readonly owner: PendingOwner) {}

  /** A slot now waiting for an operation started at `t0`, or null when all {@link MAX_PENDING_SLOTS} are in use. */
  take(t0: number): PendingSlot | null {
    let slot = this.free;
    if (slot !== null) {
      this.free = slot.next;
    } else {
      if (this.size >= MAX_PENDING_SLOTS) return null;
      slot = new PendingSlot(this, this.owner);
      this.size++;
    }
    slot.t0 = t0;
    return slot;
  }

  /** Puts a slot back on the free list (its handler ran, or they were never attached). */
  release(slot: PendingSlot): void {
    slot.next = this.free;
    this.free = slot;
  }
}
