import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABEL, METRICS } from '@perfkit/core';
import { perfkitDashboard } from '../lib/dashboard';
import { barGauge, stat, timeseries } from '../lib/panels';
import { SLO_RECORDS } from '@perfkit/sla';
import { count, eq, quantile, rate, ratio, re, sel, sumBy } from '../lib/promql';
import { BAD_OUTCOMES, type BuildContext } from '../lib/context';
import { unitFor } from '../lib/units';
import { sliOverrides } from './slo';
import { instanceVariable, serviceVariable } from '../lib/variables';

const D = METRICS.operationDuration;
const BY_OP = [LABEL.operationType, LABEL.operationName];

/** Overview: service health at a glance, SLO status, the slowest and most failing operations. */
export function overviewDashboard(ctx: BuildContext): Dashboard {
  const total = (by: readonly string[]) => sumBy(by, rate(sel(count(D.prom))));
  const bad = (by: readonly string[]) => sumBy(by, rate(sel(count(D.prom), [re(LABEL.outcome, BAD_OUTCOMES)])));
  // SLO series carry the spec's service as `service` (the rules' label), whatever job the selector names.
  const own = eq('service', ctx.service);
  return perfkitDashboard({
    uid: 'perfkit-overview',
    title: 'perfkit / Overview',
    description: 'Service health at a glance: throughput, failures, latency, SLO status and the operations that need attention.',
    runbooksUrl: ctx.runbooksUrl,
    variables: [serviceVariable(ctx.job), instanceVariable()],
    rows: [
      [
        'Service health',
        [
          stat({ title: 'Operations per second', description: 'Tracked operations finished per second, all types.', unit: unitFor(D, 'rate'), queries: [{ expr: total([]), legend: 'operations/s' }] }),
          stat({
            title: 'Failure ratio',
            description: `Share of operations that ended ${BAD_OUTCOMES.split('|').join(', ')} (cancelled ones excluded), all types.`,
            unit: 'percentunit',
            queries: [{ expr: ratio(bad([]), total([])), legend: 'failure ratio' }],
            thresholds: [{ value: null, color: 'green' }, { value: 0.01, color: 'orange' }, { value: 0.05, color: 'red' }],
          }),
          stat({
            title: 'Slowest p95',
            // Per operation, not per type: a view may give one operation name buckets of its own, and buckets of
            // different layouts summed into one histogram give no quantile of anything.
            description: 'The highest 95th-percentile duration among operations (type and name).',
            unit: unitFor(D, 'quantile'),
            queries: [{ expr: `max(${quantile(0.95, D.prom, BY_OP)})`, legend: 'p95' }],
          }),
          stat({ title: 'Active operations', description: 'Operations running now.', unit: unitFor(METRICS.operationsActive, 'value'), queries: [{ expr: sumBy([], sel(METRICS.operationsActive.prom)), legend: 'active' }] }),
          stat({ title: 'Instances', description: 'Instances reporting (target_info series).', unit: 'short', queries: [{ expr: 'count(target_info{job=~"$service",instance=~"$instance"})', legend: 'instances' }] }),
          stat({
            title: 'Firing alerts',
            // The generated alerts carry the spec's service as `service`, not the scrape job the variable picks.
            description: "Alerts of this service's SLA rules firing now (0 when none).",
            unit: 'short',
            queries: [{ expr: `count(ALERTS{${eq('alertstate', 'firing')},${own}}) or vector(0)`, legend: 'firing' }],
            thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'red' }],
            links: [{ title: 'Runbooks', url: ctx.runbooksUrl }],
          }),
        ],
      ],
      [
        'SLO status',
        [
          stat({
            title: `SLI over ${ctx.thresholds.window}`,
            description: `Share of good events per objective over the whole ${ctx.thresholds.window} SLO window; red below the objective's own target.`,
            unit: 'percentunit',
            span: 12,
            queries: [{ expr: `1 - ${SLO_RECORDS.periodErrors}{${own}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: Math.min(...ctx.objectives.map((o) => o.target), 1), color: 'green' }],
            overrides: sliOverrides(ctx),
            links: [{ title: 'SLO dashboard', url: '/d/perfkit-slo' }],
          }),
          stat({
            title: 'Error budget remaining',
            description: `Share of each objective's error budget left over the ${ctx.thresholds.window} window (below 0: overspent).`,
            unit: 'percentunit',
            span: 12,
            queries: [{ expr: `${SLO_RECORDS.budgetRemaining}{${own}}`, legend: '{{slo}}' }],
            thresholds: [{ value: null, color: 'red' }, { value: 0.25, color: 'orange' }, { value: 0.5, color: 'green' }],
            links: ctx.objectiveRunbooks,
          }),
        ],
      ],
      [
        'Operations that need attention',
        [
          barGauge({
            title: 'Slowest operations (p95)',
            description: 'The five operations with the highest 95th-percentile duration now.',
            unit: unitFor(D, 'quantile'),
            queries: [{ expr: `topk(5, ${quantile(0.95, D.prom, BY_OP)})`, legend: '{{operation_type}} {{operation_name}}' }],
          }),
          barGauge({
            title: 'Most failing operations',
            description: 'The five operations and error types with the most failures per second now.',
            unit: unitFor(D, 'rate'),
            queries: [{ expr: `topk(5, ${sumBy([...BY_OP, LABEL.errorType], rate(sel(count(D.prom), [eq(LABEL.outcome, 'failure')])))})`, legend: '{{operation_type}} {{operation_name}} {{error_type}}' }],
            thresholds: [{ value: null, color: 'orange' }],
          }),
          timeseries({ title: 'Throughput by operation type', description: 'Operations finished per second, per type.', unit: unitFor(D, 'rate'), queries: [{ expr: total([LABEL.operationType]), legend: '{{operation_type}}' }] }),
          timeseries({
            title: 'Failure ratio by operation type',
            description: 'Share of operations per type that ended badly.',
            unit: 'percentunit',
            queries: [{ expr: ratio(bad([LABEL.operationType]), total([LABEL.operationType]), [LABEL.operationType]), legend: '{{operation_type}}' }],
            min: 0,
          }),
        ],
      ],
    ],
  });
}
