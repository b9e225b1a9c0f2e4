/** The longest a slice of a sliced computation runs before it yields to the event loop (wall clock, so CPU time is less). */
export const SLICE_MS = 8;

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
 * Cuts a long computation into slices of at most `budgetMs`: between units of work, `if (slicer.isDue) await
 * slicer.yield()` (no promise while the slice has budget left).
 */
export class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

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
