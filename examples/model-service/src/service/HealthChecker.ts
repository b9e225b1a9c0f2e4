import type { Operation, Perfkit } from '@perfkit/core';
import type { Knobs } from '../knobs';
import type { ModelState } from '../models/ModelState';
import { jitter, sleep } from '../util/sleep';

/** Files besides the weight shards that a health check verifies (config, tokenizer). */
const EXTRA_FILES = 2;

/** What one health check found. */
export interface HealthReport {
  readonly model: string;
  readonly filesChecked: number;
  readonly corruptions: number;
  readonly integrityScore: number;
  readonly isHealthy: boolean;
}

/**
 * Verifies a downloaded model's files as one `health_check` operation, reporting the integrity score
 * (share of intact files) and the corruptions found. A model with any corruption is marked unhealthy,
 * which sends its traffic to a fallback until it is downloaded again.
 */
export class HealthChecker {
  private readonly op: Operation;

  constructor(
    perf: Perfkit,
    private readonly knobs: () => Knobs,
    private readonly random: () => number = Math.random,
    private readonly msPerFile = 15,
  ) {
    this.op = perf.operation('health_check', 'verify-integrity');
  }

  /** Checks one downloaded model. */
  check(state: ModelState): Promise<HealthReport> {
    return this.op.track(async (op) => {
      const files = state.spec.shards + EXTRA_FILES;
      const rate = this.knobs().healthCorruptionRate;
      let corruptions = 0;
      for (let i = 0; i < files; i++) {
        await sleep(jitter(this.msPerFile, 0.4, this.random));
        if (this.random() < rate) corruptions++;
      }
      const integrityScore = 1 - corruptions / files;
      op.integrityScore(integrityScore);
      op.corruptionsFound(corruptions);
      state.integrityScore = integrityScore;
      state.lastHealthCheckAt = Date.now();
      if (corruptions > 0) {
        state.isHealthy = false;
        state.isLoaded = false;
      }
      return { model: state.spec.name, filesChecked: files, corruptions, integrityScore, isHealthy: state.isHealthy };
    });
  }
}
