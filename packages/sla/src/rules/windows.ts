import { formatDuration } from '../duration';
import { SlaSpecError } from '../errors';

/** One multi-window burn-rate condition (Google SRE workbook, chapter 5). */
export interface BurnWindow {
  readonly severity: 'page' | 'ticket';
  /** Burn-rate factor: how many times faster than "exactly on budget" the budget burns. */
  readonly factor: number;
  /** Long and short windows in whole seconds, scaled to the SLO window. */
  readonly longSeconds: number;
  readonly shortSeconds: number;
  /** The same as Prometheus durations. */
  readonly long: string;
  readonly short: string;
  /** Share of the whole error budget spent when the long window burns at `factor`. */
  readonly budgetSpent: number;
}

/** The reference SLO window the base windows below are written for. */
export const REFERENCE_WINDOW_SECONDS = 28 * 86_400;

/** The four classic pairs for a 28-day window: 1h/5m 14.4x and 6h/30m 6x page; 1d/2h 3x and 3d/6h 1x ticket. */
export const BASE_BURN_WINDOWS = [
  { severity: 'page', factor: 14.4, long: 3_600, short: 300 },
  { severity: 'page', factor: 6, long: 21_600, short: 1_800 },
  { severity: 'ticket', factor: 3, long: 86_400, short: 7_200 },
  { severity: 'ticket', factor: 1, long: 259_200, short: 21_600 },
] as const;

/**
 * The burn windows scaled to an SLO window: a 7d SLO gets 15m/1m15s for the fastest page, a 28d one 1h/5m.
 * Windows shorter than `minWindowSeconds` (a few scrape intervals, below which `rate()` sees too few samples)
 * are raised to it, and each such change is reported in `warnings`.
 */
export function burnWindows(windowSeconds: number, minWindowSeconds: number, warnings: string[]): BurnWindow[] {
  if (!(Number.isFinite(windowSeconds) && windowSeconds > 0 && Number.isFinite(minWindowSeconds) && minWindowSeconds >= 0)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'window', windowSeconds, 'expected a positive SLO window and a non-negative alerting.minWindow');
  }
  const scale = windowSeconds / REFERENCE_WINDOW_SECONDS;
  return BASE_BURN_WINDOWS.map((b) => {
    let longSeconds = Math.round(b.long * scale);
    let shortSeconds = Math.round(b.short * scale);
    if (shortSeconds < minWindowSeconds) {
      warnings.push(
        `the ${b.factor}x short window (${formatDuration(b.short * scale)}) is below alerting.minWindow; raised to ${formatDuration(minWindowSeconds)}`,
      );
      shortSeconds = minWindowSeconds;
    }
    if (longSeconds < shortSeconds) {
      warnings.push(`the ${b.factor}x long window (${formatDuration(b.long * scale)}) is below alerting.minWindow; raised to ${formatDuration(shortSeconds)}`);
      longSeconds = shortSeconds;
    }
    return {
      severity: b.severity,
      factor: b.factor,
      longSeconds,
      shortSeconds,
      long: formatDuration(longSeconds),
      short: formatDuration(shortSeconds),
      budgetSpent: (b.factor * longSeconds) / windowSeconds,
    };
  });
}

/** Every distinct window the burn conditions read, shortest first. */
export function distinctWindows(windows: readonly BurnWindow[]): Array<{ seconds: number; text: string }> {
  const secs = [...new Set(windows.flatMap((w) => [w.shortSeconds, w.longSeconds]))].sort((a, b) => a - b);
  return secs.map((s) => ({ seconds: s, text: formatDuration(s) }));
}
