/*
 * Regression: a raw-PromQL objective whose goodQuery, errorQuery or totalQuery does not parse was accepted by
 * parseSlaSpec; the spec only failed when Prometheus loaded the generated rules (`promtool check rules`, start-up).
 * Each query is now parsed with lezer-promql (`{{.window}}` read as a duration) and a syntax error (an error node in
 * the tree) is refused with the schema's other problems, naming the objective, the field, the line and column in the
 * query as written and an excerpt. promtool is the independent reading: on the same expressions its verdict must be
 * ours, but for functions added since 2.42 (promtool here is 2.42, older than the grammar, lezer-promql 0.315): limitk,
 * info, sort_by_label, double_exponential_smoothing are accepted, for specs written for Prometheus 3 (see
 * misspelt-promql-function-accepted.test.ts for function names).
 */
import { parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';
import { promtoolRuleErrors } from '../promtoolCheckRules';

const TOTAL = 'sum(rate(http_requests_total[{{.window}}]))';

function setup(objectives: Array<{ id: string; promql: Record<string, unknown> }>) {
  return { service: 'api', objectives };
}

/** The fields parseSlaSpec refuses for a spec whose errorQuery is `query` (empty when it accepts the spec). */
function refusedFields(query: string): string[] {
  try {
    parseSlaSpec(setup([{ id: 'q', promql: { target: 0.99, errorQuery: query, totalQuery: TOTAL } }]));
    return [];
  } catch (err) {
    return (err as { problems?: Array<{ field: string }> }).problems?.map((p) => p.field) ?? ['(not a SlaSpecError)'];
  }
}

describe('regression: unparsable promql query accepted', () => {
  it('refuses a query that does not parse, naming the objective, the field, the position and an excerpt, with every other problem', () => {
    const err = errorOf(() => parseSlaSpec(setup([
      // 35 characters, the closing parenthesis of sum() missing: the grammar runs out at column 36.
      { id: 'downloads', promql: { target: 0.99, errorQuery: 'sum(rate(errors_total[{{.window}}])', totalQuery: TOTAL } },
      { id: 'checkout', promql: { target: 0.99, goodQuery: 'sum(rate(ok_total[{{.window}}]))', totalQuery: 'sum(rate(requests_total{code=~"2.."[{{.window}}]))' } },
      { id: 'search', promql: { target: 1.5, errorQuery: 'sum(rate(e[{{.window}}]))\n/\n', totalQuery: TOTAL } },
    ])));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_SLA_SPEC');
    expect(err.problems.map((p) => p.field)).toEqual([
      'objectives[downloads].promql.errorQuery',
      'objectives[checkout].promql.totalQuery',
      'objectives[search].promql.target',
      'objectives[search].promql.errorQuery',
    ]);
    const [downloads, checkout, , search] = err.problems;
    expect(downloads!.value).toBe('sum(rate(errors_total[{{.window}}])');
    expect(downloads!.detail).toBe('not valid PromQL: syntax error at line 1, column 36 (the end of the query: something is missing), ' +
      'in `…rors_total[{{.window}}])⟨here⟩`; Prometheus would refuse the generated rules');
    // `{code=~"2.."` is not closed before `[`: column 36 is the `[` (the 36th character, counted by hand).
    expect(checkout!.detail).toContain('syntax error at line 1, column 36, in `…quests_total{code=~"2.."⟨here⟩[{{.window}}]))`');
    // A multi-line query: the trailing `/` lacks its right-hand side, which the grammar misses on line 3.
    expect(search!.detail).toContain('syntax error at line 3, column 1 (the end of the query: something is missing)');
    expect(err.message).toContain('objectives[downloads].promql.errorQuery = "sum(rate(errors_total[{{.window}}])": not valid PromQL');
  });

  it('gives promtool\'s verdict on valid and invalid expressions', () => {
    const cases = [
      'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
      'sum by (route) (rate(http_requests_total[{{.window}}])) / 60',
      '(sum(rate(ok_total[{{.window}}]))) or (0 * (sum(rate(req_total[{{.window}}]))))',
      'sum without (instance) (rate(x[{{.window}}] offset 5m))',
      'histogram_quantile(0.99, sum by (le) (rate(d_bucket[{{.window}}])))',
      'sum(rate(x[{{.window}}])',
      'rate(x[{{.window}}]',
      'sum(rate(x[{{.window}}])) /',
      'sum(rate(x[{{.window}}])) and',
      'sum by (a (rate(x[{{.window}}]))',
      'sum(rate(x[{{.window}}])) by (a',
      'x{code="5xx"[{{.window}}]',
      'rate(x{a=b}[{{.window}}])',
      'rate(x[{{.window}} 5 m])',
    ];
    // Ours: the query itself is not refused (a spec may still be refused for another reason, such as a grouping that
    // differs from the total's).
    const promtool = promtoolRuleErrors(cases);
    const verdicts = cases.map((q, i) => ({ q, promtool: promtool[i] === undefined, ours: !refusedFields(q).includes('objectives[q].promql.errorQuery') }));
    expect(verdicts.filter((v) => v.ours !== v.promtool)).toEqual([]);
    // Not a vacuous comparison: promtool accepts some and refuses others.
    expect(verdicts.filter((v) => v.promtool).length).toBe(5);
  });

  it('accepts functions newer than Prometheus 2.42 that the grammar knows (promtool 2.42 refuses them), and refuses names no Prometheus knows', () => {
    const newer = [
      'sum(limitk(2, rate(x[{{.window}}])))',
      'sum(limit_ratio(0.5, rate(x[{{.window}}])))',
      'sum(info(rate(x[{{.window}}])))',
      'sum(sort_by_label(rate(x[{{.window}}]), "route"))',
      'sum(double_exponential_smoothing(x[{{.window}}], 0.5, 0.5))',
      // Not in lezer-promql 0.315 either.
      'sum(some_future_fn(rate(x[{{.window}}]), 2))',
    ];
    const promtool = promtoolRuleErrors(newer);
    for (const [i, q] of newer.entries()) {
      expect({ q, promtool: promtool[i]?.includes('unknown function') }).toEqual({ q, promtool: true });
      const refused = q.includes('some_future_fn') ? ['objectives[q].promql.errorQuery'] : [];
      expect({ q, refused: refusedFields(q) }).toEqual({ q, refused });
    }
  });
});
