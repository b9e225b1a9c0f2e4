/** The three answers the page shows, as the page reads them, and the checks of those fields ({@link ./shape}). */
import { anyObject, arrayOf, num, numOrNull, object, recordOf, str, type Check } from './shape';

type Num = number | null;

/** `GET /api/v1/performance/dashboard`: the fields the tiles and tables read. */
export interface Dashboard {
  window: { requestedSeconds: number; coveredSeconds: number };
  performanceSummary: { totalOperations: number; failures: number; successRate: Num; averageDurationSeconds: Num; p95DurationSeconds: Num };
  currentResources: Record<string, Num | string>;
  operationsByType: Record<string, { total: number; successRate: Num; averageSeconds: Num; p95Seconds: Num }>;
  activeOperations: { total: number; operations: Array<{ type: string; name: string; active: number }> };
  bottlenecks: Array<{ id: string; severity: string; message: string }>;
  recommendations: Array<{ id: string; message: string }>;
  score: { value: number; deductions: Array<{ reason: string; points: number }> };
  recentActivity: { operationsPerSecond: number };
  resourceTrends: Record<string, { direction: string; slopePerHour: Num; thresholdPerHour: Num; samples: number }>;
  forecasts: Array<{ resource: string; secondsUntilExhausted: number }>;
}

/** One point of `GET /api/v1/performance/history`. */
export interface RatePoint { t: number; operationsPerSecond: number; failuresPerSecond: number; p50Seconds: Num; p95Seconds: Num; p99Seconds: Num }
/** `GET /api/v1/performance/history`. */
export interface OperationHistory { points: RatePoint[] }
/** `GET /api/v1/resources/history`: columns by name, each as long as `t`. */
export interface ResourceHistory { t: number[]; values: Record<string, Num[]> }

/** The fields of a dashboard answer that the page reads. */
export const dashboardShape: Check = object({
  window: object({ coveredSeconds: num }),
  performanceSummary: object({ totalOperations: num, successRate: numOrNull, averageDurationSeconds: numOrNull, p95DurationSeconds: numOrNull }),
  currentResources: anyObject,
  operationsByType: recordOf(object({ total: num, successRate: numOrNull, averageSeconds: numOrNull, p95Seconds: numOrNull })),
  activeOperations: object({ total: num, operations: arrayOf(object({ type: str, name: str, active: num })) }),
  bottlenecks: arrayOf(object({ id: str, severity: str, message: str })),
  recommendations: arrayOf(object({ id: str, message: str })),
  score: object({ value: num, deductions: arrayOf(object({ reason: str, points: num })) }),
  recentActivity: object({ operationsPerSecond: num }),
  resourceTrends: recordOf(object({ direction: str, slopePerHour: numOrNull, thresholdPerHour: numOrNull, samples: num })),
  forecasts: arrayOf(object({ resource: str, secondsUntilExhausted: num })),
});

/** The fields of an operation history answer that the charts read. */
export const operationHistoryShape: Check = object({
  points: arrayOf(object({ t: num, operationsPerSecond: num, failuresPerSecond: num, p50Seconds: numOrNull, p95Seconds: numOrNull, p99Seconds: numOrNull })),
});

/** The fields of a resource history answer that the charts read. */
export const resourceHistoryShape: Check = object({ t: arrayOf(num), values: recordOf(arrayOf(numOrNull)) });
