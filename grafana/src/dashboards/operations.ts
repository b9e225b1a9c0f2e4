import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { GUARD_ATTR, GUARD_METRICS, LABEL, METRICS, sanitizeLabelName } from '@perfkit/core';
import { BAD_OUTCOMES, type BuildContext } from '../lib/context';
import { perfkitDashboard } from '../lib/dashboard';
import { timeseries } from '../lib/panels';
import { BY_TYPE, count, eq, mean, quantile, rate, ratio, re, sel, sumBy } from '../lib/promql';
import { unitFor } from '../lib/units';
import { instanceVariable, operationTypeVariable, serviceVariable } from '../lib/variables';

const D = METRICS.operationDuration;
const BY_OP = [LABEL.operationType, LABEL.operationName];
const OP_LEGEND = '{{operation_type}} {{operation_name}}';
const GUARD = sanitizeLabelName(GUARD_ATTR.guard);

/** A per-second rate of a counter, summed by `by`, for the chosen types. */
const perSecond = (family: string, by: readonly string[], extra: readonly string[] = []) => sumBy(by, rate(sel(family, [BY_TYPE, ...extra])));

/** Operations: RED per operation type (rate, errors by error.type, p50/p95/p99), active operations, per-type figures, guards. */
export function operationsDashboard(ctx: BuildContext): Dashboard {
  const link = { title: 'Runbooks', url: ctx.runbooksUrl };
  return perfkitDashboard({
    uid: 'perfkit-operations',
    title: 'perfkit / Operations',
    description: 'Rate, errors and duration of every operation type, the figures each type reports, and the guards around them.',
    runbooksUrl: ctx.runbooksUrl,
    variables: [serviceVariable(ctx.job), instanceVariable(), operationTypeVariable()],
    rows: [
      [
        'Rate, errors, duration',
        [
          timeseries({ title: 'Throughput', description: 'Operations finished per second, by type and name.', unit: unitFor(D, 'rate'), queries: [{ expr: perSecond(count(D.prom), BY_OP), legend: OP_LEGEND }] }),
          timeseries({ title: 'Outcomes', description: 'Operations finished per second, by outcome.', unit: unitFor(D, 'rate'), queries: [{ expr: perSecond(count(D.prom), [LABEL.outcome]), legend: '{{operation_outcome}}' }] }),
          timeseries({
            title: 'Failures by error.type',
            description: 'Failed operations per second by type and error.type (the error class or code).',
            unit: unitFor(D, 'rate'),
            queries: [{ expr: perSecond(count(D.prom), [LABEL.operationType, LABEL.errorType], [eq(LABEL.outcome, 'failure')]), legend: '{{operation_type}} {{error_type}}' }],
            links: [link],
          }),
          timeseries({
            title: 'Failure ratio',
            description: `Share of operations per type and name that ended ${BAD_OUTCOMES.split('|').join(', ')}.`,
            unit: 'percentunit',
            min: 0,
            queries: [{ expr: ratio(perSecond(count(D.prom), BY_OP, [re(LABEL.outcome, BAD_OUTCOMES)]), perSecond(count(D.prom), BY_OP), BY_OP), legend: OP_LEGEND }],
          }),
          timeseries({
            title: 'Duration p50 / p95 / p99',
            // Per operation, not per type: a view may give one operation name buckets of its own, and buckets of
            // different layouts summed into one histogram give no quantile of anything.
            description: 'Duration quantiles per operation (type and name), estimated from its histogram buckets.',
            unit: unitFor(D, 'quantile'),
            span: 24,
            queries: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, D.prom, BY_OP, [BY_TYPE]), legend: `${OP_LEGEND} p${Math.round(q * 100)}` })),
            links: [link],
          }),
          timeseries({ title: 'Mean duration', description: 'Mean duration by type and name.', unit: unitFor(D, 'mean'), queries: [{ expr: mean(D.prom, BY_OP, [BY_TYPE]), legend: OP_LEGEND }] }),
          timeseries({ title: 'Active operations', description: 'Operations running now, by type and name.', unit: unitFor(METRICS.operationsActive, 'value'), queries: [{ expr: sumBy(BY_OP, sel(METRICS.operationsActive.prom, [BY_TYPE])), legend: OP_LEGEND }] }),
        ],
      ],
      [
        'Per-type figures',
        [
          timeseries({ title: 'Download throughput', description: 'Bytes downloaded per second.', unit: unitFor(METRICS.downloadBytes, 'rate'), queries: [{ expr: perSecond(METRICS.downloadBytes.prom, [LABEL.operationName]), legend: '{{operation_name}}' }] }),
          timeseries({ title: 'Retries', description: 'Retries per second (download attempts after the first, and any op.retry()).', unit: unitFor(METRICS.operationRetries, 'rate'), queries: [{ expr: perSecond(METRICS.operationRetries.prom, BY_OP), legend: OP_LEGEND }] }),
          timeseries({
            title: 'Download integrity checks',
            description: 'Integrity checks of downloaded files per second, passed and failed.',
            unit: unitFor(METRICS.downloadIntegrityChecks, 'rate'),
            queries: [{ expr: perSecond(METRICS.downloadIntegrityChecks.prom, [LABEL.integrityResult]), legend: '{{integrity_result}}' }],
          }),
          timeseries({
            title: 'Health-check integrity score',
            description: 'Mean integrity score of health checks (1 = every file intact) and its 10th percentile.',
            unit: unitFor(METRICS.healthCheckIntegrityScore, 'mean'),
            min: 0,
            max: 1,
            queries: [
              { expr: mean(METRICS.healthCheckIntegrityScore.prom, [LABEL.operationName], [BY_TYPE]), legend: '{{operation_name}} mean' },
              { expr: quantile(0.1, METRICS.healthCheckIntegrityScore.prom, [LABEL.operationName], [BY_TYPE]), legend: '{{operation_name}} p10' },
            ],
          }),
          timeseries({ title: 'Corruptions found', description: 'Corruptions found by health checks per second.', unit: unitFor(METRICS.healthCheckCorruptions, 'rate'), queries: [{ expr: perSecond(METRICS.healthCheckCorruptions.prom, [LABEL.operationName]), legend: '{{operation_name}}' }] }),
          timeseries({
            title: 'Fallback activations',
            description: 'Fallbacks to an alternative model per second, by outcome.',
            unit: unitFor(D, 'rate'),
            queries: [{ expr: sumBy([LABEL.outcome], rate(sel(count(D.prom), [eq(LABEL.operationType, 'fallback')]))), legend: '{{operation_outcome}}' }],
          }),
          timeseries({ title: 'Alternatives considered', description: 'Alternatives considered by fallbacks per second.', unit: unitFor(METRICS.fallbackAlternatives, 'rate'), queries: [{ expr: perSecond(METRICS.fallbackAlternatives.prom, [LABEL.operationName]), legend: '{{operation_name}}' }] }),
          timeseries({
            title: 'Fallback compatibility score',
            description: 'Mean compatibility score (0..1) of the alternatives fallbacks chose.',
            unit: unitFor(METRICS.fallbackCompatibilityScore, 'mean'),
            min: 0,
            max: 1,
            queries: [{ expr: mean(METRICS.fallbackCompatibilityScore.prom, [LABEL.operationName], [BY_TYPE]), legend: '{{operation_name}}' }],
          }),
          timeseries({ title: 'Tokens', description: 'Tokens processed by model operations per second.', unit: unitFor(METRICS.modelTokens, 'rate'), queries: [{ expr: perSecond(METRICS.modelTokens.prom, [LABEL.operationName]), legend: '{{operation_name}}' }] }),
          timeseries({ title: 'Analytics records', description: 'Records processed by analytics collection per second.', unit: unitFor(METRICS.analyticsRecords, 'rate'), queries: [{ expr: perSecond(METRICS.analyticsRecords.prom, [LABEL.operationName]), legend: '{{operation_name}}' }] }),
        ],
      ],
      [
        'Guards',
        [
          timeseries({ title: 'Guard utilization', description: 'Slots in use over maxConcurrent, per guard and instance (each process has its own slots).', unit: unitFor(GUARD_METRICS.utilization, 'value'), min: 0, queries: [{ expr: sumBy(['instance', GUARD], sel(GUARD_METRICS.utilization.prom)), legend: '{{instance}} {{guard}}' }] }),
          timeseries({ title: 'Guard queue wait p99', description: '99th percentile of the time operations waited for a guard slot.', unit: unitFor(GUARD_METRICS.queueWait, 'quantile'), queries: [{ expr: quantile(0.99, GUARD_METRICS.queueWait.prom, [GUARD]), legend: '{{guard}}' }] }),
          timeseries({ title: 'Guard queue depth', description: 'Operations waiting for a guard slot now.', unit: unitFor(GUARD_METRICS.queueDepth, 'value'), queries: [{ expr: sumBy([GUARD], sel(GUARD_METRICS.queueDepth.prom)), legend: '{{guard}}' }] }),
          timeseries({
            title: 'Guard rejections and timeouts',
            description: 'Operations refused (by reason) and aborted for running too long, per second.',
            unit: unitFor(GUARD_METRICS.rejections, 'rate'),
            queries: [
              { expr: sumBy([GUARD, sanitizeLabelName(GUARD_ATTR.rejectReason)], rate(sel(GUARD_METRICS.rejections.prom))), legend: '{{guard}} rejected {{reason}}' },
              { expr: sumBy([GUARD], rate(sel(GUARD_METRICS.timeouts.prom))), legend: '{{guard}} timed out' },
            ],
          }),
          timeseries({
            title: 'Dropped measurements',
            description: 'Measurements perfkit could not record, by reason (invalid values, series limit, export failures).',
            unit: unitFor(METRICS.droppedMeasurements, 'rate'),
            span: 24,
            queries: [{ expr: sumBy([LABEL.dropReason], rate(sel(METRICS.droppedMeasurements.prom))), legend: '{{reason}}' }],
          }),
        ],
      ],
    ],
  });
}
