import { turn } from '../export/SlicedWriter';

/**
 * A pass over the store written once for both ways it is run: a generator that yields whenever `isOverBudget` says
 * so at one of its checks, and returns what it built.
 */
export type Steps<T> = (isOverBudget: () => boolean) => Generator<void, T, void>;

/** Rows (or handles) between two looks at the slice clock. */
export const ROWS_PER_CHECK = 64;

/** Whether a pass at row (or handle) `i` should yield: every {@link ROWS_PER_CHECK}th one looks at the slice clock. */
export function isDue(i: number, isOverBudget: () => boolean): boolean {
  return i % ROWS_PER_CHECK === ROWS_PER_CHECK - 1 && isOverBudget();
}

const never = (): boolean => false;

/** Runs `steps` to the end at once (one synchronous pass). */
export function runAtOnce<T>(steps: Steps<T>): T {
  const it = steps(never);
  let step = it.next();
  while (!step.done) step = it.next();
  return step.value;
}

/** Runs `steps` in slices of at most `sliceMs` (checked where it checks) with a turn of the event loop between them. */
export async function runSliced<T>(steps: Steps<T>, sliceMs: number): Promise<T> {
  let sliceStart = performance.now();
  const it = steps(() => performance.now() - sliceStart >= sliceMs);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
    await turn();
    sliceStart = performance.now();
  }
}
