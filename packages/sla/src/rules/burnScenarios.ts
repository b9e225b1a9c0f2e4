import type { BurnWindow } from './windows';

/** A stretch of a scenario: `steps` samples apart by the test step, `events` per step, `badShare` of them bad. */
export interface Phase {
  readonly steps: number;
  readonly events: number;
  readonly badShare: number;
}

/** A window pair with the error ratio it alerts above (factor x budget) and its `for:` in seconds. */
export interface PairThreshold {
  readonly window: BurnWindow;
  readonly threshold: number;
  readonly forSeconds: number;
}

/** Cumulative bad and total counts at every sample of a scenario (index 0 is the first sample, all zero). */
export interface Counts {
  readonly bad: number[];
  readonly total: number[];
  /** Index of the phase each step's increment belongs to (entry 0 unused). */
  readonly phaseOf: number[];
}

/** Builds the cumulative counters of a list of phases; counts are integers (bad rounded per step). */
export function countsOf(phases: readonly Phase[]): Counts {
  const bad = [0];
  const total = [0];
  const phaseOf = [-1];
  phases.forEach((p, i) => {
    const badPerStep = Math.round(p.events * p.badShare);
    for (let n = 0; n < p.steps; n++) {
      bad.push(bad[bad.length - 1]! + badPerStep);
      total.push(total[total.length - 1]! + p.events);
      phaseOf.push(i);
    }
  });
  return { bad, total, phaseOf };
}

/**
 * The error ratio a window of `windowSeconds` reads at sample `at`: bad over total increments between the first
 * sample inside the window and `at` (what rate() of two counters sampled together divides down to). `exact` says
 * whether every increment in the window belongs to one phase (then the ratio is that phase's share, to the digit,
 * whatever the range-boundary and extrapolation details of the Prometheus version).
 */
export function windowRatio(c: Counts, at: number, windowSeconds: number, step: number): { ratio: number; exact: boolean } {
  const first = Math.max(0, at - Math.floor(windowSeconds / step));
  const dTotal = c.total[at]! - c.total[first]!;
  const ratio = dTotal > 0 ? (c.bad[at]! - c.bad[first]!) / dTotal : 0;
  const phases = new Set(c.phaseOf.slice(Math.max(1, first), at + 1));
  // One phase, and one sample of margin before the window (a left-open range reads one sample less).
  const exact = phases.size === 1 && (first <= 1 || c.phaseOf[first - 1] === c.phaseOf[at]);
  return { ratio, exact };
}

/** Whether a pair's condition holds at sample `at` (both windows above the threshold). */
export function holds(c: Counts, at: number, p: PairThreshold, step: number): boolean {
  return windowRatio(c, at, p.window.shortSeconds, step).ratio > p.threshold && windowRatio(c, at, p.window.longSeconds, step).ratio > p.threshold;
}

/** The pairs firing at sample `at`: condition true now and at every evaluation of the last `for:`. */
export function firingAt(c: Counts, at: number, pairs: readonly PairThreshold[], step: number): PairThreshold[] {
  return pairs.filter((p) => {
    const back = Math.ceil(p.forSeconds / step);
    if (at - back < 1) return p.forSeconds === 0 && holds(c, at, p, step);
    for (let t = at - back; t <= at; t++) if (!holds(c, t, p, step)) return false;
    return true;
  });
}

/**
 * Whether every window of every pair is clear of its threshold by `margin` (relative) at `at`, so that range
 * boundaries (left-closed in Prometheus 2, left-open in 3) and rate() extrapolation cannot flip a verdict.
 */
export function clearOfThresholds(c: Counts, at: number, pairs: readonly PairThreshold[], step: number, margin = 0.1): boolean {
  return pairs.every((p) =>
    [p.window.shortSeconds, p.window.longSeconds].every((w) => {
      const r = windowRatio(c, at, w, step).ratio;
      return Math.abs(r - p.threshold) > margin * p.threshold;
    }),
  );
}

/** A share rounded to 6 decimals, the resolution of the test counters (a million events per step). */
export function niceShare(v: number): number {
  return Math.min(1, Math.max(1e-6, Number(v.toFixed(6))));
}

/**
 * The onset-and-recovery scenario of one pair: a heavy healthy prefix (a tenth of the long window at a thousand
 * times the traffic, so that every
 * slower pair's long window is diluted far below its threshold), normal healthy traffic, a burn just strong enough
 * for this pair's long window (1.3x its threshold) and longer than its short window, then healthy traffic for one
 * short window and two steps: the short window recovers while the long window still burns.
 */
export function onsetScenario(p: PairThreshold, step: number, events: number): { phases: Phase[]; burnEnd: number; end: number } {
  const longSteps = Math.floor(p.window.longSeconds / step);
  const shortSteps = Math.ceil(p.window.shortSeconds / step);
  const share = niceShare(Math.min(1, 10 * p.threshold));
  const burn = Math.max(Math.ceil((1.3 * p.threshold * longSteps) / share), shortSteps + 2, Math.ceil(p.forSeconds / step) + shortSteps + 2);
  const tail = shortSteps + 2;
  const normal = Math.max(2, longSteps - burn + tail + 1);
  const phases: Phase[] = [
    { steps: Math.max(2, Math.ceil(longSteps / 10)), events: events * 1000, badShare: 0 },
    { steps: normal, events, badShare: 0 },
    { steps: burn, events, badShare: share },
    { steps: tail, events, badShare: 0 },
  ];
  const burnEnd = phases[0]!.steps + normal + burn;
  return { phases, burnEnd, end: burnEnd + tail };
}

/** Promtool `values` notation for a cumulative series: `0+a x n` then one segment per further phase. */
export function seriesValues(phases: readonly Phase[], perStep: (p: Phase) => number): string {
  const parts: string[] = [];
  let value = 0;
  phases.forEach((p, i) => {
    const inc = perStep(p);
    if (i === 0) parts.push(`0+${inc}x${p.steps}`);
    else parts.push(`${value + inc}+${inc}x${p.steps - 1}`);
    value += inc * p.steps;
  });
  return parts.join(' ');
}
