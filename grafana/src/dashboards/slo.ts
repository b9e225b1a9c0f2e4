import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import type { BuildContext } from '../lib/context';
import { perfkitDashboard } from '../lib/dashboard';
import { DATASOURCE } from '../lib/datasource';
import { stat, timeseries } from '../lib/panels';
import { eq, re } from '../lib/promql';
import { SLO_RECORDS } from '@perfkit/sla';

const R = SLO_RECORDS;

/**
 * SLO: per objective, the SLI against its target, error budget remaining over the whole SLO window, burn rates per
 * alert window pair (thresholds drawn), firing alerts. Built for one spec: every query reads a series the spec's
 * rules record (`service="<spec.service>"`), at the windows they record, so the dashboard fits any SLO window.
 */
export function sloDashboard(ctx: BuildContext): Dashboard {
  const OWN = `${eq('service', ctx.service)},${re('slo', '$slo')}`;
  const sloQuery = `label_values(${R.objective}{${eq('service', ctx.service)}}, slo)`;
  const sloVariable = new QueryVariableBuilder('slo')
    .label('Objective')
    .description(`Objectives of the SLA spec of ${ctx.service}.`)
    .datasource(DATASOURCE)
    .query(sloQuery)
    .definition(sloQuery)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
  const burn = (window: string) => `${R.errors}${window}{${OWN}}\n/\n${R.errorBudget}{${OWN}}`;
  const burnPanels = pairs(ctx).map(({ long, short, factor, severity }) =>
    timeseries({
      title: `Burn rate ${long} / ${short} (${severity} at ${factor}×)`,
      description: `Error ratio over ${long} and ${short} divided by the error budget; the ${severity} alert fires when both exceed ${factor} (the dashed line).`,
      unit: 'none',
      span: 12,
      queries: [
        { expr: burn(long), legend: `{{slo}} ${long}` },
        { expr: burn(short), legend: `{{slo}} ${short}` },
      ],
      thresholds: [{ value: null, color: 'green' }, { value: factor, color: 'red' }],
      thresholdLines: true,
      links: ctx.objectiveRunbooks,
    }),
  );
  const fast = ctx.windows[0]!;
  const targets = sliOverrides(ctx);
  const window = ctx.thresholds.window;
  return perfkitDashboard({
    uid: 'perfkit-slo',
    title: 'perfkit / SLOs',
    description: `Service-level objectives from the SLA spec (window ${window}): SLI against target, error budget, multi-window burn rates, firing alerts.`,
    runbooksUrl: ctx.runbooksUrl,
    variables: [sloVariable],
    rows: [
      [
        'Objectives',
        [
          stat({ title: 'Target', description: 'The objective: share of good operations to keep over the SLO window.', unit: 'percentunit', queries: [{ expr: `${R.objective}{${OWN}}`, legend: '{{slo}}' }], span: 8 }),
          stat({
            title: `SLI over ${window}`,
            description: `Share of good events over the whole ${window} SLO window (1 − error ratio); red below the objective's own target.`,
            unit: 'percentunit',
            span: 8,
            queries: [{ expr: `1 - ${R.periodErrors}{${OWN}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: Math.min(...ctx.objectives.map((o) => o.target), 1), color: 'green' }],
            overrides: targets,
          }),
          stat({
            title: 'Error budget remaining',
            description: `Share of the error budget left over the ${window} window (below 0: overspent), from interval increases summed over the window.`,
            unit: 'percentunit',
            span: 8,
            queries: [{ expr: `${R.budgetRemaining}{${OWN}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: 0.25, color: 'orange' }, { value: 0.5, color: 'green' }],
            links: ctx.objectiveRunbooks,
          }),
          timeseries({
            title: 'Error ratio against budget',
            description: `Error ratio over ${fast.short} and ${fast.long}, with the error budget (1 − target) as the line not to cross for long.`,
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: `${R.errors}${fast.short}{${OWN}}`, legend: `{{slo}} ${fast.short}` },
              { expr: `${R.errors}${fast.long}{${OWN}}`, legend: `{{slo}} ${fast.long}` },
              { expr: `${R.errorBudget}{${OWN}}`, legend: '{{slo}} budget' },
            ],
          }),
          timeseries({ title: 'SLI traffic', description: 'Events per second counted by each objective.', unit: 'ops', queries: [{ expr: `${R.requests}${fast.short}{${OWN}}`, legend: '{{slo}}' }] }),
        ],
      ],
      ['Burn rates', burnPanels],
      [
        'Alerts',
        [
          timeseries({
            title: 'Firing alerts',
            description: 'Alerts firing now for the chosen services; empty when all is well. Each alert carries a runbook link.',
            unit: 'short',
            span: 24,
            noValue: 'No alert firing',
            queries: [{ expr: `ALERTS{${eq('alertstate', 'firing')},${eq('service', ctx.service)}}`, legend: '{{alertname}} {{severity}} {{slo}}{{limit}}' }],
            links: [{ title: 'Runbooks', url: ctx.runbooksUrl }, ...ctx.objectiveRunbooks],
          }),
        ],
      ],
    ],
  });
}

/** SLI colours per objective: red below its own target, green at or above it. */
export function sliOverrides(ctx: BuildContext) {
  return ctx.objectives.map((o) => ({ name: o.id, thresholds: [{ value: null, color: 'red' }, { value: o.target, color: 'green' }] }));
}

/** The burn windows of the rules, one panel each. */
function pairs(ctx: BuildContext) {
  return ctx.windows.map((w) => ({ long: w.long, short: w.short, factor: Number(w.factor.toPrecision(4)), severity: w.severity }));
}
