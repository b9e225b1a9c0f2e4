import { LABEL } from '@perfkit/core';
import { formatDuration, parseDuration } from '../duration';
import type { LimitThreshold } from '../thresholds';
import { humanizeDuration, humanizePercentage } from './goFormat';
import { leSpellings } from './le';
import { DURATION, RECORD, matchers, objectiveLabels, objectiveMatchers, type RuleObjective } from './naming';
import { renderAlertTemplate } from './alertTemplate';
import { burnAlertName, factorText } from './alertRules';
import { clearOfThresholds, countsOf, firingAt, holds, niceShare, onsetScenario, seriesValues, windowRatio, type Counts, type PairThreshold, type Phase } from './burnScenarios';
import { distinctWindows, type BurnWindow } from './windows';
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
 * Writes promtool unit tests for every alert the generator made. Burn-rate alerts: a steady error ratio just above
 * and just below every pair's threshold (so both sides of every factor, page against ticket, and the slow burn
 * that only the 1x pair sees), a burn shaped for each page pair's long window (it fires; one short window of
 * recovery stops it while the long window still burns), fewer events than alerting.minEvents, a latency bucket
 * spelled the Prometheus 3 way (`2.0`), and a missing metric for the absent alert. Expected verdicts come from a
 * plain model of the scenario's counters (bad over total increments per window), never from the rules. Each
 * limit fires past its threshold after `for:` and not below it.
 *
 * promtool evaluates every rule at evaluation_interval up to each group's last eval_time, so the fast windows,
 * the slower page pairs (a coarser step: hours of data) and the limits (long `for:`) get a file each.
 */
export function promtoolTests(gen: GeneratedRules, ruleFile: string): { objectives: PromtoolTests; windows: PromtoolTests; limits: PromtoolTests } {
  const step = testStep(gen);
  const slowStep = slowPairStep(gen, step);
  const fors = gen.thresholds.limits.map((l) => parseDuration(l.for));
  const limitStep = Math.max(1, Math.min(60, Math.floor(Math.min(...fors, 300) / 5)));
  return {
    objectives: {
      rule_files: [ruleFile],
      evaluation_interval: formatDuration(step),
      tests: gen.objectives.flatMap((o) => objectiveTests(gen, o, step, (p) => slowStep === step || p.window.shortSeconds < 5 * slowStep)),
    },
    windows: {
      rule_files: [ruleFile],
      evaluation_interval: formatDuration(slowStep),
      tests: gen.objectives.flatMap((o) => onsetTests(gen, o, slowStep, (p) => p.window.shortSeconds >= 5 * slowStep && slowStep > step)),
    },
    limits: {
      rule_files: [ruleFile],
      evaluation_interval: formatDuration(limitStep),
      tests: gen.thresholds.limits.flatMap((l) => limitTests(gen, l, limitStep)),
    },
  };
}

/** The step of the slower page pairs' scenarios: a fifth of the shortest short window among them (or `step`). */
function slowPairStep(gen: GeneratedRules, step: number): number {
  const shorts = gen.windows.filter((w) => w.severity === 'page' && w.shortSeconds >= 25 * step).map((w) => w.shortSeconds);
  return shorts.length ? divisorAtMost(gen.context.budgetIntervalSeconds, Math.floor(Math.min(...shorts) / 5)) : step;
}

/** The sample and evaluation step of the objective tests: a fifth of the shortest window, at most a minute. */
function testStep(gen: GeneratedRules): number {
  const shortest = Math.min(...gen.windows.map((w) => w.shortSeconds));
  return divisorAtMost(gen.context.budgetIntervalSeconds, Math.min(60, Math.floor(shortest / 5)));
}

/**
 * The largest whole number of seconds at most `max` that divides `of`: promtool misplaces alert checks when a rule
 * group's own `interval` (the budget group's) is not a multiple of the file's evaluation_interval.
 */
function divisorAtMost(of: number, max: number): number {
  for (let d = Math.max(1, Math.floor(max)); d > 1; d--) if (of % d === 0) return d;
  return 1;
}

