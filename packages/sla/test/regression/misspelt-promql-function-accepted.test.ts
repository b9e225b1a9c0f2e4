/*
 * Regression: a raw-PromQL query calling a function Prometheus does not know (`rat(x[5m])`,
 * `histogram_quantil(0.9, …)`) passed parseSlaSpec and `perfkit-sla check`: lezer-promql reads an unknown name as a
 * metric name followed by `(`, and the syntax check took any such name for a function of a later Prometheus. The spec
 * only failed when Prometheus loaded the generated rules (`promtool check rules`: unknown function with name "rat").
 * Each call is now checked against the functions and aggregations of Prometheus 2.42 (the version perfkit targets) and
 * of the grammar (a later Prometheus), and a name neither knows is refused naming the field, the query, where the name
 * is and the nearest known name. promtool 2.42 is the independent reading: its verdict must be ours on hostile
 * queries, typos and every 2.42 name; the grammar's later functions are accepted (specs for Prometheus 3), the only
 * names where ours differs from 2.42's.
 */
import { parseSlaSpec } from '@perfkit/sla';
import { checkSpec } from '../checkSpec';
import { errorOf } from '../errorOf';
import { promtoolRuleErrors } from '../promtoolCheckRules';

const TOTAL = 'sum(rate(http_requests_total[{{.window}}]))';

/** A spec with one raw-PromQL objective per error query (ids q-0, q-1, …). */
function setup(errorQueries: readonly string[]) {
  return { service: 'api', objectives: errorQueries.map((q, i) => ({ id: `q-${i}`, promql: { target: 0.99, errorQuery: q, totalQuery: TOTAL } })) };
}

/** For each error query, the detail parseSlaSpec gives for it, undefined when it refuses nothing of that query. */
function ourDetails(errorQueries: readonly string[]): Array<string | undefined> {
  let problems: Array<{ field: string; detail: string }> = [];
  try {
    parseSlaSpec(setup(errorQueries));
  } catch (err) {
    problems = (err as { problems: Array<{ field: string; detail: string }> }).problems;
  }
  return errorQueries.map((_, i) => problems.find((p) => p.field === `objectives[q-${i}].promql.errorQuery`)?.detail);
}

/** The function names a detail of ours refuses. */
const namesWeRefuse = (detail: string | undefined) => [...(detail ?? '').matchAll(/function "([^"]+)"/g)].map((m) => m[1]);
/** The function name promtool refuses, if its error is that one. */
const namePromtoolRefuses = (error: string | undefined) => /unknown function with name "([^"]+)"/.exec(error ?? '')?.[1];

