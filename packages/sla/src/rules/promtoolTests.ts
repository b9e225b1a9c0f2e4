import { LABEL } from '@perfkit/core';
import { formatDuration, parseDuration } from '../duration';
import type { LimitThreshold, ObjectiveThreshold } from '../thresholds';
import { humanizeDuration, humanizePercentage } from './goFormat';
import { leSpellings } from './le';
import { DURATION, camel, matchers, objectiveMatchers } from './naming';
import { GUARD_LABEL, RESOURCE_QUERIES } from './resourceMetrics';
import type { GeneratedRules } from './generateRules';
import type { AlertRule } from './types';

interface ExpAlert { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }
interface AlertTest { eval_time: string; alertname: string; exp_alerts: ExpAlert[] }
interface TestGroup { name: string; interval: string; input_series: Array<{ series: string; values: string }>; alert_rule_test: AlertTest[] }

/** A `promtool test rules` file for the generated rules: input series that must, and must not, fire each alert. */
export interface PromtoolTests {
  rule_files: string[];
  evaluation_interval: string;
  tests: TestGroup[];
}

/**
 * Writes promtool unit tests for every alert the generator made: an objective burning at 50% errors fires every
 * viable burn pair (and not its absent alert), a healthy one fires none, one with fewer events than
 * alerting.minEvents fires none, a latency bucket spelled the Prometheus 3 way (`2.0`) still fires, a missing
 * metric fires the absent alert; each limit fires past its threshold after `for:` and not below it.
 */
export function promtoolTests(gen: GeneratedRules, ruleFile: string): { objectives: PromtoolTests; limits: PromtoolTests } {
  // promtool evaluates every rule at evaluation_interval up to each group's last eval_time, so objectives (short
  // windows) and limits (long `for:`) get a file each, with an interval that fits them.
  const shortest = Math.min(...gen.windows.map((w) => w.shortSeconds));
  const step = Math.max(1, Math.min(60, Math.floor(shortest / 5)));
  const fors = gen.thresholds.limits.map((l) => parseDuration(l.for));
  const limitStep = Math.max(1, Math.min(60, Math.floor(Math.min(...fors, 300) / 5)));
  return {
    objectives: {
      rule_files: [ruleFile],
      evaluation_interval: formatDuration(step),
      tests: gen.thresholds.objectives.flatMap((o) => objectiveTests(gen, o, step)),
    },
    limits: {
      rule_files: [ruleFile],
      evaluation_interval: formatDuration(limitStep),
      tests: gen.thresholds.limits.flatMap((l) => limitTests(gen, l, limitStep)),
    },
  };
}

function expected(a: AlertRule, extra: Record<string, string>, value: string): ExpAlert {
  return {
    exp_labels: { ...extra, ...a.labels },
    exp_annotations: { ...a.annotations, description: a.annotations.description.replace(/\{\{ \$value \| \w+ \}\}/, value) },
  };
}

