import { z } from 'zod';

/** Objectives for one operation type, as the SLA spec states them. */
export interface OperationThresholds {
  /** The `latencyQuantile` of durations must stay at or below this many seconds. */
  readonly latencySeconds: number;
  /** Which quantile the latency objective is about (0..1), e.g. 0.95. */
  readonly latencyQuantile: number;
  /** Largest acceptable share of bad operations (0..1): one minus the availability objective. */
  readonly maxFailureRate: number;
  /** Outcomes that count as bad for `maxFailureRate` (the SLA spec's; default every outcome but success). */
  readonly badOutcomes?: readonly string[];
}

/** Saturation levels for host resources (ratios 0..1, event-loop delay in seconds). */
export interface ResourceThresholds {
  readonly cpuUtilization: number;
  readonly memoryUtilization: number;
  readonly diskUtilization: number;
  readonly gpuUtilization: number;
  readonly gpuMemoryUtilization: number;
  readonly eventLoopDelaySeconds: number;
}

/**
 * Every threshold the analysis uses. The SLA spec is their one source: pass what `@perfkit/sla` derives from it;
 * {@link DEFAULT_THRESHOLDS} fills only what the spec leaves out.
 */
export interface AnalysisThresholds {
  /** Objectives for operation types the spec does not name. */
  readonly defaults: OperationThresholds;
  /** Objectives per operation type. */
  readonly operations: Readonly<Record<string, Partial<OperationThresholds>>>;
  /** Objectives of single operation names, by type then name; they replace the type's verdict of the same kind. */
  readonly operationNames: Readonly<Record<string, Readonly<Record<string, Partial<OperationThresholds>>>>>;
  readonly resources: ResourceThresholds;
  /** An exhaustion forecast closer than this is a bottleneck. */
  readonly forecastHorizonSeconds: number;
  /** Fewer operations than this in the window are not judged (too little evidence). */
  readonly minOperations: number;
}

/** Used only where no SLA spec gives a value; the numbers earlier systems used (seed 001). */
export const DEFAULT_THRESHOLDS: AnalysisThresholds = {
  defaults: { latencySeconds: 30, latencyQuantile: 0.95, maxFailureRate: 0.05 },
  operations: {},
  operationNames: {},
  resources: {
    cpuUtilization: 0.8,
    memoryUtilization: 0.85,
    diskUtilization: 0.9,
    gpuUtilization: 0.95,
    gpuMemoryUtilization: 0.9,
    eventLoopDelaySeconds: 0.1,
  },
  forecastHorizonSeconds: 24 * 3600,
  minOperations: 10,
};

const ratio = z.number().min(0).max(1);
const operationSchema = z
  .object({
    latencySeconds: z.number().positive().finite(),
    latencyQuantile: ratio,
    maxFailureRate: ratio,
    badOutcomes: z.array(z.string().min(1).max(64)).max(16),
  })
  .strict();
const typeKey = z.string().min(1).max(128);

/** Schema of a (partial) thresholds object, merged over {@link DEFAULT_THRESHOLDS}. */
export const thresholdsSchema = z
  .object({
    defaults: operationSchema.partial().optional(),
    operations: z.record(typeKey, operationSchema.partial()).optional(),
    operationNames: z.record(typeKey, z.record(z.string().min(1).max(1024), operationSchema.partial())).optional(),
    resources: z
      .object({
        cpuUtilization: ratio,
        memoryUtilization: ratio,
        diskUtilization: ratio,
        gpuUtilization: ratio,
        gpuMemoryUtilization: ratio,
        eventLoopDelaySeconds: z.number().positive().finite(),
      })
      .partial()
      .strict()
      .optional(),
    forecastHorizonSeconds: z.number().positive().finite().optional(),
    minOperations: z.number().int().min(1).optional(),
  })
  .strict();

/** A partial thresholds object as accepted by the options. */
export type ThresholdsInput = z.input<typeof thresholdsSchema>;

/** Merges a partial thresholds object over the defaults. */
export function mergeThresholds(input: ThresholdsInput | undefined): AnalysisThresholds {
  const base = DEFAULT_THRESHOLDS;
  return {
    defaults: { ...base.defaults, ...input?.defaults },
    operations: { ...input?.operations },
    operationNames: { ...input?.operationNames },
    resources: { ...base.resources, ...input?.resources },
    forecastHorizonSeconds: input?.forecastHorizonSeconds ?? base.forecastHorizonSeconds,
    minOperations: input?.minOperations ?? base.minOperations,
  };
}

/** The objectives that apply to one operation type (or, given a name with objectives of its own, to that name). */
export function operationThresholds(t: AnalysisThresholds, type: string, name?: string): OperationThresholds {
  return { ...t.defaults, ...t.operations[type], ...(name === undefined ? {} : t.operationNames[type]?.[name]) };
}
