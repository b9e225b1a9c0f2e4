import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import type { BuildContext } from '../lib/context';
import { perfkitDashboard } from '../lib/dashboard';
import { DATASOURCE } from '../lib/datasource';
import { stat, timeseries } from '../lib/panels';
import { eq, re } from '../lib/promql';
import { SLO_RECORDS } from '@perfkit/sla';
import { serviceVariable } from '../lib/variables';

/** The SLA rules label their series with the spec's service and the objective id. */
const OWN = `${re('service', '$service')},${re('slo', '$slo')}`;
const R = SLO_RECORDS;

/** SLO: per objective, the SLI against its target, error budget remaining, burn rates per alert window, firing alerts. */
export function sloDashboard(ctx: BuildContext): Dashboard {
  const sloQuery = `label_values(${R.objective}{${re('service', '$service')}}, slo)`;
  const sloVariable = new QueryVariableBuilder('slo')
    .label('Objective')
    .description('Objectives of the SLA spec (examples/sla.yaml).')
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
      description: `Error ratio over ${long} and ${short} divided by the error budget; the ${severity} alert fires when both exceed ${factor}.`,
      unit: 'none',
      span: 12,
      queries: [
        { expr: burn(long), legend: `{{slo}} ${long}` },
        { expr: burn(short), legend: `{{slo}} ${short}` },
      ],
      thresholds: [{ value: null, color: 'green' }, { value: factor, color: 'red' }],
      links: ctx.objectiveRunbooks,
    }),
  );
  const window = ctx.thresholds.window;
  return perfkitDashboard({
    uid: 'perfkit-slo',
    title: 'perfkit / SLOs',
    description: `Service-level objectives from the SLA spec (window ${window}): SLI against target, error budget, multi-window burn rates, firing alerts.`,
    runbooksUrl: ctx.runbooksUrl,
    variables: [serviceVariable(), sloVariable],
    rows: [
      [
        'Objectives',
        [
          stat({ title: 'Target', description: 'The objective: share of good operations to keep over the SLO window.', unit: 'percentunit', queries: [{ expr: `${R.objective}{${OWN}}`, legend: '{{slo}}' }], span: 8 }),
          stat({
            title: 'SLI over 3 days',
            description: 'Share of good operations over the last 3 d (1 − error ratio).',
            unit: 'percentunit',
            span: 8,
            queries: [{ expr: `1 - ${R.errors}3d{${OWN}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: 0.99, color: 'orange' }, { value: 0.995, color: 'green' }],
          }),
          stat({
            title: 'Error budget remaining',
            description: `Share of the error budget left if the last 3 d error ratio held for the whole ${window} window (below 0: overspent).`,
            unit: 'percentunit',
            span: 8,
            queries: [{ expr: `1 - ${R.errors}3d{${OWN}} / ${R.errorBudget}{${OWN}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: 0.25, color: 'orange' }, { value: 0.5, color: 'green' }],
            links: ctx.objectiveRunbooks,
          }),
          timeseries({
            title: 'Error ratio against budget',
            description: 'Error ratio over 5 m and 1 h, with the error budget (1 − target) as the line not to cross for long.',
            unit: 'percentunit',
            min: 0,
            queries: [
              { expr: `${R.errors}5m{${OWN}}`, legend: '{{slo}} 5m' },
              { expr: `${R.errors}1h{${OWN}}`, legend: '{{slo}} 1h' },
              { expr: `${R.errorBudget}{${OWN}}`, legend: '{{slo}} budget' },
            ],
          }),
          timeseries({ title: 'SLI traffic', description: 'Operations per second counted by each objective.', unit: 'ops', queries: [{ expr: `${R.requests}5m{${OWN}}`, legend: '{{slo}}' }] }),
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
            queries: [{ expr: `ALERTS{${eq('alertstate', 'firing')},${re('service', '$service')}}`, legend: '{{alertname}} {{severity}} {{slo}}{{limit}}' }],
            links: [{ title: 'Runbooks', url: ctx.runbooksUrl }, ...ctx.objectiveRunbooks],
          }),
        ],
      ],
    ],
  });
}

/** The burn windows of the rules, one panel each. */
function pairs(ctx: BuildContext) {
  return ctx.windows.map((w) => ({ long: w.long, short: w.short, factor: w.factor, severity: w.severity }));
}
