import { LABEL } from '@perfkit/core';
import type { GeneratedRules } from '../rules/generateRules';
import { DURATION, atWindow, kebab, matchers, num, objectiveLabels, objectiveMatchers, RECORD, type RuleObjective } from '../rules/naming';
import { renderTemplateForReader } from '../rules/alertTemplate';
import { GUARD_LABEL, RESOURCE_QUERIES } from '../rules/resourceMetrics';
import { factorText, percentText } from '../rules/alertRules';
import type { AlertRule } from '../rules/types';
import type { LimitThreshold } from '../thresholds';

const CAUSES: Record<string, string[]> = {
  download: ['the model registry or object store is slow or failing (check its status page and error_type below)', 'network egress saturated or DNS failing', 'integrity checks failing: corrupted or partial artefacts'],
  model_operation: ['the GPU is saturated or out of memory (see GpuUtilizationHigh / GpuMemoryHigh)', 'requests queue behind a guard (see GuardQueueWaitHigh)', 'a larger model or longer prompts were rolled out'],
  health_check: ['the checked artefact is corrupted', 'the checker times out under load'],
  fallback: ['the primary path fails and fallbacks are chosen more often'],
};
const LIMIT_CAUSES: Record<LimitThreshold['resource'], string[]> = {
  cpu: ['traffic above capacity', 'a hot loop or a regression in a release', 'noisy neighbours on a shared host', 'in a container, a CPU quota below what the traffic needs (host dashboard, Container row: Container CPU vs quota, CPU throttling, Pressure stall)'],
  memory: ['a leak (does process memory grow without bound?)', 'too many models loaded at once', 'caches without limits', 'in a container, a memory limit close to the working set (host dashboard, Container row: Container memory vs limit, OOM kills and memory-limit hits, Pressure stall)'],
  diskFree: ['downloaded model artefacts never cleaned up', 'logs or temporary files growing'],
  gpuUtilization: ['traffic above what the GPUs serve', 'batching disabled or batch sizes too small'],
  gpuMemory: ['too many models resident on the GPU', 'long sequences or large batches'],
  eventLoopDelay: ['synchronous work (JSON of large bodies, crypto, compression) on the main thread', 'GC pressure from memory growth'],
  guardQueueWait: ['the pool is too small for the traffic', 'work inside the guard got slower, so slots free up later'],
  guardUtilization: ['sustained traffic near the pool size: queueing and rejections come next'],
};

/** One markdown runbook per alert name, keyed by file name (`download-success-budget-burn.md`), plus an index. */
export function runbooks(gen: GeneratedRules): Record<string, string> {
  const byName = new Map<string, AlertRule[]>();
  for (const a of gen.alerts) byName.set(a.alert, [...(byName.get(a.alert) ?? []), a]);
  const files: Record<string, string> = {};
  const index: string[] = [];
  for (const [name, alerts] of byName) {
    const file = `${kebab(name)}.md`;
    // Objectives may share an alert name (alerting.name): one section per objective, each with its own numbers and queries.
    const subjects = new Map<string, AlertRule[]>();
    for (const a of alerts) {
      const key = a.source.kind === 'limit' ? 'limit' : `${a.source.kind}:${a.source.objective.id}`;
      subjects.set(key, [...(subjects.get(key) ?? []), a]);
    }
    const bodies = [...subjects.values()].map((group) => runbookOf(gen, name, group));
    files[file] = bodies.length === 1 ? bodies[0]! : sharedRunbook(gen, name, [...subjects.values()], bodies);
    const summary = subjects.size === 1
      ? indexSummary(gen, alerts)
      : `${gen.context.service}: shared by ${[...subjects.values()].map((g) => subjectName(g[0]!)).join(', ')}; the slo label says which fired`;
    index.push(`| [${name}](${file}) | ${[...new Set(alerts.map((a) => a.labels.severity))].join(', ')} | ${tableCell(summary)} |`);
  }
  files['README.md'] =
    `# Runbooks\n\n${HEADER}\n\nOne page per alert that \`perfkit-sla generate\` writes for service \`${gen.context.service}\`.\n\n` +
    `| alert | severity | summary |\n| --- | --- | --- |\n${index.join('\n')}\n`;
  return files;
}

/**
 * An alert's summary for the index: a spec's own template (`{{ $labels.slo }} burns`) with the labels every firing
 * sample of the objective carries filled in, and what only the firing alert knows shown as a template in code. The
 * pairs of a burn-rate alert differ in their factor (13.44x over 1h/5m, ..., 0.9333x over 3d/6h): the index lists
 * each pair that the rules kept, by severity, rather than the first pair's summary as if it were the alert's.
 */
