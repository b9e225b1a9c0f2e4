/** A model the service can download and serve (sizes are what a real checkpoint weighs; the transfer is simulated). */
export interface ModelSpec {
  /** Model id used in URLs. */
  readonly name: string;
  /** Architecture family; alternatives of the same family are more compatible. */
  readonly family: string;
  /** Parameters, in billions. */
  readonly paramsB: number;
  /** Weight file size in bytes. */
  readonly sizeBytes: number;
  /** Context window in tokens. */
  readonly contextTokens: number;
  /** Number of shard files a health check verifies. */
  readonly shards: number;
}

const GB = 1024 ** 3;

/** The catalogue of simulated models. */
export const MODEL_CATALOG: readonly ModelSpec[] = [
  { name: 'llama-3-8b-instruct', family: 'llama', paramsB: 8, sizeBytes: Math.round(4.9 * GB), contextTokens: 8192, shards: 4 },
  { name: 'llama-3-8b-instruct-q4', family: 'llama', paramsB: 8, sizeBytes: Math.round(2.4 * GB), contextTokens: 8192, shards: 2 },
  { name: 'mistral-7b-instruct', family: 'mistral', paramsB: 7.2, sizeBytes: Math.round(4.4 * GB), contextTokens: 32768, shards: 3 },
  { name: 'phi-3-mini-4k', family: 'phi', paramsB: 3.8, sizeBytes: Math.round(2.2 * GB), contextTokens: 4096, shards: 2 },
  { name: 'tinyllama-1.1b-chat', family: 'llama', paramsB: 1.1, sizeBytes: Math.round(0.64 * GB), contextTokens: 2048, shards: 1 },
];

/**
 * How well `candidate` can stand in for `wanted`, 0..1: same family counts most, then how close the size
 * and context window are (a smaller context than requested is penalised more than a larger one).
 */
export function compatibilityScore(wanted: ModelSpec, candidate: ModelSpec): number {
  if (wanted.name === candidate.name) return 1;
  const family = wanted.family === candidate.family ? 1 : 0.35;
  const size = Math.min(wanted.paramsB, candidate.paramsB) / Math.max(wanted.paramsB, candidate.paramsB);
  const context = candidate.contextTokens >= wanted.contextTokens ? 1 : candidate.contextTokens / wanted.contextTokens;
  return Math.round((0.5 * family + 0.3 * size + 0.2 * context) * 1000) / 1000;
}
