import type { Operation, Perfkit } from '@perfkit/core';
import { ERROR_CODES, ModelServiceError } from '../errors';
import { compatibilityScore } from '../models/catalog';
import type { ModelState } from '../models/ModelState';
import { jitter, sleep } from '../util/sleep';

/** The alternative a fallback chose. */
export interface FallbackChoice {
  readonly wanted: string;
  readonly chosen: ModelState;
  readonly compatibilityScore: number;
  readonly alternativesConsidered: number;
}

/**
 * Picks a healthy alternative for an unhealthy model as one `fallback` operation: every other model is
 * considered, the most compatible healthy one wins; below `minCompatibility` the fallback fails.
 */
export class FallbackSelector {
  private readonly op: Operation;

  constructor(
    perf: Perfkit,
    private readonly random: () => number = Math.random,
    private readonly minCompatibility = 0.4,
  ) {
    this.op = perf.operation('fallback', 'select-alternative');
  }

  /** Chooses the best alternative to `wanted` among `models`. */
  select(wanted: ModelState, models: readonly ModelState[]): Promise<FallbackChoice> {
    return this.op.track(async (op) => {
      const alternatives = models.filter((m) => m !== wanted);
      op.alternativesConsidered(alternatives.length);
      await sleep(jitter(4 * alternatives.length, 0.5, this.random));
      let best: { state: ModelState; score: number } | undefined;
      for (const state of alternatives) {
        if (!state.isHealthy) continue;
        const score = compatibilityScore(wanted.spec, state.spec);
        if (!best || score > best.score) best = { state, score };
      }
      if (!best || best.score < this.minCompatibility) {
        throw new ModelServiceError(ERROR_CODES.noCompatibleModel, `no healthy model is compatible enough to replace ${wanted.spec.name}`, 503);
      }
      op.compatibilityScore(best.score);
      return { wanted: wanted.spec.name, chosen: best.state, compatibilityScore: best.score, alternativesConsidered: alternatives.length };
    });
  }
}
