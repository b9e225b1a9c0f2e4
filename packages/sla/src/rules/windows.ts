import { formatDuration, parseDuration } from '../duration';
import { SlaSpecError } from '../errors';

/** One multi-window burn-rate condition (Google SRE workbook, chapter 5). */
export interface BurnWindow {
  readonly severity: 'page' | 'ticket';
  /** Burn-rate factor: budget share x SLO period / long window (14.4 for 2% over 1h of 30d). */
  readonly factor: number;
  /** Long and short windows in whole seconds. */
  readonly longSeconds: number;
  readonly shortSeconds: number;
  /** The same as Prometheus durations. */
  readonly long: string;
  readonly short: string;
  /** Share of the whole error budget spent when the long window burns at `factor` (the catalogue's budget share). */
  readonly budgetSpent: number;
}

/** A window pair as a catalogue states it: windows and the share of the budget it may spend over the long one. */
export interface WindowPair {
  readonly severity: 'page' | 'ticket';
  readonly long: number;
  readonly short: number;
  readonly budgetShare: number;
}

/**
 * The standard catalogue, as the SRE workbook, Sloth and Pyrra write it: page at 2% of the budget in 1h (short 5m)
 * and 5% in 6h (30m); ticket at 10% in 1d (2h) and 10% in 3d (6h). The factors follow from the period:
 * 14.4, 6, 3, 1 at 30d; 13.44, 5.6, 2.8, 0.933 at 28d (Sloth's 28d and 30d catalogues).
 */
export const STANDARD_WINDOWS: readonly WindowPair[] = [
  { severity: 'page', long: 3_600, short: 300, budgetShare: 0.02 },
  { severity: 'page', long: 21_600, short: 1_800, budgetShare: 0.05 },
  { severity: 'ticket', long: 86_400, short: 7_200, budgetShare: 0.1 },
  { severity: 'ticket', long: 259_200, short: 21_600, budgetShare: 0.1 },
];

/** Periods from this one up keep the standard windows; shorter periods scale them by period / 28d. */
export const STANDARD_MIN_PERIOD_SECONDS = 28 * 86_400;

/** @deprecated kept for callers of the first release: the standard catalogue. */
export const BASE_BURN_WINDOWS = STANDARD_WINDOWS;
/** @deprecated the period below which the standard windows scale. */
export const REFERENCE_WINDOW_SECONDS = STANDARD_MIN_PERIOD_SECONDS;

const round = (v: number) => Number(v.toPrecision(12));

/**
 * The burn windows of an SLO period. Periods of 28 days or more keep the standard windows (5m/1h, 30m/6h, 2h/1d,
 * 6h/3d) and derive each factor as budget share x period / long window, so the numbers are Sloth's and Pyrra's.
 * Shorter periods scale every window by period / 28d (so the factors stay those of 28 days: a 7d SLO pages on
 * 15m/1m15s at 13.44x); a scaled short window below `minWindowSeconds` is raised to it with a warning, and a period
 * so short that a raised short window is no longer at most half its long window is refused: such a pair cannot
 * tell a burst from a burn. A custom catalogue is used as written (not scaled) and refused when a pair is
 * inconsistent: short not below long, long beyond the period, or a factor below 1/2 (it would alert on a service
 * well within its budget).
 */
export function burnWindows(
  windowSeconds: number,
  minWindowSeconds: number,
  warnings: string[],
  custom?: ReadonlyArray<{ severity: 'page' | 'ticket'; long: string; short: string; budgetShare: number }>,
): BurnWindow[] {
  if (!(Number.isFinite(windowSeconds) && windowSeconds > 0 && Number.isFinite(minWindowSeconds) && minWindowSeconds >= 0)) {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'window', windowSeconds, 'expected a positive SLO window and a non-negative alerting.minWindow');
  }
  if (custom) return custom.map((c, i) => customPair(windowSeconds, c, i));
  const scale = Math.min(1, windowSeconds / STANDARD_MIN_PERIOD_SECONDS);
  return STANDARD_WINDOWS.map((b) => {
    // Whole seconds, as the rules write them; warnings and errors print these too (`1m47s`, not `1m47s143ms`).
    const longSeconds = Math.round(b.long * scale);
    let shortSeconds = Math.round(b.short * scale);
    // From the unrounded scaled window, so a short period keeps exactly the 28-day factors.
    const factor = round((b.budgetShare * windowSeconds) / (b.long * scale));
    if (shortSeconds < minWindowSeconds) {
      if (2 * minWindowSeconds > longSeconds) {
        throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', 'window', formatDuration(windowSeconds),
          `too short for alerting.minWindow ${formatDuration(minWindowSeconds)}: the ${b.severity} pair's windows scale to ${formatDuration(longSeconds)}/${formatDuration(shortSeconds)}, ` +
          `and a short window raised to ${formatDuration(minWindowSeconds)} would be more than half the long one; use a window of at least ` +
          `${formatDuration(Math.ceil((2 * minWindowSeconds * STANDARD_MIN_PERIOD_SECONDS) / b.long))} or a smaller alerting.minWindow`);
      }
      warnings.push(
        `the ${factor}x short window (${formatDuration(shortSeconds)}) is below alerting.minWindow; raised to ${formatDuration(minWindowSeconds)}`,
      );
      shortSeconds = minWindowSeconds;
    }
    return pair(b.severity, factor, longSeconds, shortSeconds, b.budgetShare);
  });
}

function customPair(windowSeconds: number, c: { severity: 'page' | 'ticket'; long: string; short: string; budgetShare: number }, i: number): BurnWindow {
  const longSeconds = parseDuration(c.long);
  const shortSeconds = parseDuration(c.short);
  const field = `alerting.windows[${i}]`;
  const refuse = (detail: string) => {
    throw new SlaSpecError('PERFKIT_ERR_INVALID_SLA_SPEC', field, c, detail);
  };
  if (!(shortSeconds < longSeconds)) refuse('expected the short window to be shorter than the long window');
  if (longSeconds > windowSeconds) refuse(`expected a long window within the SLO window (${formatDuration(windowSeconds)})`);
  const factor = round((c.budgetShare * windowSeconds) / longSeconds);
  if (factor < 0.5) {
    refuse(`its factor (budget share x window / long window) is ${factor}: it would fire while the budget lasts twice the window; raise budgetShare or shorten the long window`);
  }
  return pair(c.severity, factor, longSeconds, shortSeconds, c.budgetShare);
}

function pair(severity: 'page' | 'ticket', factor: number, longSeconds: number, shortSeconds: number, budgetShare: number): BurnWindow {
  return { severity, factor, longSeconds, shortSeconds, long: formatDuration(longSeconds), short: formatDuration(shortSeconds), budgetSpent: budgetShare };
}

/** Every distinct window the burn conditions read, shortest first. */
export function distinctWindows(windows: readonly BurnWindow[]): Array<{ seconds: number; text: string }> {
  const secs = [...new Set(windows.flatMap((w) => [w.shortSeconds, w.longSeconds]))].sort((a, b) => a - b);
  return secs.map((s) => ({ seconds: s, text: formatDuration(s) }));
}