/**
 * What the alert shows once Prometheus has expanded its labels and annotations, the spec's own templates included
 * (`{{ $labels.slo }}`; see {@link renderAlertTemplate}); `sample` is the firing sample's labels, `value` its value.
 * `undefined` when a label or annotation holds a template whose text cannot be predicted.
 */
function expected(a: AlertRule, extra: Record<string, string>, value: number | undefined, sample: Record<string, string>): ExpAlert | undefined {
  const data = { labels: sample, ...(value !== undefined ? { value } : {}) };
  const rendered = (m: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) {
      const text = renderAlertTemplate(v, data);
      if (text === undefined) return undefined;
      out[k] = text;
    }
    return out;
  };
  const labels = rendered(a.labels);
  const annotations = rendered(a.annotations);
  return labels && annotations ? { exp_labels: { ...extra, ...labels }, exp_annotations: annotations } : undefined;
}

/** The labels of the sample a burn-rate alert fires on: its short window's recorded error ratio (name included). */
function burnSample(gen: GeneratedRules, a: AlertRule): Record<string, string> {
  const src = a.source as { objective: RuleObjective; window: BurnWindow };
  return { __name__: `${RECORD.errors}${src.window.short}`, ...objectiveLabels(gen.context.service, src.objective) };
}

/** A scenario's input series for one objective: the counters its recording rules read, or (raw PromQL) the recorded ratios. */
function scenarioInputs(gen: GeneratedRules, o: RuleObjective, phases: readonly Phase[], step: number, le?: string) {
  if (o.sli === 'promql') throw new Error('raw-PromQL objectives get injected ratios, not counters');
  const sel = objectiveMatchers(o, gen.context.selector);
  const bad = (p: Phase) => Math.round(p.events * p.badShare);
  const total = { series: `${DURATION}_count{${matchers({ ...sel, [LABEL.outcome]: 'success' })}}`, values: seriesValues(phases, (p) => (o.sli === 'latency' ? p.events : p.events - bad(p))) };
  void step;
  if (o.sli === 'latency') {
    return [{ series: `${DURATION}_bucket{${matchers({ ...sel, [LABEL.outcome]: 'success', le: le ?? String(o.thresholdSeconds) })}}`, values: seriesValues(phases, (p) => p.events - bad(p)) }, total];
  }
  return [{ series: `${DURATION}_count{${matchers({ ...sel, [LABEL.outcome]: o.badOutcomes[0]! })}}`, values: seriesValues(phases, bad) }, total];
}

/**
 * For a raw-PromQL objective (whose queries the generator cannot feed), the recorded error ratios themselves,
 * constant at what each window reads at `at` in the scenario: the alerts are then tested on the same numbers.
 */
function injectedRatios(gen: GeneratedRules, o: RuleObjective, c: Counts, at: number, step: number, steps: number) {
  const labels = matchers(objectiveLabels(gen.context.service, o));
  return distinctWindows(gen.windows).map((w) => ({
    series: `${RECORD.errors}${w.text}{${labels}}`,
    values: `${Number(windowRatio(c, at, w.seconds, step).ratio.toPrecision(12))}x${steps}`,
  }));
}

