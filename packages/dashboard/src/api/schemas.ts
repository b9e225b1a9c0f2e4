import { z } from 'zod';

/** The named schemas of the API; the OpenAPI document lists them under components.schemas. */
export const apiRegistry = z.registry<{ id: string }>();

/** A number that JSON may not know (NaN becomes null before validation). */
const num = z.number().nullable();
const evidence = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

/** The body of every error response. */
export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).register(apiRegistry, { id: 'Error' });

/** The time range a windowed answer covers. */
export const windowSchema = z
  .object({
    requestedSeconds: z.number(),
    /** Less than requested when the process or its history is younger than the window. */
    coveredSeconds: z.number(),
    from: z.number(),
    to: z.number(),
  })
  .register(apiRegistry, { id: 'Window' });

/** Figures of a group of operations in the window. */
export const statsSchema = z
  .object({
    total: z.number(),
    successes: z.number(),
    failures: z.number(),
    successRate: num,
    failureRate: num,
    averageSeconds: num,
    p50Seconds: num,
    p95Seconds: num,
    p99Seconds: num,
    byOutcome: z.record(z.string(), z.number()),
    errorTypes: z.array(z.object({ errorType: z.string(), count: z.number() })),
  })
  .register(apiRegistry, { id: 'OperationStats' });

export const bottleneckSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['slow_operation', 'high_failure_rate', 'resource_saturation', 'resource_exhaustion']),
    subject: z.string(),
    severity: z.enum(['warning', 'critical']),
    message: z.string(),
    evidence,
  })
  .register(apiRegistry, { id: 'Bottleneck' });

export const recommendationSchema = z
  .object({ id: z.string(), bottleneckId: z.string(), message: z.string(), evidence })
  .register(apiRegistry, { id: 'Recommendation' });

export const trendSchema = z
  .object({ direction: z.enum(['increasing', 'decreasing', 'stable', 'unknown']), slopePerHour: num, thresholdPerHour: num, r2: num, samples: z.number() })
  .register(apiRegistry, { id: 'ResourceTrend' });

export const forecastSchema = z
  .object({
    resource: z.enum(['memory', 'disk', 'gpu_memory']),
    secondsUntilExhausted: z.number(),
    exhaustedAt: z.number(),
    bytesPerSecond: z.number(),
    usedBytes: z.number(),
    capacityBytes: z.number(),
    r2: z.number(),
  })
  .register(apiRegistry, { id: 'ExhaustionForecast' });

export const scoreSchema = z
  .object({ value: z.number().min(0).max(100), deductions: z.array(z.object({ reason: z.string(), points: z.number(), evidence })) })
  .register(apiRegistry, { id: 'Score' });

export const analysisSchema = z
  .object({
    analyzedAt: z.number(),
    bottlenecks: z.array(bottleneckSchema),
    recommendations: z.array(recommendationSchema),
    score: scoreSchema,
    trends: z.record(z.string(), trendSchema),
    forecasts: z.array(forecastSchema),
  })
  .register(apiRegistry, { id: 'Analysis' });

export const activeSchema = z
  .object({ total: z.number(), operations: z.array(z.object({ type: z.string(), name: z.string(), active: z.number() })) })
  .register(apiRegistry, { id: 'ActiveOperations' });

export const currentResourcesSchema = z
  .object({
    sampledAt: num,
    source: z.enum(['host', 'fallback', 'none']),
    cpuUtilization: num,
    memoryUtilization: num,
    memoryUsedBytes: num,
    memoryTotalBytes: num,
    diskFreeBytes: num,
    diskUtilization: num,
    gpuUtilization: num,
    gpuMemoryUsedBytes: num,
    gpuMemoryUtilization: num,
  })
  .register(apiRegistry, { id: 'CurrentResources' });

