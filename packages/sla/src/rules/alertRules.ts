import { formatDuration } from '../duration';
import type { LimitThreshold } from '../thresholds';
import { DURATION, RECORD, atWindow, camel, kebab, matchers, num, objectiveLabels, objectiveMatchers, templateLiteral, type RuleObjective } from './naming';
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
  /** Seconds between evaluations of the error-budget group (its `interval`). */
  readonly budgetIntervalSeconds: number;
  /** The `severity` label value written for page and ticket alerts. */
  readonly severities: { readonly page: string; readonly ticket: string };
}

const runbook = (ctx: AlertContext, alert: string) => `${ctx.runbookBaseUrl.replace(/\/+$/, '')}/${kebab(alert)}.md`;

/** What an alert name is made from: the objective's id and its `alerting.name`. */
export interface NamedObjective {
  readonly id: string;
  readonly alerting?: { readonly name?: string } | undefined;
}

/** The burn-rate alert name of an objective: the spec's `alerting.name`, else `<CamelId>BudgetBurn`. */
export function burnAlertName(o: NamedObjective): string {
  return o.alerting?.name ?? `${camel(o.id)}BudgetBurn`;
}

/** The "metrics absent" alert name of an objective: `<CamelId>MetricsAbsent`. */
export function absentAlertName(o: NamedObjective): string {
  return `${camel(o.id)}MetricsAbsent`;
}

/** A burn factor as labels and text show it: four significant digits (0.9333, 13.44, 14.4). */
export function factorText(factor: number): string {
  return String(Number(factor.toPrecision(4)));
}

/**
 * A ratio as prose shows it to people: a percentage to four significant digits (0.9333%, 13.44%), as Prometheus'
 * humanizePercentage prints the alert's value beside it. Prose only: expressions keep the full number ({@link num}).
 */
export function percentText(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/** What an objective's SLI counts, for annotations. */
function sliWords(o: RuleObjective): string {
  return o.sli === 'latency' ? 'share of slow operations' : o.sli === 'promql' ? 'error ratio of its queries' : 'error ratio';
}

/**
 * Multi-window burn-rate alerts of one objective: one rule per window pair that can fire. A pair whose
 * threshold (factor x error budget) is 1 or more is dropped with a warning: an error ratio cannot exceed 100%,
 * so for low objectives (90%, 50%) such an alert could never fire (Sloth #341). The objective's own labels,
 * annotations and per-severity `for:`/labels (as in Sloth's `page_alert`/`ticket_alert`) are added; `severity`
 * is the spec's name for page or ticket unless the objective's severity labels set it.
 */
export function burnAlerts(ctx: AlertContext, o: RuleObjective, windows: readonly BurnWindow[], warnings: string[]): AlertRule[] {
  const alert = burnAlertName(o);
  const labels = objectiveLabels(ctx.service, o);
  const own = matchers(labels);
  const service = templateLiteral(ctx.service);
  const out: AlertRule[] = [];
  for (const w of windows) {
    const threshold = Number((w.factor * o.errorBudget).toPrecision(12));
    if (threshold >= 1) {
      warnings.push(
        `objective ${o.id} (target ${o.target}): the ${w.severity} alert at ${factorText(w.factor)}x over ${w.long}/${w.short} needs an error ratio above ${percentText(threshold)}, which can never happen; dropped`,
      );
      continue;
    }
    // Raw-PromQL objectives: the total query's unit is unknown (a rate, a count), so minEvents cannot apply.
    const guard = ctx.minEvents > 0 && o.sli !== 'promql' ? `\nand\n${RECORD.requests}${w.long}{${own}} * ${w.longSeconds} >= ${ctx.minEvents}` : '';
    const expr =
      `${RECORD.errors}${w.short}{${own}} > ${num(threshold)}\n` +
      `and\n${RECORD.errors}${w.long}{${own}} > ${num(threshold)}${guard}`;
    const exhaust = formatDuration(ctx.windowSeconds / w.factor);
    const sev = o.alerting?.[w.severity];
    out.push({
      alert,
      expr,
      ...(sev?.for ? { for: sev.for } : {}),
      labels: {
        ...o.alerting?.labels,
        severity: ctx.severities[w.severity],
        ...sev?.labels,
        ...labels,
        service,
        long_window: w.long,
        short_window: w.short,
        burn_factor: factorText(w.factor),
      },
      annotations: {
        summary: `${service}: ${o.id} is burning its error budget ${factorText(w.factor)}x too fast`,
        description:
          `${templateLiteral(o.description)}. The ${sliWords(o)} is {{ $value | humanizePercentage }} ` +
          `over ${w.short} and above ${percentText(threshold)} over ${w.long} (budget ${num(o.errorBudget * 100)}%); ` +
          `at this rate the ${ctx.window} budget is gone in ${exhaust} (${Number((w.budgetSpent * 100).toPrecision(3))}% of it spent per ${w.long}).`,
        runbook_url: runbook(ctx, alert),
        ...o.alerting?.annotations,
      },
      source: { kind: 'burn', objective: o, window: w, threshold },
    });
  }
  if (!out.some((a) => a.source.kind === 'burn' && a.source.window.severity === 'page') && windows.some((w) => w.severity === 'page')) {
    warnings.push(`objective ${o.id} (target ${o.target}) has no page alert: every page window is impossible for so low a target`);
  }
  return out;
}

/** Fires when the objective's series have not been seen for `absentFor`: a silent SLO reads as 100% good. */
export function absentAlert(ctx: AlertContext, o: RuleObjective): AlertRule {
  const alert = absentAlertName(o);
  const what = templateLiteral(o.sli === 'promql' ? `the total query of ${o.id}` : `${o.operationType}${o.operationName ? ` ${o.operationName}` : ''}`);
  const service = templateLiteral(ctx.service);
  return {
    alert,
    expr: o.sli === 'promql' ? `absent(${atWindow(o.totalQuery, '5m')})` : `absent(${DURATION}_count{${matchers(objectiveMatchers(o, ctx.selector))}})`,
    for: ctx.absentFor,
    labels: { ...o.alerting?.labels, severity: ctx.severities.ticket, ...objectiveLabels(ctx.service, o), service },
    annotations: {
      summary: `${service}: no ${o.sli === 'promql' ? 'series' : `${o.operationType} metrics`} for objective ${o.id}`,
      description:
        o.sli === 'promql'
          ? `Prometheus has returned nothing for ${what} for ${ctx.absentFor}; ${o.id} cannot be evaluated and its burn-rate alerts cannot fire.`
          : `Prometheus has seen no ${DURATION} series for ${what} for ${ctx.absentFor}; ${o.id} cannot be evaluated and its burn-rate alerts cannot fire.`,
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
    labels: { severity: ctx.severities.ticket, service: templateLiteral(ctx.service), limit: l.id, ...(l.guard ? { [GUARD_LABEL]: l.guard } : {}) },
    annotations: {
      summary: `${templateLiteral(ctx.service)}: ${q.what}${l.guard ? ` (${l.guard})` : ''} ${l.violatedWhen === 'above' ? 'above' : 'below'} ${shown}`,
      description: `The ${q.what}${l.guard ? ` of guard ${l.guard}` : ''} is ${value}, ${l.violatedWhen} the limit of ${shown}, for more than ${l.for}.`,
      runbook_url: runbook(ctx, alert),
    },
    source: { kind: 'limit', limit: l },
  };
}
