import type { ModelSpec } from './catalog';

/** What the service knows about one model right now. */
export interface ModelState {
  readonly spec: ModelSpec;
  /** Weights are on local disk. */
  isDownloaded: boolean;
  /** Weights are loaded into (simulated) accelerator memory. */
  isLoaded: boolean;
  /** False once a health check found corruption; a re-download repairs it. */
  isHealthy: boolean;
  /** Score of the last health check (1 = every shard intact), undefined before the first. */
  integrityScore: number | undefined;
  /** Epoch milliseconds of the last health check, 0 before the first. */
  lastHealthCheckAt: number;
  /** Generate requests served. */
  requests: number;
}

/** A fresh state for a model that has not been downloaded. */
export function initialState(spec: ModelSpec): ModelState {
  return { spec, isDownloaded: false, isLoaded: false, isHealthy: true, integrityScore: undefined, lastHealthCheckAt: 0, requests: 0 };
}

/** A JSON-friendly view of a model's state. */
export function describeState(state: ModelState): Record<string, unknown> {
  const { spec, ...rest } = state;
  return { ...spec, ...rest };
}
