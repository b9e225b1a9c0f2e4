import { LABEL } from '@perfkit/core';
import type { ObjectiveThreshold } from '../thresholds';
import { leMatcher } from './le';
import { DURATION, RECORD, matchers, num, objectiveLabels, objectiveMatchers } from './naming';
import type { RecordingRule } from './types';

/**
 * Recording rules of one objective for each window: the request rate (for the minimum-traffic guard), the error
 * ratio that burn-rate alerts compare, and for latency objectives the good ratio (share within the threshold,
 * read from the exact bucket at the threshold). Plus the objective and its error budget as constant series.
 */
export function objectiveRecordingRules(
  service: string,
  o: ObjectiveThreshold,
  selector: Record<string, string>,
  windows: ReadonlyArray<{ text: string }>,
): RecordingRule[] {
  const labels = objectiveLabels(service, o);
  const sel = matchers(objectiveMatchers(o, selector));
  const own = matchers(labels);
  const rules: RecordingRule[] = [];
  for (const w of windows) {
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