/** What every scenario of one objective shares: its pairs and a function that turns a scenario into a test group. */
function scenarioBuilder(gen: GeneratedRules, o: RuleObjective, step: number) {
  const burns = gen.alerts.filter((a) => a.source.kind === 'burn' && a.source.objective.id === o.id);
  const absent = gen.alerts.find((a) => a.source.kind === 'absent' && a.source.objective.id === o.id)!;
  const burnName = burnAlertName(o);
  const pairs: PairThreshold[] = burns.map((a) => {
    const src = a.source as { window: BurnWindow; threshold: number };
    return { window: src.window, threshold: src.threshold, forSeconds: a.for ? parseDuration(a.for) : 0 };
  });
  const alertOf = new Map(pairs.map((p, i) => [p, burns[i]!]));
  const interval = formatDuration(step);
  const events = 1_000_000;
  const out: TestGroup[] = [];
  // The exact value each firing alert reports is its short window's ratio, which must lie inside one phase.
  const check = (c: Counts, at: number): AlertTest | undefined => {
    const firing = firingAt(c, at, pairs, step);
    if (!clearOfThresholds(c, at, pairs, step)) return undefined;
    const values = firing.map((p) => windowRatio(c, at, p.window.shortSeconds, step));
    if (values.some((v) => !v.exact)) return undefined;
    const test = {
      eval_time: formatDuration(at * step),
      alertname: burnName,
      exp_alerts: firing.map((p, i) => expected(alertOf.get(p)!, {}, values[i]!.ratio, burnSample(gen, alertOf.get(p)!))),
    };
    // A spec template whose text cannot be predicted: this check cannot be written, so the scenario is left out.
    if (test.exp_alerts.some((e) => e === undefined)) return undefined;
    return test as AlertTest;
  };
  const group = (name: string, phases: Phase[], ats: number[], le?: string): void => {
    const c = countsOf(phases);
    const tests = ats.map((at) => check(c, at));
    if (tests.some((t) => t === undefined)) return;
    if (o.sli !== 'promql') {
      out.push({ name, interval, input_series: scenarioInputs(gen, o, phases, step, le), alert_rule_test: tests as AlertTest[] });
      return;
    }
    // Raw PromQL: one group per check, the recorded ratios held at what the scenario reads then (long enough
    // for any `for:`), so the alerts see exactly those numbers.
    ats.forEach((at) => {
      const hold = Math.ceil(Math.max(0, ...pairs.map((p) => p.forSeconds)) / step) + 2;
      const firing = pairs.filter((p) => holds(c, at, p, step));
      const exp = firing.map((p) => expected(alertOf.get(p)!, {}, Number(windowRatio(c, at, p.window.shortSeconds, step).ratio.toPrecision(12)), burnSample(gen, alertOf.get(p)!)));
      if (exp.some((e) => e === undefined)) return;
      out.push({
        name: `${name} (recorded ratios at ${formatDuration(at * step)})`,
        interval,
        input_series: injectedRatios(gen, o, c, at, step, hold),
        alert_rule_test: [{
          eval_time: formatDuration(hold * step),
          alertname: burnName,
          exp_alerts: exp as ExpAlert[],
        }],
      });
    });
  };

  return { pairs, group, out, burnName, absent, events, interval };
}

/**
 * Window shape: a burn that this page pair's long window sees in full fires it (slower pairs' long windows are
 * diluted by a heavy healthy prefix), and one short window back to healthy stops it while the long window burns.
 */
function onsetTests(gen: GeneratedRules, o: RuleObjective, step: number, which: (p: PairThreshold) => boolean): TestGroup[] {
  const { pairs, group, out, events } = scenarioBuilder(gen, o, step);
  for (const p of pairs.filter((x) => x.window.severity === 'page' && which(x))) {
    const sc = onsetScenario(p, step, events);
    group(`${o.id}: a burn over ${p.window.long} fires the ${factorText(p.window.factor)}x ${p.window.severity} pair, and ${p.window.short} of recovery stops it`, sc.phases, [sc.burnEnd, sc.end]);
  }
  return out;
}