function objectiveTests(gen: GeneratedRules, o: ObjectiveThreshold, step: number): TestGroup[] {
  const burns = gen.alerts.filter((a) => a.source.kind === 'burn' && a.source.objective.id === o.id);
  const absent = gen.alerts.find((a) => a.source.kind === 'absent' && a.source.objective.id === o.id)!;
  const sel = objectiveMatchers(o, gen.context.selector);
  // Every window reads whatever data it has, so twice the shortest window gives each one several samples.
  const steps = Math.ceil((2 * Math.min(...gen.windows.map((w) => w.shortSeconds))) / step) + 2;
  const k = Math.max(1, Math.ceil(gen.context.minEvents / steps));
  const evalTime = formatDuration(steps * step);
  const burnName = `${camel(o.id)}BudgetBurn`;
  // Success: a bad-outcome series and a success series (the total is their sum).
  // Latency: the bucket at the threshold (fast operations) and the count of all operations.
  const series = (first: string, second: string, le?: string) => [
    o.sli === 'latency'
      ? { series: `${DURATION}_bucket{${matchers({ ...sel, [LABEL.outcome]: 'success', le: le ?? String(o.thresholdSeconds) })}}`, values: first }
      : { series: `${DURATION}_count{${matchers({ ...sel, [LABEL.outcome]: o.badOutcomes[0]! })}}`, values: first },
    { series: `${DURATION}_count{${matchers({ ...sel, [LABEL.outcome]: 'success' })}}`, values: second },
  ];
  // A bad ratio above every viable threshold, chosen so that its percentage has at most 4 digits (exact in annotations).
  const top = Math.max(0, ...burns.map((a) => (a.source.kind === 'burn' ? a.source.threshold : 0)));
  const [bad, all] = ([[1, 2], [3, 4], [7, 8], [15, 16], [1, 1]] as const).find(([n, d]) => n / d > top)!;
  const burningSeries = (le?: string) =>
    o.sli === 'latency'
      ? series(`0+${(all - bad) * k}x${steps}`, `0+${all * k}x${steps}`, le)
      : series(`0+${bad * k}x${steps}`, `0+${(all - bad) * k}x${steps}`);
  const fired = burns.map((a) => expected(a, {}, humanizePercentage(bad / all)));
  const burning = (name: string, le?: string): TestGroup => ({
    name,
    interval: formatDuration(step),
    input_series: burningSeries(le),
    alert_rule_test: [
      { eval_time: evalTime, alertname: burnName, exp_alerts: fired },
      { eval_time: evalTime, alertname: absent.alert, exp_alerts: [] },
    ],
  });
  const out: TestGroup[] = [burning(`${o.id}: ${humanizePercentage(bad / all)} bad events fire every burn-rate pair`)];
  if (o.sli === 'latency') {
    for (const spelling of leSpellings(o.thresholdSeconds!).slice(1)) {
      out.push(burning(`${o.id}: the threshold bucket spelled le="${spelling}" still matches`, spelling));
    }
  }
  const perStep = Math.ceil(10 / o.errorBudget);
  const healthy = o.sli === 'latency' ? series(`0+${perStep - 1}x${steps}`, `0+${perStep}x${steps}`) : series(`0+1x${steps}`, `0+${perStep - 1}x${steps}`);
  out.push({
    name: `${o.id}: a tenth of the error budget fires nothing`,
    interval: formatDuration(step),
    input_series: healthy,
    alert_rule_test: [{ eval_time: evalTime, alertname: burnName, exp_alerts: [] }],
  });
  if (gen.context.minEvents > 1) {
    // One event, and it is bad: a 100% error ratio on every window, but fewer events than minEvents.
    const quiet = `0x${steps - 3} 1 1 1`;
    out.push({
      name: `${o.id}: below alerting.minEvents a 100% error ratio fires nothing`,
      interval: formatDuration(step),
      input_series: o.sli === 'latency' ? series(`0x${steps}`, quiet) : series(quiet, `0x${steps}`),
      alert_rule_test: [{ eval_time: evalTime, alertname: burnName, exp_alerts: [] }],
    });
  }
  const absentFor = parseDuration(gen.context.absentFor);
  const absentSteps = Math.ceil(absentFor / step) + 2;
  out.push({
    name: `${o.id}: no series fires the absent alert after ${gen.context.absentFor}`,
    interval: formatDuration(step),
    input_series: [{ series: `up{job="unrelated"}`, values: `1x${absentSteps}` }],
    alert_rule_test: [{ eval_time: formatDuration(absentSteps * step), alertname: absent.alert, exp_alerts: [expected(absent, sel, '')] }],
  });
  return out;
}

