/*
 * Regression: a raw-PromQL query passed the schema when it held the text `{{.window}}` anywhere, so one whose only
 * placeholder was in a comment (`sum(rate(x[5m])) # {{.window}}`), a label value, a string or an `offset` was accepted
 * with a fixed range: the generator replaced the placeholder where it stood and every burn window read the same 5m
 * rate (perfkit:slo_errors:ratio_rate1h, …rate6h and …rate3d all `rate(x[5m])`): a 3-day "burn" that is a
 * 5-minute blip, pages on noise and a budget computed from 5 minutes. One run together with a digit
 * (`[1{{.window}}]`) made each window another (11h for 1h, 13d for 3d). The grammar now has to read a placeholder as
 * a whole range (of a range selector, or a subquery's range) for the query to pass. The generated rules are the independent
 * reading: for every accepted query each window's ratio is its own expression.
 */
import { generateRules, parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const TOTAL = 'sum(rate(requests_total[{{.window}}]))';

function setup(errorQuery: string) {
  return { service: 'api', objectives: [{ id: 'q', promql: { target: 0.99, errorQuery, totalQuery: TOTAL } }] };
}

const NOT_A_RANGE =
  'expected {{.window}} alone as a range, in the brackets after a selector or a subquery (rate(x[{{.window}}])); ' +
  'anywhere else (a comment, a string, a label value, an offset, next to other digits or units) the burn windows do not read their own ranges';

describe('regression: window placeholder outside a range accepted', () => {
  it.each([
    ['in a comment', 'sum(rate(errors_total[5m])) # {{.window}}'],
    ['in a label value', 'sum(rate(errors_total{w="{{.window}}"}[5m]))'],
    ['in a string argument', 'label_replace(sum(rate(errors_total[5m])), "w", "{{.window}}", "", "")'],
    ['as an offset', 'sum(rate(errors_total[5m] offset {{.window}}))'],
    ['as a subquery step', 'sum(rate(errors_total[1h:{{.window}}]))'],
    // `15m` to the grammar, and 11h, 16h, 11d, 13d in the rules: ranges, but not the windows'.
    ['run together with a digit', 'sum(rate(errors_total[1{{.window}}]))'],
    ['run together with a unit', 'sum(rate(errors_total[{{.window}}30s]))'],
  ])('refuses a query whose only placeholder is %s, naming the field', (_, errorQuery) => {
    const err = errorOf(() => parseSlaSpec(setup(errorQuery)));
    expect(err.problems.map((p) => [p.field, p.value, p.detail])).toEqual([['objectives[q].promql.errorQuery', errorQuery, NOT_A_RANGE]]);
  });

  it.each([
    ['a range', 'sum(rate(errors_total[{{.window}}]))'],
    ['a range with an offset after it', 'sum(rate(errors_total[{{.window}}] offset 1m))'],
    ['a subquery range', 'max_over_time(sum(rate(errors_total[1m]))[{{.window}}:1m])'],
    ['a range, and in a label value too', 'sum(rate(errors_total{w="{{.window}}"}[{{.window}}]))'],
  ])('accepts a query with the placeholder as %s, and each window\'s ratio is its own', (_, errorQuery) => {
    const gen = generateRules(parseSlaSpec(setup(errorQuery)));
    const ratios = gen.groups.flatMap((g) => g.rules).filter((r) => 'record' in r && r.record.startsWith('perfkit:slo_errors:ratio_rate'));
    // The standard catalogue at 30d reads 5m, 30m, 1h, 2h, 6h, 1d and 3d: seven windows, seven different expressions.
    expect(ratios).toHaveLength(7);
    expect(new Set(ratios.map((r) => r.expr)).size).toBe(7);
  });
});
