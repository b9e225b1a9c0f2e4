import { DEFAULT_BAD_OUTCOMES, generateRules, slaThresholds, type AlertRule, type BurnWindow, type SlaSpec, type SlaThresholds } from '@perfkit/sla';

/** An objective as the SLO panels need it: id and target (its SLI colours). */
export interface PanelObjective {
  readonly id: string;
  readonly target: number;
}

/** Outcomes that count as bad (the SLA package's default), as a regex alternation for `operation_outcome=~`. */
export const BAD_OUTCOMES = DEFAULT_BAD_OUTCOMES.join('|');

/** What the dashboards are built from besides the metric tables: the SLA spec's objectives, windows and runbooks. */
export interface BuildContext {
  /** The spec's service: the `service` label of every SLO series the rules record (panels select it literally). */
  readonly service: string;
  /** The `job` the spec's selector names (the default `$service`), if it names one. */
  readonly job?: string;
  /** Every objective the rules cover (perfkit's and raw-PromQL ones), in spec order. */
  readonly objectives: readonly PanelObjective[];
  readonly thresholds: SlaThresholds;
  readonly windows: readonly BurnWindow[];
  readonly runbooksUrl: string;
  /** One link per objective to its budget-burn runbook. */
  readonly objectiveRunbooks: ReadonlyArray<{ title: string; url: string }>;
  /** Every alert the rules define. */
  readonly alerts: readonly AlertRule[];
}

/** Builds the context from an SLA spec. */
export function buildContext(spec: SlaSpec): BuildContext {
  const rules = generateRules(spec);
  const thresholds = slaThresholds(spec);
  const runbooksUrl = rules.context.runbookBaseUrl;
  const objectiveRunbooks = rules.objectives.map((o) => {
    const burn = rules.alerts.find((a) => a.source.kind === 'burn' && a.source.objective.id === o.id);
    return { title: `Runbook: ${o.id}`, url: burn?.annotations.runbook_url ?? runbooksUrl };
  });
  const seen = new Set<string>();
  const alerts = rules.alerts.filter((a) => !seen.has(a.alert) && seen.add(a.alert));
  return {
    service: spec.service,
    ...(spec.selector.job !== undefined ? { job: spec.selector.job } : {}),
    objectives: rules.objectives.map((o) => ({ id: o.id, target: o.target })),
    thresholds,
    windows: rules.windows,
    runbooksUrl,
    objectiveRunbooks,
    alerts,
  };
}