function limitTests(gen: GeneratedRules, l: LimitThreshold, step: number): TestGroup[] {
  const alert = gen.alerts.find((a) => a.source.kind === 'limit' && a.source.limit.id === l.id)!;
  const forSeconds = parseDuration(l.for);
  const s = step;
  const steps = Math.ceil(forSeconds / s) + 3;
  const sel = { ...gen.context.selector, ...(l.guard ? { [GUARD_LABEL]: l.guard } : {}) };
  const bad = l.violatedWhen === 'above' ? (l.unit === 'ratio' ? (l.limit + 1) / 2 : l.limit * 2) : l.limit / 2;
  const good = l.violatedWhen === 'above' ? l.limit / 2 : (l.limit + 1) / 2;
  const inputs = (value: number) => limitSeries(l, sel, value, steps);
  const shown = (v: number) => (l.unit === 'ratio' ? humanizePercentage(v) : humanizeDuration(v));
  const evalTime = formatDuration(steps * s);
  const badValue = l.resource === 'guardQueueWait' ? histogramP99(l.limit) : bad;
  return [
    {
      name: `${l.id}: ${l.violatedWhen} ${l.limit} fires once it has lasted ${l.for}`,
      interval: formatDuration(s),
      input_series: inputs(bad),
      alert_rule_test: [
        // Still pending one step before `for:` has elapsed, firing after it.
        { eval_time: formatDuration(Math.max(0, forSeconds - s)), alertname: alert.alert, exp_alerts: [] },
        { eval_time: evalTime, alertname: alert.alert, exp_alerts: [expected(alert, sel, shown(badValue))] },
      ],
    },
    {
      name: `${l.id}: within the limit fires nothing`,
      interval: formatDuration(s),
      input_series: inputs(good),
      alert_rule_test: [{ eval_time: evalTime, alertname: alert.alert, exp_alerts: [] }],
    },
    ...containerTests(l, sel, alert, { bad, good, steps, step: s, evalTime, shown: shown(bad) }),
  ];
}

/**
 * For cpu and memory: a target that exports the container's utilization (it has a limit) is judged by it, not by
 * the host's. Container over its limit on a quiet host fires; a container within its limit on a busy host does not.
 */
function containerTests(
  l: LimitThreshold,
  sel: Record<string, string>,
  alert: AlertRule,
  t: { bad: number; good: number; steps: number; step: number; evalTime: string; shown: string },
): TestGroup[] {
  const q = RESOURCE_QUERIES[l.resource];
  if (!q.containerMetric) return [];
  const series = (container: number, host: number) => [
    { series: `${q.containerMetric}{${matchers(sel)}}`, values: `${Number(container.toPrecision(10))}x${t.steps}` },
    { series: `${q.metric}{${matchers(sel)}}`, values: `${Number(host.toPrecision(10))}x${t.steps}` },
  ];
  return [
    {
      name: `${l.id}: the container over its limit fires while the host is within it`,
      interval: formatDuration(t.step),
      input_series: series(t.bad, t.good),
      alert_rule_test: [{ eval_time: t.evalTime, alertname: alert.alert, exp_alerts: [expected(alert, sel, t.shown)] }],
    },
    {
      name: `${l.id}: a container within its limit fires nothing on a host over it`,
      interval: formatDuration(t.step),
      input_series: series(t.good, t.bad),
      alert_rule_test: [{ eval_time: t.evalTime, alertname: alert.alert, exp_alerts: [] }],
    },
  ];
}

/** Bounds of the test histogram for a queue-wait limit: everything lands between half and 2.5x the limit. */
function histogramBounds(limit: number): [number, number] {
  return [Number((limit / 2).toPrecision(6)), Number((limit * 2.5).toPrecision(6))];
}

/** What histogram_quantile(0.99) returns for the bad test histogram (all in the upper bucket). */
function histogramP99(limit: number): number {
  const [lo, hi] = histogramBounds(limit);
  return lo + (hi - lo) * 0.99;
}

function limitSeries(l: LimitThreshold, sel: Record<string, string>, value: number, steps: number) {
  const q = RESOURCE_QUERIES[l.resource];
  if (l.resource === 'guardQueueWait') {
    const [lo, hi] = histogramBounds(l.limit);
    const isBad = value > l.limit;
    return [
      { series: `${q.metric}_bucket{${matchers({ ...sel, le: String(lo) })}}`, values: isBad ? `0x${steps}` : `0+10x${steps}` },
      { series: `${q.metric}_bucket{${matchers({ ...sel, le: String(hi) })}}`, values: `0+10x${steps}` },
      { series: `${q.metric}_bucket{${matchers({ ...sel, le: '+Inf' })}}`, values: `0+10x${steps}` },
    ];
  }
  // diskFree reads 1 - utilization: write the utilization that leaves `value` free.
  const written = l.resource === 'diskFree' ? 1 - value : value;
  return [{ series: `${q.metric}{${matchers(sel)}}`, values: `${Number(written.toPrecision(10))}x${steps}` }];
}
