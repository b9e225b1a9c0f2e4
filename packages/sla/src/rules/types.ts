import type { LimitThreshold } from '../thresholds';
import type { RuleObjective } from './naming';
import type { BurnWindow } from './windows';

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
}

/** A Prometheus alerting rule, with what it was made from (for tests and runbooks). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
  readonly source:
    | { kind: 'burn'; objective: RuleObjective; window: BurnWindow; threshold: number }
    | { kind: 'absent'; objective: RuleObjective }
    | { kind: 'limit'; limit: LimitThreshold };
}

/** A rule group as Prometheus reads it. */
export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval of the group when it differs from Prometheus' global one. */
  readonly interval?: string;
  readonly rules: ReadonlyArray<RecordingRule | AlertRule>;
}