function indexSummary(gen: GeneratedRules, alerts: readonly AlertRule[]): string {
  const first = alerts[0]!;
  const labels = first.source.kind === 'limit' ? {} : objectiveLabels(gen.context.service, first.source.objective);
  const summaries = [...new Set(alerts.map((a) => renderTemplateForReader(a.annotations.summary, labels)))];
  if (summaries.length === 1 || first.source.kind !== 'burn') return summaries.join('; ');
  const bySeverity = new Map<string, string[]>();
  for (const a of alerts) {
    if (a.source.kind !== 'burn') continue;
    const w = a.source.window;
    bySeverity.set(a.labels.severity!, [...(bySeverity.get(a.labels.severity!) ?? []), `${factorText(w.factor)}x over ${w.long}/${w.short}`]);
  }
  const pairs = [...bySeverity].map(([severity, each]) => `${severity} at ${each.join(' or ')}`).join(', ');
  return `${gen.context.service}: ${first.source.objective.id} is burning its error budget too fast: ${pairs}`;
}

/** Text for a Markdown table cell: a `|`, even inside a code span, would end the cell. */
function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function runbookOf(gen: GeneratedRules, name: string, alerts: AlertRule[]): string {
  const first = alerts[0]!;
  return first.source.kind === 'burn'
    ? burnRunbook(gen, name, first.source.objective, alerts)
    : first.source.kind === 'absent'
      ? absentRunbook(gen, name, first.source.objective)
      : limitRunbook(gen, name, alerts.map((a) => (a.source as { limit: LimitThreshold }).limit));
}

function subjectName(a: AlertRule): string {
  return a.source.kind === 'limit' ? 'limits' : `objective ${a.source.objective.id}`;
}

