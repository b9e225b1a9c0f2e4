import type { LimitThreshold, ObjectiveThreshold } from '../thresholds';
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
  readonly annotations: { summary: string; description: string; runbook_url: string };
  readonly source:
    | { kind: 'burn'; objective: ObjectiveThreshold; window: BurnWindow; threshold: number }
    | { kind: 'absent'; objective: ObjectiveThreshold }
    | { kind: 'limit'; limit: LimitThreshold };
}

/** A rule group as Prometheus reads it. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<RecordingRule | AlertRule>;
}
