import { histogramQuantile } from '@perfkit/core';

/** A bucketed distribution: per-bucket counts, +Inf last (`counts.length === bounds.length + 1`). */
export interface Distribution {
  readonly bounds: readonly number[];
  readonly counts: ArrayLike<number>;
}

/**
 * Adds distributions with possibly different bounds onto the union of their bounds. A bucket whose range the
 * union splits is counted in the sub-bucket that ends at its upper bound, so quantiles can only err upwards,
 * and never by more than the original bucket's width.
 */
export function mergeDistributions(parts: readonly Distribution[]): { bounds: readonly number[]; counts: number[] } {
  // Sum parts bucket by bucket per distinct bounds list first (series of one type share theirs by reference), so the
  // union below only ever sees a handful of distributions, however many series there are.
  const groups: Array<{ bounds: readonly number[]; counts: number[] }> = [];
  let last: { bounds: readonly number[]; counts: number[] } | undefined;
  for (const p of parts) {
    let g = last && sameBounds(last.bounds, p.bounds) ? last : undefined;
    if (!g) {
      for (const x of groups) if (sameBounds(x.bounds, p.bounds)) g = x;
      if (!g) groups.push((g = { bounds: p.bounds, counts: new Array<number>(p.bounds.length + 1).fill(0) }));
    }
    last = g;
    const c = g.counts;
    for (let i = 0; i < c.length; i++) {
      const v = p.counts[i]!;
      if (v > 0) c[i]! += v;
    }
  }
  if (groups.length === 0) return { bounds: [], counts: [0] };
  // The bounds are shared (never written): a report over 2,000 names copied them 2,000 times per answer.
  if (groups.length === 1) return { bounds: groups[0]!.bounds, counts: groups[0]!.counts };
  const union = [...new Set(groups.flatMap((p) => [...p.bounds]))].sort((a, b) => a - b);
  const counts = new Array<number>(union.length + 1).fill(0);
  const index = new Map(union.map((b, i) => [b, i]));
  for (const p of groups) {
    for (let i = 0; i < p.counts.length; i++) {
      const c = p.counts[i]!;
      if (!(c > 0)) continue;
      counts[i < p.bounds.length ? index.get(p.bounds[i]!)! : union.length] += c;
    }
  }
  return { bounds: union, counts };
}

/** Whether two bound lists are the same (by reference, else by value). */
export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A quantile of a distribution, or null when it is empty (JSON has no NaN). */
export function quantileOrNull(q: number, d: { bounds: readonly number[]; counts: readonly number[] }): number | null {
  const v = histogramQuantile(q, d.bounds, d.counts);
  return Number.isFinite(v) ? v : null;
}
