import { z } from 'zod';
import { PerfkitConfigError, resolveConfig, type EnvOverride } from '@perfkit/core';

/** Failure and slowness knobs, changeable at run time through `POST /knobs`. */
export const knobsSchema = z
  .object({
    /** Probability that one download attempt fails (connection reset) or arrives corrupted. */
    downloadFailureRate: z.number().min(0).max(1).default(0.05),
    /** Extra latency added to every generate call, in milliseconds. */
    generateDelayMs: z.number().int().min(0).max(600_000).default(0),
    /** Probability that a health check finds a given shard corrupted. */
    healthCorruptionRate: z.number().min(0).max(1).default(0.01),
    /**
     * Probability that a generate call fails with OUT_OF_MEMORY. The default is a tenth of the SLA's 1 % budget
     * (examples/sla.yaml, generate-success), so the service is green at rest; 0.2 burns the budget 20x as fast.
     */
    generateFailureRate: z.number().min(0).max(1).default(0.001),
  })
  .strict();

/** Current knob values. */
export type Knobs = z.output<typeof knobsSchema>;

/** Environment variables that set the knobs at start-up. */
export const KNOB_ENV: readonly EnvOverride[] = [
  { env: 'PERFKIT_EXAMPLE_DOWNLOAD_FAILURE_RATE', key: 'downloadFailureRate', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_GENERATE_DELAY_MS', key: 'generateDelayMs', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_HEALTH_CORRUPTION_RATE', key: 'healthCorruptionRate', parse: 'number' },
  { env: 'PERFKIT_EXAMPLE_GENERATE_FAILURE_RATE', key: 'generateFailureRate', parse: 'number' },
];

/** Knob values from defaults and environment; throws PerfkitConfigError naming the bad knob. */
export function knobsFromEnv(env: NodeJS.ProcessEnv = process.env): Knobs {
  return resolveConfig(knobsSchema, {}, KNOB_ENV, env, 'knobs');
}

/** Applies a partial update (from `POST /knobs`) to `current`; throws PerfkitConfigError naming the bad knob. */
export function updateKnobs(current: Knobs, patch: unknown): Knobs {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new PerfkitConfigError('knobs', patch, 'expected a JSON object such as {"downloadFailureRate": 0.5}');
  }
  return resolveConfig(knobsSchema, { ...current, ...(patch as object) }, [], {}, 'knobs');
}