/** One page for an alert name several objectives share: each objective's runbook as a section, headings one level down. */
function sharedRunbook(gen: GeneratedRules, name: string, groups: AlertRule[][], bodies: string[]): string {
  const sections = bodies.map((body, i) => {
    const rest = body.slice(body.indexOf(HEADER) + HEADER.length).trim().replace(/^## /gm, '### ');
    return `## ${subjectName(groups[i]![0]!)}

${rest}
`;
  });
  return `# ${name}

${HEADER}

` +
    `This alert name is shared by ${groups.map((g) => subjectName(g[0]!)).join(', ')} of \`${gen.context.service}\`: ` +
    `the alert's \`slo\` label says which one fired; its section below has its thresholds and queries.\n\n${sections.join('\n')}`;
}

const HEADER = '<!-- Generated by perfkit-sla from the SLA spec; edit the spec (or packages/sla/src/runbooks), not this file. -->';

function burnRunbook(gen: GeneratedRules, name: string, o: RuleObjective, alerts: AlertRule[]): string {
  const own = matchers({ service: gen.context.service, slo: o.id });
  const rows = alerts.map((a) => {
    const s = a.source as { window: { long: string; short: string; factor: number; budgetSpent: number }; threshold: number };
    return `| ${a.labels.severity} | ${s.window.long} / ${s.window.short} | ${factorText(s.window.factor)}x | ${percentText(s.threshold)} | ${Number((s.window.budgetSpent * 100).toPrecision(3))}% |`;
  });
  const breakdown =
    o.sli === 'promql'
      ? (o.errorQuery !== undefined ? atWindow(o.errorQuery, '5m') : `${atWindow(o.totalQuery, '5m')}\n-\n${atWindow(o.goodQuery!, '5m')}`)
      : o.sli === 'latency'
        ? `histogram_quantile(0.99, sum by (le) (rate(${DURATION}_bucket{${matchers(objectiveMatchers(o, gen.context.selector))}}[5m])))`
        : `sum by (${LABEL.outcome}, ${LABEL.errorType}) (rate(${DURATION}_count{${matchers(objectiveMatchers(o, gen.context.selector))},${LABEL.outcome}!="success"}[5m]))`;
  const bad = o.sli === 'promql' ? ' counted as errors by its queries' : o.sli === 'latency' ? ` slower than ${num(o.thresholdSeconds!)}s` : ` ending as ${o.badOutcomes.join(', ')}`;
  return `# ${name}\n\n${HEADER}\n\n` +
    `**Objective \`${o.id}\`** of \`${gen.context.service}\`: ${o.description}.\n` +
    `Target ${num(o.target * 100)}% over ${gen.context.window}, so the error budget is ${num(o.errorBudget * 100)}% of operations` +
    `${bad}.\n\n` +
    `## What fired\n\nThe error budget burns faster than the objective allows, on both a long and a short window ` +
    `(multi-window, multi-burn-rate; the short window makes the alert resolve soon after the problem stops). ` +
    `A \`page\` means the budget is gone within days at this rate; a \`ticket\` that it is gone before the window ends. ` +
    `A page inhibits the ticket of the same alert, service and objective in Alertmanager. Alerts need at least ` +
    `${gen.context.minEvents} operations in the long window, so a single failure at night pages no one.\n\n` +
    `| severity | long / short window | burn rate | error ratio above | budget spent per long window |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n\n` +
    `## Look\n\n\`\`\`promql\n# error ratio now, over 5m and over the long windows\n${RECORD.errors}${alerts[0]!.labels.short_window}{${own}}\n` +
    `# where it comes from\n${breakdown}\n# traffic\n${RECORD.requests}${alerts[0]!.labels.long_window}{${own}}\n# error budget left over the whole ${gen.context.window}\n${RECORD.budgetRemaining}{${own}}\n\`\`\`\n\n` +
    `## Likely causes\n\n${((o.sli !== 'promql' ? CAUSES[o.operationType] : undefined) ?? ['a dependency of the operation is slow or failing', 'a recent release']).map((c) => `- ${c}`).join('\n')}\n- a release or config change at the start of the burn: roll back first, investigate after\n\n` +
    `## Act\n\n1. Check whether the burn is still going: is the short-window ratio still above the threshold?\n` +
    `2. Mitigate (roll back, fail over, shed load), then find the cause with the breakdown above.\n` +
    `3. If the objective is wrong rather than the service, change \`${o.id}\` in the SLA spec and regenerate with \`npm run sla:generate\`.\n`;
}

function absentRunbook(gen: GeneratedRules, name: string, o: RuleObjective): string {
  if (o.sli === 'promql') {
    return `# ${name}\n\n${HEADER}\n\n` +
      `Prometheus returns nothing for the total query of objective \`${o.id}\` (for ${gen.context.absentFor}), so it cannot be evaluated, and a ` +
      `silent SLO looks 100% healthy: its burn-rate alerts cannot fire.\n\n## Look\n\n\`\`\`promql\n${atWindow(o.totalQuery, '5m')}\n\`\`\`\n\n` +
      `## Likely causes\n\n- the target is down, or Prometheus cannot scrape it\n- a metric or label the query selects was renamed\n- no traffic\n\n` +
      `## Act\n\nRestore the scrape or the traffic; if the metric was renamed on purpose, update the query in the SLA spec and regenerate.\n`;
  }
  const sel = matchers(objectiveMatchers(o, gen.context.selector));
  return `# ${name}\n\n${HEADER}\n\n` +
    `Prometheus has no \`${DURATION}_count{${sel}}\` series for ${gen.context.absentFor}. Objective \`${o.id}\` cannot be ` +
    `evaluated, and a silent SLO looks 100% healthy: its burn-rate alerts cannot fire.\n\n` +
    `## Look\n\n\`\`\`promql\nup${Object.keys(gen.context.selector).length ? `{${matchers(gen.context.selector)}}` : ''}\ncount by (${LABEL.operationType}, ${LABEL.operationName}) (${DURATION}_count)\n\`\`\`\n\n` +
    `## Likely causes\n\n- the service is down, or Prometheus cannot scrape it (\`up == 0\`, wrong port, network policy)\n` +
    `- the operation was renamed in code: \`${o.operationType}\` / \`${o.operationName ?? '*'}\` no longer exists\n` +
    `- no traffic reached the operation (a quiet period, or traffic routed elsewhere)\n` +
    `- series dropped by \`limits.maxSeriesPerMetric\` (see \`perfkit_dropped_measurements_total{reason="series_limit"}\`)\n\n` +
    `## Act\n\nRestore the scrape or the traffic; if the operation was renamed on purpose, update the SLA spec and regenerate.\n`;
}

function limitRunbook(gen: GeneratedRules, name: string, limits: LimitThreshold[]): string {
  const l = limits[0]!;
  const q = RESOURCE_QUERIES[l.resource];
  const rows = limits.map((x) => `| ${x.guard ?? x.id} | ${x.violatedWhen} ${x.unit === 'ratio' ? `${num(x.limit * 100)}%` : `${num(x.limit)}s`} | ${x.for} |`);
  return `# ${name}\n\n${HEADER}\n\nThe ${q.what} of \`${gen.context.service}\` has been past its limit for longer than the \`for:\` duration.\n\n` +
    `| limit | fires when | for |\n| --- | --- | --- |\n${rows.join('\n')}\n\n` +
    `## Look\n\n\`\`\`promql\n${q.value(matchers({ ...gen.context.selector, ...(l.guard ? { [GUARD_LABEL]: l.guard } : {}) }))}\n\`\`\`\n\n` +
    (l.resource === 'guardQueueWait'
      ? `The queue-wait histogram lives in Prometheus only; \`slaPlugin(spec).evaluate()\` reports this limit as no_data.\n\n`
      : `The same limit is checked in-process by \`slaPlugin(spec).evaluate()\` (and the dashboard), from the same spec.\n\n`) +
    `## Likely causes\n\n${LIMIT_CAUSES[l.resource].map((c) => `- ${c}`).join('\n')}\n\n` +
    `## Act\n\nShed or reroute load first; then scale out, or fix the cause. If the limit is wrong, change it in the SLA spec and regenerate.\n`;
}
