import { nextTurn } from '../api/Slicer';

/**
 * Runs heavy requests one per event-loop turn, taking turns with the slices of those already running (after the I/O
 * of that turn, so `/health` and the application's own requests are answered between two reports), and at most `max`
 * queued or running at once; the caller answers 429 with `Retry-After` to the rest.
 */
export class HeavyLimiter {
  private pending = 0;
  private readonly queue: Array<() => unknown> = [];
  private isScheduled = false;

  constructor(readonly max: number) {}

  /** Requests queued or running now. */
  get inFlight(): number {
    return this.pending;
  }

  /** Queues the job; false (job not run) when `max` are already queued or running. */
  tryRun(job: () => unknown): boolean {
    if (this.pending >= this.max) return false;
    this.pending++;
    this.queue.push(job);
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.isScheduled || this.queue.length === 0) return;
    this.isScheduled = true;
    void nextTurn().then(() => {
      this.isScheduled = false;
      const job = this.queue.shift()!;
      const done = () => {
        this.pending--;
        this.schedule();
      };
      let result: unknown;
      try {
        result = job();
      } catch {
        // The job reports its own failures; the slot must still be freed.
      }
      if (result instanceof Promise) result.then(done, done);
      else done();
    });
  }
}
