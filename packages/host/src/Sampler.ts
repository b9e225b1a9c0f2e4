import type { DiagLogger } from '@perfkit/core';

/**
 * Runs one collector in the background: once soon after start, then every `intervalMs` on an unref'd timer.
 * A run still in flight is never overlapped, a failure goes to the logger (once per distinct message, so a broken
 * collector does not flood the log) and calls `discard`, which drops the collector's figures: a failed reading
 * leaves the group's figures absent (as node_exporter drops a failed collector's series) rather than showing the
 * last good ones as if current. Observable callbacks only read what the last run stored.
 */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private kickoff: NodeJS.Immediate | undefined;
  private running: Promise<void> | undefined;
  private lastError = '';
  private stopped = false;
  /** When the last run completed without throwing (ms since the epoch; 0 before). */
  lastSuccessAt = 0;
  /** Whether the last finished run succeeded; undefined before the first one finished. */
  isHealthy: boolean | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly collect: () => void | Promise<void>,
    private readonly diag: DiagLogger,
    /** Drops the collector's figures (and any baseline of a rate) after a failed run; must not throw. */
    private readonly discard: () => void = () => {},
  ) {}

  /** Starts sampling; the first run happens on the next turn of the event loop, not inside the caller. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.kickoff = setImmediate(() => void this.runOnce());
    this.kickoff.unref();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs the collector now unless a run is in flight (then waits for that one). */
  runOnce(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.execute().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async execute(): Promise<void> {
    try {
      await this.collect();
      this.lastSuccessAt = Date.now();
      this.lastError = '';
      this.isHealthy = true;
    } catch (err) {
      this.isHealthy = false;
      this.discard();
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError) this.diag.warn(`host ${this.name} collection failed`, err);
      else this.diag.debug(`host ${this.name} collection failed again`, message);
      this.lastError = message;
    }
  }

  /** Stops the timer and waits for a run in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.kickoff) clearImmediate(this.kickoff);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