function objectiveTests(gen: GeneratedRules, o: RuleObjective, step: number, onsetPairs: (p: PairThreshold) => boolean): TestGroup[] {
  const { pairs, group, out, burnName, absent, events, interval } = scenarioBuilder(gen, o, step);
  // Both sides of every threshold at a steady error ratio: page against ticket, and the slow burn (only 1x).
  const longestFor = Math.max(0, ...pairs.map((p) => p.forSeconds));
  const minShort = Math.min(...gen.windows.map((w) => w.shortSeconds));
  const steadySteps = Math.ceil((2 * minShort) / step) + Math.ceil(longestFor / step) + 2;
  const shares = new Map<number, string>();
  for (const p of pairs) {
    const what = `the ${factorText(p.window.factor)}x ${p.window.severity} threshold (${humanizePercentage(p.threshold)} over ${p.window.long}/${p.window.short})`;
    shares.set(niceShare(Math.min(1.25 * p.threshold, (p.threshold + 1) / 2)), `just above ${what}`);
    shares.set(niceShare(0.8 * p.threshold), `just below ${what}`);
  }
  let firstAbove: number | undefined;
  for (const [share, why] of [...shares].sort((a, b) => b[0] - a[0])) {
    firstAbove ??= share;
    const c = countsOf([{ steps: steadySteps, events, badShare: share }]);
    const firing = firingAt(c, steadySteps, pairs, step).map((p) => `${factorText(p.window.factor)}x ${p.window.severity}`);
    group(`${o.id}: a steady ${humanizePercentage(share)} error ratio, ${why}, fires ${firing.length ? firing.join(', ') : 'nothing'}`, [{ steps: steadySteps, events, badShare: share }], [steadySteps]);
  }
  if (o.sli === 'latency' && firstAbove !== undefined) {
    for (const spelling of leSpellings(o.thresholdSeconds!).slice(1)) {
      group(`${o.id}: the threshold bucket spelled le="${spelling}" still matches`, [{ steps: steadySteps, events, badShare: firstAbove }], [steadySteps], spelling);
    }
  }
  out.push(...onsetTests(gen, o, step, onsetPairs));
  if (o.sli === 'promql') {
    out.push(...absentTest(gen, o, absent, step, {}));
    return out;
  }
  const evalTime = formatDuration(steadySteps * step);
  if (gen.context.minEvents > 1) {
    // One event, and it is bad: a 100% error ratio on every window, but fewer events than minEvents.
    const quiet = `0x${steadySteps - 3} 1 1 1`;
    const sel = objectiveMatchers(o, gen.context.selector);
    const bucket = `${DURATION}_bucket{${matchers({ ...sel, [LABEL.outcome]: 'success', le: String(o.thresholdSeconds) })}}`;
    const count = (outcome: string) => `${DURATION}_count{${matchers({ ...sel, [LABEL.outcome]: outcome })}}`;
    out.push({
      name: `${o.id}: below alerting.minEvents a 100% error ratio fires nothing`,
      interval,
      input_series:
        o.sli === 'latency'
          ? [{ series: bucket, values: `0x${steadySteps}` }, { series: count('success'), values: quiet }]
          : [{ series: count(o.badOutcomes[0]!), values: quiet }, { series: count('success'), values: `0x${steadySteps}` }],
      alert_rule_test: [
        { eval_time: evalTime, alertname: burnName, exp_alerts: [] },
        { eval_time: evalTime, alertname: absent.alert, exp_alerts: [] },
      ],
    });
  }
  out.push(...absentTest(gen, o, absent, step, objectiveMatchers(o, gen.context.selector)));
  return out;
}

function absentTest(gen: GeneratedRules, o: RuleObjective, absent: AlertRule, step: number, labels: Record<string, string>): TestGroup[] {
  const absentFor = parseDuration(gen.context.absentFor);
  const absentSteps = Math.ceil(absentFor / step) + 2;
  // absent() returns the equality matchers of its selector as labels, and 1.
  const exp = expected(absent, labels, 1, labels);
  if (!exp) return [];
  return [{
    name: `${o.id}: no series fires the absent alert after ${gen.context.absentFor}`,
    interval: formatDuration(step),
    input_series: [{ series: `up{job="unrelated"}`, values: `1x${absentSteps}` }],
    alert_rule_test: [{ eval_time: formatDuration(absentSteps * step), alertname: absent.alert, exp_alerts: [exp] }],
  }];
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
        { eval_time: evalTime, alertname: alert.alert, exp_alerts: [expected(alert, sel, badValue, sel)!] },
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
      alert_rule_test: [{ eval_time: t.evalTime, alertname: alert.alert, exp_alerts: [expected(alert, sel, t.bad, sel)!] }],
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
