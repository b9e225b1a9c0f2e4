/** A least-squares line through (time, value) points. */
export interface LinearFit {
  /** Change per second. */
  readonly slope: number;
  /** Value the line gives at `t0`. */
  readonly intercept: number;
  /** Time (ms) the fit is anchored at: the first point. */
  readonly t0: number;
  /** Time (ms) of the last point. */
  readonly tLast: number;
  /** Coefficient of determination (1 = a perfect line). */
  readonly r2: number;
  /** Points used (non-finite values are skipped). */
  readonly n: number;
}

/** Which way a figure moves over a window. */
export type TrendDirection = 'increasing' | 'decreasing' | 'stable' | 'unknown';

/** Fits a line by ordinary least squares; `undefined` with fewer than 3 finite points or no time spread. */
export function leastSquares(times: readonly number[], values: readonly number[]): LinearFit | undefined {
  let n = 0;
  let t0 = NaN;
  let tLast = NaN;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const y = values[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(y)) continue;
    if (Number.isNaN(t0)) t0 = t;
    tLast = t;
    const x = (t - t0) / 1000;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  if (n < 3) return undefined;
  const varX = sxx - (sx * sx) / n;
  if (!(varX > 0)) return undefined;
  const covXY = sxy - (sx * sy) / n;
  const varY = syy - (sy * sy) / n;
  const slope = covXY / varX;
  const intercept = (sy - slope * sx) / n;
  const r2 = varY > 0 ? Math.min(1, (covXY * covXY) / (varX * varY)) : 1;
  return { slope, intercept, t0, tLast, r2, n };
}

/** The fitted value at time `t` (ms). */
export function fittedAt(fit: LinearFit, t: number): number {
  return fit.intercept + fit.slope * ((t - fit.t0) / 1000);
}

/**
 * Calls a fit increasing or decreasing when the fitted change over its span exceeds `tolerance` x `scale`
 * (the figure's capacity, or 1 for ratios), stable otherwise.
 */
export function classifyTrend(fit: LinearFit | undefined, scale: number, tolerance = 0.02): TrendDirection {
  if (!fit || !(scale > 0)) return 'unknown';
  const change = fit.slope * ((fit.tLast - fit.t0) / 1000);
  if (Math.abs(change) <= tolerance * scale) return 'stable';
  return change > 0 ? 'increasing' : 'decreasing';
}
