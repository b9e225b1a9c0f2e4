/*
 * Regression: a raw-PromQL objective whose error (or good) query and total query group their outer aggregation
 * differently (`sum by (code, route)` over `sum by (route)`) was accepted. The ratio `(errors) / (total)` matches
 * series on all their labels, so the error series find no total and are dropped; before the `(errors) or (0 *
 * (total))` guard that left the ratio empty, with it every total series reads as 0 errors: a broken spec looked
 * healthy, quietly. promtool shows it (below: half of all requests fail, and the old rules recorded 0). Such specs are
 * now refused where the text decides it (both queries aggregate, with groupings that differ), naming the objective,
 * both groupings and what is allowed, every problem at once; the same grouping in both still works (0.5 per route).
 */
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { promtoolTestRules } from '../../../../test/helpers/promtool';
import { errorOf } from '../errorOf';

const rate = (selector: string) => `rate(http_requests_total${selector}[{{.window}}])`;

function setup(objectives: Array<{ id: string; promql: Record<string, unknown> }>) {
  return { service: 'api', objectives };
}

function promtool(spec: unknown, tests: unknown[]) {
  const { files } = generateFiles(parseSlaSpec(spec));
  return promtoolTestRules(tests, { [OUTPUT_PATHS.rules]: files[OUTPUT_PATHS.rules]! });
}

describe('regression: promql queries grouped differently read as zero', () => {
  it('refuses an errorQuery grouped by (code, route) over a totalQuery grouped by (route), naming both groupings', () => {
    const err = errorOf(() => parseSlaSpec(setup([{
      id: 'checkout',
      promql: { target: 0.99, errorQuery: `sum by (code, route) (${rate('{code=~"5.."}')})`, totalQuery: `sum by (route) (${rate('')})` },
    }])));
    expect(err.code).toBe('PERFKIT_ERR_INVALID_SLA_SPEC');
    expect(err.problems).toHaveLength(1);
    expect(err.field).toBe('objectives[checkout].promql');
    expect(err.value).toEqual({ errorQuery: 'sum by (code, route)', totalQuery: 'sum by (route)' });
    expect(err.message).toContain('errorQuery aggregates with sum by (code, route) and totalQuery with sum by (route)');
    expect(err.message).toContain('expected the same grouping in both outer aggregations');
  });

  it('refuses sum against sum by (x), without against by, and a goodQuery, all at once', () => {
    const err = errorOf(() => parseSlaSpec(setup([
      { id: 'a', promql: { target: 0.99, errorQuery: `sum(${rate('{code="500"}')})`, totalQuery: `sum by (instance) (${rate('')})` } },
      { id: 'b', promql: { target: 0.99, goodQuery: `sum without (code) (${rate('{code="200"}')})`, totalQuery: `sum by (route) (${rate('')})` } },
      { id: 'c', promql: { target: 0.99, errorQuery: `sum without (code, pod) (${rate('{code="500"}')})`, totalQuery: `sum without (code) (${rate('')})` } },
    ])));
    expect(err.problems.map((p) => [p.field, p.value])).toEqual([
      ['objectives[a].promql', { errorQuery: 'sum', totalQuery: 'sum by (instance)' }],
      ['objectives[b].promql', { goodQuery: 'sum without (code)', totalQuery: 'sum by (route)' }],
      ['objectives[c].promql', { errorQuery: 'sum without (code, pod)', totalQuery: 'sum without (code)' }],
    ]);
    expect(err.problems[1]!.detail).toContain('zero good events');
  });

  it('reads the true error ratio per route in promtool when both queries share the grouping', () => {
    // Per route, 30 of 60 requests a minute fail: an error ratio of 30 / 60 = 0.5 on each route's series.
    const spec = setup([{
      id: 'checkout',
      promql: { target: 0.99, errorQuery: `sum by (route) (${rate('{code=~"5.."}')})`, totalQuery: `sum by (route) (${rate('')})` },
    }]);
    const own = (route: string) => `perfkit:slo_errors:ratio_rate5m{route="${route}",service="api",sli="promql",slo="checkout"}`;
    const run = promtool(spec, [{
      interval: '1m',
      input_series: [
        { series: 'http_requests_total{code="200",route="/a"}', values: '0+30x120' },
        { series: 'http_requests_total{code="500",route="/a"}', values: '0+30x120' },
        { series: 'http_requests_total{code="200",route="/b"}', values: '0+30x120' },
        { series: 'http_requests_total{code="503",route="/b"}', values: '0+30x120' },
      ],
      promql_expr_test: [{ expr: 'perfkit:slo_errors:ratio_rate5m', eval_time: '60m', exp_samples: [{ labels: own('/a'), value: 0.5 }, { labels: own('/b'), value: 0.5 }] }],
    }]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);

  it('accepts what the text cannot decide or what matches: same labels in another order, sum over avg, no outer aggregation', () => {
    // `... / 60` is no aggregation at the top: its labels depend on the series, so it is left alone (README says so).
    expect(() => parseSlaSpec(setup([
      { id: 'order', promql: { target: 0.99, errorQuery: `sum by (route, code) (${rate('{code="500"}')})`, totalQuery: `sum by (code, route) (${rate('')})` } },
      { id: 'ops', promql: { target: 0.99, errorQuery: `avg by (route) (${rate('{code="500"}')})`, totalQuery: `(sum by (route) (${rate('')}))` } },
      { id: 'none', promql: { target: 0.99, errorQuery: `sum by (route) (${rate('{code="500"}')}) / 60`, totalQuery: `sum(${rate('')}) / 60` } },
    ]))).not.toThrow();
  });
});
