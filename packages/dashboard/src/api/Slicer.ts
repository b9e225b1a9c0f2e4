/** The most main-thread time one event-loop turn of a sliced computation is meant to take (ms). */
export const SLICE_MS = 8;

/**
 * When a slice yields (ms, wall clock): half of {@link SLICE_MS}. The other half is headroom for the unit of work in
 * progress when the clock is read and for a garbage collection that starts inside the slice: yielding at 8 ms, a
 * 31-day report's turns read up to 12.8 ms of main-thread CPU (a young-generation collection inside one).
 */
export const SLICE_YIELD_MS = SLICE_MS / 2;

const waiting: Array<() => void> = [];
let isPumpScheduled = false;

function pump(): void {
  isPumpScheduled = false;
  // One waiter per turn: its slice runs in the microtasks that follow this callback, then the loop polls I/O again.
  waiting.shift()?.();
  if (waiting.length > 0) schedulePump();
}

function schedulePump(): void {
  if (isPumpScheduled) return;
  isPumpScheduled = true;
  setImmediate(pump);
}

/**
 * Resolves in a later event-loop turn, after that turn's I/O (so `/health` and the application answer between
 * slices). Waiters are woken one per turn, first come first served: slices of concurrent heavy requests take turns
 * instead of running back to back in one.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    schedulePump();
  });
}

/**
 * Cuts a long computation into slices that yield once `budgetMs` have passed: between units of work, `if
 * (slicer.isDue) await slicer.yield()` (no promise while the slice has budget left). A budget of 0 yields at every
 * check (tests count the turns).
 */
export class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = SLICE_YIELD_MS) {}

  /** Whether the current slice has used its budget. */
  get isDue(): boolean {
    return performance.now() - this.sliceStart >= this.budgetMs;
  }

  /** Ends the slice now and resumes in a later turn. */
  async yield(): Promise<void> {
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
