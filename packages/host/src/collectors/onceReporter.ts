import type { DiagLogger } from '@perfkit/core';

/** How many distinct problems one reporter says before it falls silent (one more line says so). */
export const MAX_DISTINCT_PROBLEMS = 100;

/**
 * Says each distinct problem once (by key), up to `maxProblems` of them; past that, one line says that further
 * problems are not said. The cap bounds both the log and the memory of what was said: a file that keeps naming new
 * broken devices, or a GPU whose readings keep flapping, would otherwise add a line and a key at every collection.
 */
export class OnceReporter {
  private readonly said = new Set<string>();
  private isCapped = false;

  constructor(
    private readonly diag: DiagLogger | undefined,
    /** Names the reporter in the line past the cap (`host network`). */
    private readonly subject: string,
    private readonly maxProblems = MAX_DISTINCT_PROBLEMS,
  ) {}

  /** Says `message` at `level` unless `key` was said before or the cap was reached; returns whether it was said. */
  report(key: string, message: string, level: 'warn' | 'info' = 'warn'): boolean {
    if (this.said.has(key)) return false;
    if (this.said.size >= this.maxProblems) {
      if (!this.isCapped) {
        this.isCapped = true;
        this.diag?.warn(`${this.subject}: ${this.maxProblems} distinct problems said; further problems are suppressed`);
      }
      return false;
    }
    this.said.add(key);
    this.diag?.[level](message);
    return true;
  }
}
