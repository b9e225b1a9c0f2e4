import { LABEL } from '@perfkit/core';
import { leMatcher } from './le';
import { DURATION, RECORD, atWindow, matchers, num, objectiveLabels, objectiveMatchers, type RuleObjective } from './naming';
import type { RecordingRule } from './types';

/**
 * Recording rules of one objective for each window: the request rate (for the minimum-traffic guard), the error
 * ratio that burn-rate alerts compare, and for latency objectives the good ratio (share within the threshold,
 * read from the exact bucket at the threshold). Plus the objective and its error budget as constant series.
 * A raw-PromQL objective gets its own queries with the window set in place of `{{.window}}`; its good or error
 * query counts as 0 where it returns nothing while the total query has series.
 */
export function objectiveRecordingRules(
  service: string,
  o: RuleObjective,
  selector: Record<string, string>,
  windows: ReadonlyArray<{ text: string }>,
): RecordingRule[] {
  const labels = objectiveLabels(service, o);
  const own = matchers(labels);
  const rules: RecordingRule[] = [];
  for (const w of windows) {
    if (o.sli === 'promql') {
      const total = `(${atWindow(o.totalQuery, w.text)})`;
      rules.push({ record: RECORD.requests + w.text, expr: total, labels });
      const errors =
        o.errorQuery !== undefined
          ? `${orZero(o.errorQuery, o.totalQuery, w.text)}\n/\n${total}`
          : `1 - (\n${orZero(o.goodQuery!, o.totalQuery, w.text)}\n/\n${total}\n)`;
      rules.push({ record: RECORD.errors + w.text, expr: errors, labels });
      continue;
    }
    const sel = matchers(objectiveMatchers(o, selector));
    const total = `sum(rate(${DURATION}_count{${sel}}[${w.text}]))`;
    rules.push({ record: RECORD.requests + w.text, expr: total, labels });
    if (o.sli === 'latency') {
      const good = `sum(rate(${DURATION}_bucket{${sel},${leMatcher(o.thresholdSeconds!)}}[${w.text}]))`;
      rules.push({ record: RECORD.latencyGood + w.text, expr: `${good}\n/\n${total}`, labels });
      rules.push({ record: RECORD.errors + w.text, expr: `1 - ${RECORD.latencyGood}${w.text}{${own}}`, labels });
    } else {
      const bad = `${LABEL.outcome}=~"${o.badOutcomes.join('|')}"`;
      // `or vector(0)`: before the first failure there is no failure series; the ratio is 0, not missing.
      const errors = `(sum(rate(${DURATION}_count{${sel},${bad}}[${w.text}])) or vector(0))`;
      rules.push({ record: RECORD.errors + w.text, expr: `${errors}\n/\n${total}`, labels });
    }
  }
  rules.push({ record: RECORD.objective, expr: `vector(${num(o.target)})`, labels });
  rules.push({ record: RECORD.errorBudget, expr: `vector(${num(o.errorBudget)})`, labels });
  return rules;
}

/**
 * The error budget over the whole SLO window, cheaply: every `interval` the group records the events and bad
 * events of that interval (one sample per interval, however often Prometheus scrapes), and the period's error
 * ratio sums those samples over the window — `window / interval` points per series (8640 at 30d/5m) instead of
 * a `rate()` over every raw sample of every bucket series for 30 days. The group runs at `interval`.
 */
export function budgetRecordingRules(
  service: string,
  o: RuleObjective,
  selector: Record<string, string>,
  interval: { text: string; seconds: number },
  window: string,
): RecordingRule[] {
  const labels = objectiveLabels(service, o);
  const own = matchers(labels);
  const i = interval.text;
  let events: string;
  let bad: string;
  if (o.sli === 'promql') {
    // The queries are rates (or sums) over the range; times the interval, they count the interval's events.
    events = `(${atWindow(o.totalQuery, i)}) * ${interval.seconds}`;
    bad =
      o.errorQuery !== undefined
        ? `${orZero(o.errorQuery, o.totalQuery, i)} * ${interval.seconds}`
        : `((${atWindow(o.totalQuery, i)}) - ${orZero(o.goodQuery!, o.totalQuery, i)}) * ${interval.seconds}`;
  } else {
    const sel = matchers(objectiveMatchers(o, selector));
    events = `sum(increase(${DURATION}_count{${sel}}[${i}]))`;
    bad =
      o.sli === 'latency'
        ? `${events} - (sum(increase(${DURATION}_bucket{${sel},${leMatcher(o.thresholdSeconds!)}}[${i}])) or vector(0))`
        : `sum(increase(${DURATION}_count{${sel},${LABEL.outcome}=~"${o.badOutcomes.join('|')}"}[${i}])) or vector(0)`;
  }
  return [
    { record: RECORD.events + i, expr: events, labels },
    { record: RECORD.badEvents + i, expr: bad, labels },
    {
      record: RECORD.periodErrors,
      expr: `sum_over_time(${RECORD.badEvents}${i}{${own}}[${window}])\n/\nsum_over_time(${RECORD.events}${i}{${own}}[${window}])`,
      labels,
    },
    { record: RECORD.budgetRemaining, expr: `1 - ${RECORD.periodErrors}{${own}} / ${num(o.errorBudget)}`, labels },
  ];
}

/**
 * A good- or error-events query that reads 0 where it returns nothing but the total query has series. A success
 * counter that was never incremented (or vanished) in a total outage would otherwise leave `1 - good / total` empty,
 * and the objective silent while every request fails; an error counter (or a `code=~"5.."` selector) with no series
 * before the first error would leave the error ratio and the whole budget empty exactly while it is intact. `0 * total`
 * keeps the total's labels (unlike `vector(0)`, which only matches an unlabelled total), and with no traffic there is
 * no total, so nothing is added (a flat total divides 0 by 0: NaN, which no threshold exceeds).
 */
function orZero(query: string, totalQuery: string, window: string): string {
  return `((${atWindow(query, window)}) or (0 * (${atWindow(totalQuery, window)})))`;
}
