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
  // Two passes around the means (x and y centred): uncentred sums of squares lose every digit of the spread
  // when values sit near 5e11 (bytes), and reported r² = 1 for pure noise.
  let n = 0;
  let t0 = NaN;
  let tLast = NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const y = values[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(y)) continue;
    if (Number.isNaN(t0)) t0 = t;
    tLast = t;
    n++;
    mx += ((t - t0) / 1000 - mx) / n;
    my += (y - my) / n;
  }
  if (n < 3) return undefined;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const y = values[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(y)) continue;
    const dx = (t - t0) / 1000 - mx;
    const dy = y - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy > 0 ? Math.min(1, (sxy * sxy) / (sxx * syy)) : 1;
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
