import { Worker } from 'node:worker_threads';

/** A job as it reached a generate worker thread, and the thread it reached. */
export interface DispatchedJob {
  readonly worker: Worker;
  readonly job: unknown;
}

/**
 * Records every job posted to a worker thread (`Worker.prototype.postMessage`, the only way a job reaches one), so a
 * test counts what a worker was given without asking the pool. `restore()` puts postMessage back.
 */
export function watchWorkerJobs(): { readonly jobs: DispatchedJob[]; restore(): void } {
  const jobs: DispatchedJob[] = [];
  const postMessage = Worker.prototype.postMessage;
  const spy = jest.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, message: unknown, transfer?: Parameters<Worker['postMessage']>[1]) {
    const job = (message as { job?: unknown } | null)?.job;
    if (job !== undefined) jobs.push({ worker: this, job });
    return postMessage.call(this, message, transfer);
  });
  return { jobs, restore: () => spy.mockRestore() };
}

/**
 * Yields to the event loop until `isDone()`: a wait on the code under test's own progress, with no timer. Gives up
 * with `what` after `limitMs` (a bound for code that never gets there, not a wait), so a failing test ends.
 */
export async function until(what: string, isDone: () => boolean, limitMs = 5000): Promise<void> {
  const giveUpAt = performance.now() + limitMs;
  while (!isDone()) {
    if (performance.now() > giveUpAt) throw new Error(`still waiting, after ${limitMs} ms, for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `promise`, or a rejection naming `what` when it has not settled within `limitMs`, so that a failing test ends. */
export async function soon<T>(what: string, promise: Promise<T>, limitMs = 5000): Promise<T> {
  let isSettled = false;
  const tracked = promise.finally(() => (isSettled = true));
  tracked.catch(() => undefined); // read below, unless the wait gives up first
  await until(what, () => isSettled, limitMs);
  return tracked;
}
