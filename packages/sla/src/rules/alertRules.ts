import { formatDuration } from '../duration';
import type { LimitThreshold, ObjectiveThreshold } from '../thresholds';
import { DURATION, RECORD, camel, kebab, matchers, num, objectiveLabels, objectiveMatchers } from './naming';
import { GUARD_LABEL, RESOURCE_QUERIES } from './resourceMetrics';
import type { AlertRule } from './types';
import type { BurnWindow } from './windows';

/** What alert builders need besides the threshold itself. */
export interface AlertContext {
  readonly service: string;
  readonly window: string;
  readonly windowSeconds: number;
  readonly selector: Record<string, string>;
  readonly minEvents: number;
  readonly absentFor: string;
  readonly runbookBaseUrl: string;
}

const runbook = (ctx: AlertContext, alert: string) => `${ctx.runbookBaseUrl.replace(/\/+$/, '')}/${kebab(alert)}.md`;

/**
 * Multi-window burn-rate alerts of one objective: one rule per window pair that can fire. A pair whose
 * threshold (factor x error budget) is 1 or more is dropped with a warning: an error ratio cannot exceed 100%,
 * so for low objectives (90%, 50%) such an alert could never fire (Sloth #341).
 */
export function burnAlerts(ctx: AlertContext, o: ObjectiveThreshold, windows: readonly BurnWindow[], warnings: string[]): AlertRule[] {
  const alert = `${camel(o.id)}BudgetBurn`;
  const labels = objectiveLabels(ctx.service, o);
  const own = matchers(labels);
  const out: AlertRule[] = [];
  for (const w of windows) {
    const threshold = Number((w.factor * o.errorBudget).toPrecision(12));
    if (threshold >= 1) {
      warnings.push(
        `objective ${o.id} (target ${o.target}): the ${w.severity} alert at ${w.factor}x over ${w.long}/${w.short} needs an error ratio of ${num(threshold)}, which can never happen; dropped`,
      );
      continue;
    }
    const guard = ctx.minEvents > 0 ? `\nand\n${RECORD.requests}${w.long}{${own}} * ${w.longSeconds} >= ${ctx.minEvents}` : '';
    const expr =
      `${RECORD.errors}${w.short}{${own}} > ${num(threshold)}\n` +
      `and\n${RECORD.errors}${w.long}{${own}} > ${num(threshold)}${guard}`;
    const exhaust = formatDuration(ctx.windowSeconds / w.factor);
    out.push({
      alert,
      expr,
      labels: { severity: w.severity, ...labels, long_window: w.long, short_window: w.short, burn_factor: num(w.factor) },
      annotations: {
        summary: `${ctx.service}: ${o.id} is burning its error budget ${num(w.factor)}x too fast`,
        description:
          `${o.description}. The ${o.sli === 'latency' ? 'share of slow operations' : 'error ratio'} is {{ $value | humanizePercentage }} ` +
          `over ${w.short} and above ${num(threshold * 100)}% over ${w.long} (budget ${num(o.errorBudget * 100)}%); ` +
          `at this rate the ${ctx.window} budget is gone in ${exhaust} (${Number((w.budgetSpent * 100).toPrecision(3))}% of it spent per ${w.long}).`,
        runbook_url: runbook(ctx, alert),
      },
      source: { kind: 'burn', objective: o, window: w, threshold },
    });
  }
  if (!out.some((a) => a.labels.severity === 'page') && windows.some((w) => w.severity === 'page')) {
    warnings.push(`objective ${o.id} (target ${o.target}) has no page alert: every page window is impossible for so low a target`);
  }
  return out;
}

/** Fires when the objective's operations have not been seen for `absentFor`: a silent SLO reads as 100% good. */
export function absentAlert(ctx: AlertContext, o: ObjectiveThreshold): AlertRule {
  const alert = `${camel(o.id)}MetricsAbsent`;
  return {
    alert,
    expr: `absent(${DURATION}_count{${matchers(objectiveMatchers(o, ctx.selector))}})`,
    for: ctx.absentFor,
    labels: { severity: 'ticket', ...objectiveLabels(ctx.service, o) },
    annotations: {
      summary: `${ctx.service}: no ${o.operationType} metrics for objective ${o.id}`,
      description: `Prometheus has seen no ${DURATION} series for ${o.operationType}${o.operationName ? ` ${o.operationName}` : ''} for ${ctx.absentFor}; ${o.id} cannot be evaluated and its burn-rate alerts cannot fire.`,
      runbook_url: runbook(ctx, alert),
    },
    source: { kind: 'absent', objective: o },
  };
}

const LIMIT_ALERTS: Record<LimitThreshold['resource'], string> = {
  cpu: 'HostCpuHigh',
  memory: 'HostMemoryHigh',
  diskFree: 'HostDiskFreeLow',
  gpuUtilization: 'GpuUtilizationHigh',
  gpuMemory: 'GpuMemoryHigh',
  eventLoopDelay: 'EventLoopDelayHigh',
  guardQueueWait: 'GuardQueueWaitHigh',
  guardUtilization: 'GuardUtilizationHigh',
};

/** The alert name of a limit kind. */
export function limitAlertName(resource: LimitThreshold['resource']): string {
  return LIMIT_ALERTS[resource];
}

/** A threshold alert on a resource or guard gauge, held for the limit's `for:` before it fires. */
export function limitAlert(ctx: AlertContext, l: LimitThreshold): AlertRule {
  const q = RESOURCE_QUERIES[l.resource];
  const alert = LIMIT_ALERTS[l.resource];
  const sel = matchers({ ...ctx.selector, ...(l.guard ? { [GUARD_LABEL]: l.guard } : {}) });
  const op = l.violatedWhen === 'above' ? '>' : '<';
  const shown = l.unit === 'ratio' ? `${num(l.limit * 100)}%` : `${num(l.limit)}s`;
  const value = l.unit === 'ratio' ? '{{ $value | humanizePercentage }}' : '{{ $value | humanizeDuration }}';
  return {
    alert,
    expr: `${q.value(sel)} ${op} ${num(l.limit)}`,
    for: l.for,
    labels: { severity: 'ticket', service: ctx.service, limit: l.id, ...(l.guard ? { [GUARD_LABEL]: l.guard } : {}) },
    annotations: {
      summary: `${ctx.service}: ${q.what}${l.guard ? ` (${l.guard})` : ''} ${l.violatedWhen === 'above' ? 'above' : 'below'} ${shown}`,
      description: `The ${q.what}${l.guard ? ` of guard ${l.guard}` : ''} is ${value}, ${l.violatedWhen} the limit of ${shown}, for more than ${l.for}.`,
      runbook_url: runbook(ctx, alert),
    },
    source: { kind: 'limit', limit: l },
  };
}
