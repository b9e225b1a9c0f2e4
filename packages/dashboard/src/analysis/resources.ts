import type { ResourceField, ResourceSample } from '../history/ResourceSample';
import type { ResourceThresholds } from './thresholds';
import { fittedAt, leastSquares, type TrendDirection } from './trend';

/** The resources the analysis watches, each with the sample field that measures it and its saturation key. */
export const WATCHED_RESOURCES = [
  { resource: 'cpu', field: 'cpuUtilization', threshold: 'cpuUtilization', label: 'CPU utilization' },
  { resource: 'memory', field: 'memoryUtilization', threshold: 'memoryUtilization', label: 'memory utilization' },
  { resource: 'disk', field: 'diskUtilization', threshold: 'diskUtilization', label: 'disk utilization' },
  { resource: 'gpu', field: 'gpuUtilization', threshold: 'gpuUtilization', label: 'GPU utilization' },
  { resource: 'gpu_memory', field: 'gpuMemoryUtilization', threshold: 'gpuMemoryUtilization', label: 'GPU memory utilization' },
  { resource: 'event_loop', field: 'eventLoopP99Seconds', threshold: 'eventLoopDelaySeconds', label: 'event-loop delay p99' },
] as const satisfies ReadonlyArray<{ resource: string; field: ResourceField; threshold: keyof ResourceThresholds; label: string }>;

/** The trend of one resource over the window. */
export interface ResourceTrend {
  readonly direction: TrendDirection;
  /** Fitted change per hour, in the field's unit (ratio or seconds); null when unknown. */
  readonly slopePerHour: number | null;
  /**
   * The slope (per hour, same unit) beyond which the direction is increasing or decreasing: `tolerance` x the scale
   * (1 for ratios: 2 points an hour; the window's mean for the event-loop delay). Null when unknown.
   */
  readonly thresholdPerHour: number | null;
  readonly r2: number | null;
  readonly samples: number;
}

/** A trend is increasing or decreasing when its slope exceeds this share of the scale per hour. */
export const TREND_TOLERANCE = 0.02;

/** A trend needs at least this much history; a slope over a few seconds, extrapolated to an hour, is noise. */
export const MIN_TREND_SPAN_SECONDS = 120;

/** Least-squares trend of each watched resource (`unknown` until {@link MIN_TREND_SPAN_SECONDS} of samples). */
export function resourceTrends(samples: readonly ResourceSample[], tolerance?: number): Record<string, ResourceTrend> {
  const times = samples.map((s) => s.at);
  const out: Record<string, ResourceTrend> = {};
  for (const w of WATCHED_RESOURCES) {
    const values = samples.map((s) => s[w.field]);
    const all = leastSquares(times, values);
    const fit = all && (all.tLast - all.t0) / 1000 >= MIN_TREND_SPAN_SECONDS ? all : undefined;
    const scale = w.field === 'eventLoopP99Seconds' ? meanOf(values) : 1;
    const slopePerHour = fit ? fit.slope * 3600 : null;
    const thresholdPerHour = fit && scale > 0 ? (tolerance ?? TREND_TOLERANCE) * scale : null;
    // The word follows the number shown next to it: the slope per hour against a threshold per hour.
    const direction: TrendDirection =
      slopePerHour === null || thresholdPerHour === null ? 'unknown' : Math.abs(slopePerHour) <= thresholdPerHour ? 'stable' : slopePerHour > 0 ? 'increasing' : 'decreasing';
    out[w.resource] = {
      direction,
      slopePerHour,
      thresholdPerHour,
      r2: fit ? fit.r2 : null,
      samples: all?.n ?? countFinite(values),
    };
  }
  return out;
}

/** When a resource runs out at the current slope. */
export interface ExhaustionForecast {
  readonly resource: 'memory' | 'disk' | 'gpu_memory';
  /** Seconds from the last sample until the fitted line reaches capacity. */
  readonly secondsUntilExhausted: number;
  /** When that is (ms since epoch). */
  readonly exhaustedAt: number;
  /** Growth of the used amount in bytes per second. */
  readonly bytesPerSecond: number;
  readonly usedBytes: number;
  readonly capacityBytes: number;
  readonly r2: number;
}

const FORECASTS = [
  { resource: 'memory', used: 'memoryUsedBytes', total: 'memoryTotalBytes' },
  { resource: 'disk', used: 'diskUsedBytes', total: 'diskTotalBytes' },
  { resource: 'gpu_memory', used: 'gpuMemoryUsedBytes', total: 'gpuMemoryTotalBytes' },
] as const;

/** A forecast needs at least this much history: a few seconds of noise must not predict an outage. */
export const MIN_FORECAST_SPAN_SECONDS = 300;
/** ...and a line that explains the points at least this well (coefficient of determination). */
export const MIN_FORECAST_R2 = 0.5;

/**
 * For each resource whose used bytes grow (over at least {@link MIN_FORECAST_SPAN_SECONDS}, with r² of at least
 * {@link MIN_FORECAST_R2}), the time until the least-squares line reaches the capacity
 * (the latest known total). Disk "used" counts what is unavailable to the service, so capacity minus used is the
 * free space it can still write.
 */
export function exhaustionForecasts(samples: readonly ResourceSample[]): ExhaustionForecast[] {
  const out: ExhaustionForecast[] = [];
  const times = samples.map((s) => s.at);
  for (const f of FORECASTS) {
    const fit = leastSquares(times, samples.map((s) => s[f.used]));
    const capacity = lastFinite(samples.map((s) => (f.resource === 'disk' ? s.diskUsedBytes + s.diskFreeBytes : s[f.total])));
    if (!fit || !(fit.slope > 0) || !(capacity > 0)) continue;
    if ((fit.tLast - fit.t0) / 1000 < MIN_FORECAST_SPAN_SECONDS || fit.r2 < MIN_FORECAST_R2) continue;
    const used = Math.min(capacity, fittedAt(fit, fit.tLast));
    const seconds = Math.max(0, (capacity - used) / fit.slope);
    out.push({ resource: f.resource, secondsUntilExhausted: seconds, exhaustedAt: fit.tLast + seconds * 1000, bytesPerSecond: fit.slope, usedBytes: used, capacityBytes: capacity, r2: fit.r2 });
  }
  return out;
}

function countFinite(values: readonly number[]): number {
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) n++;
  return n;
}

/** Mean of the finite values; NaN when there are none. */
export function meanOf(values: readonly number[]): number {
  let n = 0;
  let sum = 0;
  for (const v of values) if (Number.isFinite(v)) (n++, (sum += v));
  return n ? sum / n : NaN;
}

function lastFinite(values: readonly number[]): number {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i]!)) return values[i]!;
  return NaN;
}
