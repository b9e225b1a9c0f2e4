import { escapeLabelValue, LABEL, METRICS } from '@perfkit/core';
import type { ObjectiveThreshold, QueryObjectiveThreshold } from '../thresholds';

/** Any objective the rules cover: on perfkit's operation metrics, or raw PromQL. */
export type RuleObjective = ObjectiveThreshold | QueryObjectiveThreshold;

/** Recording-rule names (level:metric:operations); the window is appended, e.g. `perfkit:slo_errors:ratio_rate5m`. */
export const RECORD = {
  requests: 'perfkit:slo_requests:rate',
  errors: 'perfkit:slo_errors:ratio_rate',
  latencyGood: 'perfkit:slo_latency_good:ratio_rate',
  objective: 'perfkit:slo_objective:ratio',
  errorBudget: 'perfkit:slo_error_budget:ratio',
  /** Events and bad events per budget interval (`…:increase5m`), summed over the SLO window for the budget. */
  events: 'perfkit:slo_events:increase',
  badEvents: 'perfkit:slo_bad_events:increase',
  /** Error ratio over the whole SLO window, and the share of the error budget left (below 0: overspent). */
  periodErrors: 'perfkit:slo_errors:ratio_period',
  budgetRemaining: 'perfkit:slo_error_budget_remaining:ratio_period',
} as const;

/** The operation-duration family and its series suffixes, from core's one table of names. */
export const DURATION = METRICS.operationDuration.prom;

/** A raw-PromQL objective's query with its `{{.window}}` placeholders set to a range. */
export function atWindow(query: string, window: string): string {
  return query.replace(/\{\{\s*\.window\s*\}\}/g, window).trim();
}

/** `download-success` -> `DownloadSuccess`. */
export function camel(id: string): string {
  return id.split(/[-_]/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
}

/** `DownloadSuccessBudgetBurn` -> `download-success-budget-burn`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `a="x",b="y"` from a label map (values escaped), in the order given. */
export function matchers(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
}

/** The label matchers that select an objective's operations (plus the spec's selector). */
export function objectiveMatchers(o: ObjectiveThreshold, selector: Record<string, string>): Record<string, string> {
  return {
    ...selector,
    [LABEL.operationType]: o.operationType,
    ...(o.operationName !== undefined ? { [LABEL.operationName]: o.operationName } : {}),
  };
}

/** Labels every series recorded for an objective carries; alerts select by them. */
export function objectiveLabels(service: string, o: Pick<RuleObjective, 'id' | 'sli'>): Record<string, string> {
  return { service, slo: o.id, sli: o.sli };
}

/** A number as PromQL and YAML print it, without float noise (0.072, not 0.07200000000000001). */
export function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** A Go template action that prints `{{`. */
const TEMPLATE_OPEN = '{{ "{{" }}';

/**
 * Text as a Go template that prints it unchanged: Prometheus expands alert labels and annotations as templates, so a
 * `{{` in a service name, description or operation name would otherwise be parsed as an action (promtool rejects
 * `{{ braces`, and `{{ .Labels }}` would print the label map). Each `{{` becomes the action `{{ "{{" }}`.
 */
export function templateLiteral(text: string): string {
  return text.replace(/\{\{/g, TEMPLATE_OPEN);
}