describe('regression: misspelt promql function accepted', () => {
  it('refuses the spec in perfkit-sla check, naming the key, the value and the nearest function', () => {
    const { code, err } = checkSpec([
      'service: api',
      'objectives:',
      '  - id: checkout',
      '    promql:',
      '      target: 0.99',
      '      errorQuery: sum(rat(http_requests_total{code=~"5.."}[{{.window}}]))',
      `      totalQuery: ${TOTAL}`,
    ]);
    expect(code).toBe(1);
    // Column 5: `sum(` is four characters (by hand); `rat` is one edit from both `rad` and `rate`, which keeps its start.
    expect(err.join('\n')).toContain(
      'objectives[checkout].promql.errorQuery = "sum(rat(http_requests_total{code=~\\"5..\\"}[{{.window}}]))": ' +
        'unknown function "rat" at line 1, column 5, in `sum(⟨here⟩rat(http_request…`; did you mean "rate"?; Prometheus would refuse the generated rules',
    );
  });

  it('refuses each misspelt query with the spec\'s other problems, where promtool refuses the same name', () => {
    const queries = [
      'sum(rat(x[{{.window}}]))',
      'histogram_quantil(0.9, sum by (le) (rate(d_bucket[{{.window}}])))',
      'sum(rate(x[{{.window}}]))\n/\nsum(Rate(y[{{.window}}]))',
    ];
    const err = errorOf(() => parseSlaSpec({ ...setup(queries), window: 'soon' }));
    expect(err.problems.map((p) => p.field)).toEqual(['window', 'objectives[q-0].promql.errorQuery', 'objectives[q-1].promql.errorQuery', 'objectives[q-2].promql.errorQuery']);
    expect(err.problems[2]!.detail).toBe('unknown function "histogram_quantil" at line 1, column 1, in `⟨here⟩histogram_quanti…`; ' +
      'did you mean "histogram_quantile"?; Prometheus would refuse the generated rules');
    // Function names are case-sensitive in Prometheus: `Rate` on line 3, after `sum(`.
    expect(err.problems[3]!.detail).toContain('unknown function "Rate" at line 3, column 5');
    expect(err.problems[3]!.detail).toContain('did you mean "rate"?');
    expect(promtoolRuleErrors(queries).map(namePromtoolRefuses)).toEqual(['rat', 'histogram_quantil', 'Rate']);
  });

  it('gives promtool\'s verdict on hostile queries: names that read like functions but are not calls, nested and later calls', () => {
    const cases = [
      'sum(rate(x[{{.window}}]))',
      // A metric literally named rate, a label named rate, grouping and matching on labels named like functions.
      'sum(rate) + sum(rate(rate[{{.window}}]))',
      'sum by (rate) (rate(x{rate="a"}[{{.window}}]))',
      'sum by (rat, histogram_quantil) (rate(x[{{.window}}])) * on (rat) group_left (irat) sum by (rat) (rate(y[{{.window}}]))',
      'sum(rate(x{rat="rat(x)", histogram_quantil=~"rate(.*)"}[{{.window}}]))',
      'label_replace(rate(x[{{.window}}]), "dst", "rat($1)", "src", "(.*)")',
      'SUM(rate(x[{{.window}}] @ end()))',
      'holt_winters(x[{{.window}}], 0.5, 0.5)',
      'rate # a comment\n  (x[{{.window}}])',
      // Calls Prometheus 2.42 does not know: nested, behind a comment, upper case, one letter, of a later Prometheus.
      'clamp_min(sum(abs(irat(x[{{.window}}]))), 1)',
      'sum(rate(x[{{.window}}])) / histogram_quantil(0.9, sum by (le) (rate(d_bucket[{{.window}}])))',
      'rat # a comment\n  (x[{{.window}}])',
      'RATE(x[{{.window}}])',
      'f(x[{{.window}}])',
      'sum(limitk(2, rate(x[{{.window}}])))',
      'sum(histogram_avg(rate(x[{{.window}}])))',
      'sum(double_exponential_smoothing(x[{{.window}}], 0.5, 0.5))',
      // A recording rule's name is never a function: a syntax error in both.
      'job:rate(x[{{.window}}])',
    ];
    const promtool = promtoolRuleErrors(cases);
    const ours = ourDetails(cases);
    const verdicts = cases.map((q, i) => ({
      q,
      promtool: promtool[i] === undefined ? 'accepts' : `refuses ${namePromtoolRefuses(promtool[i]) ?? 'the syntax'}`,
      ours: ours[i] === undefined ? 'accepts' : `refuses ${namesWeRefuse(ours[i])[0] ?? 'the syntax'}`,
    }));
    // Functions of a later Prometheus are accepted (a spec for Prometheus 3), the only verdicts unlike promtool 2.42's.
    const later = ['refuses limitk', 'refuses histogram_avg', 'refuses double_exponential_smoothing'];
    expect(verdicts.filter((v) => v.ours !== v.promtool)).toEqual(verdicts.filter((v) => later.includes(v.promtool)).map((v) => ({ ...v, ours: 'accepts' })));
    expect(verdicts.map((v) => v.promtool)).toEqual([
      ...Array(9).fill('accepts'),
      'refuses irat', 'refuses histogram_quantil', 'refuses rat', 'refuses RATE', 'refuses f', ...later, 'refuses the syntax',
    ]);
  });

  it('knows the functions of Prometheus 2.42, as promtool 2.42 does, of every name lezer-promql\'s grammar calls a function', () => {
    // lezer-promql 0.315's function names and aggregation operators (its grammar's tables, copied by hand), the
    // function it dropped (holt_winters) and typos.
    const names = [
      'absent_over_time', 'absent', 'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes', 'clamp',
      'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'deg',
      'delta', 'deriv', 'exp', 'first_over_time', 'floor', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
      'histogram_quantiles', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'histogram_avg', 'double_exponential_smoothing',
      'hour', 'idelta', 'increase', 'info', 'irate', 'label_replace', 'label_join', 'last_over_time', 'ln', 'log10', 'log2',
      'mad_over_time', 'max_over_time', 'min_over_time', 'ts_of_first_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time',
      'ts_of_last_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets',
      'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc', 'start_timestamp', 'range',
      'step', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'timestamp', 'time', 'vector', 'year',
      'min_of', 'max_of',
      'avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'limitk', 'limit_ratio', 'stddev', 'stdvar', 'sum', 'topk',
      'holt_winters', 'rat', 'sun', 'tpok', 'histogram_quantil', 'absentovertime',
    ];
    const queries = names.map((n) => `${n}(x[{{.window}}])`);
    const promtoolKnows = promtoolRuleErrors(queries).map((e) => namePromtoolRefuses(e) === undefined);
    const weKnow = ourDetails(queries).map((d) => namesWeRefuse(d).length === 0);
    // We also know the grammar's later functions (accepted for Prometheus 3), which promtool 2.42 refuses; every
    // typo and every 2.42 name gets promtool's verdict.
    expect(names.filter((_, i) => promtoolKnows[i] !== weKnow[i])).toEqual([
      'first_over_time', 'histogram_quantiles', 'histogram_stddev', 'histogram_stdvar', 'histogram_avg', 'double_exponential_smoothing', 'info',
      'mad_over_time', 'ts_of_first_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time', 'ts_of_last_over_time', 'sort_by_label',
      'sort_by_label_desc', 'start_timestamp', 'range', 'step', 'limitk', 'limit_ratio',
    ]);
    // Not vacuous: 70 functions and 12 aggregations of Prometheus 2.42 are among them, and 25 names it refuses.
    expect(promtoolKnows.filter(Boolean)).toHaveLength(82);
  });
});