export const dashboardSchema = z
  .object({
    generatedAt: z.number(),
    window: windowSchema,
    performanceSummary: z.object({
      totalOperations: z.number(),
      failures: z.number(),
      successRate: num,
      averageDurationSeconds: num,
      p95DurationSeconds: num,
    }),
    currentResources: currentResourcesSchema,
    operationsByType: z.record(z.string(), statsSchema),
    /** Operations since the newest snapshot at or before 5 min ago: `coveredSeconds` is the time they span (the rate's divisor). */
    recentActivity: z.object({ windowSeconds: z.number(), coveredSeconds: z.number(), operations: z.number(), operationsPerSecond: z.number(), failures: z.number() }),
    activeOperations: activeSchema,
    bottlenecks: z.array(bottleneckSchema),
    recommendations: z.array(recommendationSchema),
    resourceTrends: z.record(z.string(), trendSchema),
    forecasts: z.array(forecastSchema),
    score: scoreSchema,
  })
  .register(apiRegistry, { id: 'Dashboard' });

export const reportSchema = z
  .object({
    generatedAt: z.number(),
    window: windowSchema,
    overall: statsSchema,
    byType: z.record(z.string(), statsSchema),
    byName: z.array(z.object({ type: z.string(), name: z.string(), stats: statsSchema })),
    analysis: analysisSchema,
    history: z.object({ samples: z.number(), snapshots: z.number(), bytes: z.number(), budgetBytes: z.number() }),
  })
  .register(apiRegistry, { id: 'Report' });

export const ratePointSchema = z.object({
  t: z.number(),
  operationsPerSecond: z.number(),
  failuresPerSecond: z.number(),
  p50Seconds: num,
  p95Seconds: num,
  p99Seconds: num,
});

export const operationHistorySchema = z
  .object({ window: windowSchema, type: z.string().nullable(), points: z.array(ratePointSchema) })
  .register(apiRegistry, { id: 'OperationHistory' });

export const typeMetricsSchema = z
  .object({
    type: z.string(),
    window: windowSchema,
    stats: statsSchema,
    byName: z.array(z.object({ name: z.string(), stats: statsSchema })),
    figures: z.array(z.object({ name: z.string(), values: z.record(z.string(), z.number()) })),
    active: z.number(),
    points: z.array(ratePointSchema),
  })
  .register(apiRegistry, { id: 'TypeMetrics' });

export const benchmarksSchema = z
  .object({ available: z.boolean(), path: z.string(), modifiedAt: num, message: z.string().optional(), results: z.unknown().optional() })
  .register(apiRegistry, { id: 'Benchmarks' });

export const optimizeSchema = z.object({ window: windowSchema, analysis: analysisSchema }).register(apiRegistry, { id: 'Optimize' });

export const resourceHistorySchema = z
  .object({ window: windowSchema, source: z.enum(['host', 'fallback', 'none']), t: z.array(z.number()), values: z.record(z.string(), z.array(num)) })
  .register(apiRegistry, { id: 'ResourceHistory' });

/** `/api/v1/resources/:kind`: the current figures of one resource group. */
export const resourceSchema = z
  .object({ kind: z.string(), sampledAt: num, source: z.enum(['host', 'fallback', 'none']), values: z.record(z.string(), num), gpuBackend: z.string().optional() })
  .register(apiRegistry, { id: 'Resource' });

export const healthSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }).register(apiRegistry, { id: 'Health' });

export const healthDetailedSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    uptimeSeconds: z.number(),
    exporters: z.unknown(),
    collection: z.object({
      resourceSource: z.enum(['host', 'fallback', 'none']),
      hostPlugin: z.boolean(),
      lastSampleAt: num,
      lastSnapshotAt: num,
      lastHostCollectionAt: num,
    }),
    gpuBackend: z.string(),
    /** Where the analysis thresholds come from: code, the `sla` plug-in's spec, or defaults. */
    thresholdsSource: z.enum(['options', 'sla', 'defaults']),
    history: z.object({ samples: z.number(), snapshots: z.number(), bytes: z.number(), budgetBytes: z.number() }),
    problems: z.array(z.string()),
  })
  .register(apiRegistry, { id: 'HealthDetailed' });

export type DashboardBody = z.infer<typeof dashboardSchema>;
export type ReportBody = z.infer<typeof reportSchema>;
export type StatsBody = z.infer<typeof statsSchema>;
export type WindowBody = z.infer<typeof windowSchema>;
