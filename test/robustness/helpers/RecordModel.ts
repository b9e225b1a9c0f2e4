import { BUILTIN_OPERATION_TYPES, DROP_REASONS, OUTCOMES, type DropReason, type Outcome } from '@perfkit/core';

/** Figure slots as `snapshot().figures[].values` names them. */
export type FigureName = 'retries' | 'items' | 'downloadBytes' | 'integrityPassed' | 'integrityFailed' | 'corruptions' | 'alternatives' | 'tokens' | 'records';

/** What the model predicts for one operation type and name. */
export interface ModelSeries {
  readonly type: string;
  readonly name: string;
  readonly outcomes: Record<Outcome, number>;
  readonly figures: Partial<Record<FigureName, number>>;
  readonly scores: [number, number];
  active: number;
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const MAX_NAME_LENGTH = 128;

/**
 * The documented record-path rules, written independently of the implementation: which calls count, which
 * are dropped and under which `reason`. A property test replays random calls against perfkit and this model
 * and compares the two.
 */
export class RecordModel {
  readonly types = new Set<string>(BUILTIN_OPERATION_TYPES);
  readonly series = new Map<string, ModelSeries>();
  readonly drops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  /** The series a (type, name) pair records into, or the reason its measurements are dropped. */
  resolve(type: unknown, name: unknown): ModelSeries | DropReason {
    if (typeof type !== 'string' || !this.types.has(type)) return 'unknown_operation_type';
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return 'invalid_name';
    const key = JSON.stringify([type, name]);
    let s = this.series.get(key);
    if (!s) {
      const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
      this.series.set(key, (s = { type, name, outcomes, figures: {}, scores: [0, 0], active: 0 }));
    }
    return s;
  }

  drop(reason: DropReason): void {
    this.drops[reason]++;
  }

  /** The outcome an options object asks for, or undefined when it is not a valid request (dropped). */
  outcomeOf(options: unknown): Outcome | undefined {
    if (options === undefined || options === null) return 'success';
    let outcome: unknown;
    try {
      outcome = (options as { outcome?: unknown }).outcome;
      void (options as { errorType?: unknown }).errorType;
    } catch {
      return undefined;
    }
    if (outcome === undefined) return 'success';
    return typeof outcome === 'string' && OUTCOME_SET.has(outcome) ? (outcome as Outcome) : undefined;
  }

  /** One ended operation with `options`: counted, or dropped as `invalid_value`. */
  endWith(s: ModelSeries, options: unknown): void {
    const outcome = this.outcomeOf(options);
    if (outcome === undefined) this.drop('invalid_value');
    else s.outcomes[outcome]++;
  }

  /** A counter figure: counted when a finite number >= 0. */
  addFigure(s: ModelSeries, figure: FigureName, value: unknown): void {
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity) this.drop('invalid_value');
    else s.figures[figure] = (s.figures[figure] ?? 0) + value;
  }

  /** A 0..1 score: counted when a number in range. */
  addScore(s: ModelSeries, which: 0 | 1, value: unknown): void {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) this.drop('invalid_value');
    else s.scores[which]++;
  }
}
