import { promtoolTestRules } from '../helpers/promtool';
import { loadDashboards, substitute, TEST_VARIABLES } from './dashboardQueries';

/**
 * The duration quantiles summed the buckets of every operation of a type (`sum by (le, operation_type)`), but a view
 * may give one operation name buckets of its own (docs/metrics.md: "An operation that a view gives buckets of its own
 * keeps its series in its own buckets"), and buckets of different layouts do not add up: the `le="1"` bucket of the
 * type's layout does not count the operations of the named one. With `fast` on its own buckets (10, 50, 100 ms) and
 * `slow` on the type's (1, 5, 10 s), the overview's "Slowest p95" and the operations dashboard's p95 read 10 s, the
 * top bucket's bound, where no operation's p95 is above 4.8 s. The quantiles are now taken per operation (type and
 * name), as Prometheus needs: one bucket layout per quantile.
 *
 * Hand-computed, per minute: `fast` 100 operations in (0.01, 0.05] s, p95 = 0.01 + 0.04 × 95/100 = 0.048 s; `slow`
 * 10 operations in (1, 5] s, p95 = 1 + 4 × 9.5/10 = 4.8 s.
 */
const OP = 'job="model-service",instance="host-a:9464",operation_type="download",operation_outcome="success"';
const bucketSeries = (name: string, buckets: ReadonlyArray<readonly [string, number]>) =>
  buckets.map(([le, perMinute]) => ({
    series: `perfkit_operation_duration_seconds_bucket{${OP},operation_name="${name}",le="${le}"}`,
    values: `0+${perMinute}x10`,
  }));
const SERIES = [
  ...bucketSeries('fast', [['0.01', 0], ['0.05', 100], ['0.1', 100], ['+Inf', 100]]),
  ...bucketSeries('slow', [['1', 0], ['5', 10], ['10', 10], ['+Inf', 10]]),
];

/** The queries of a panel, from the committed JSON. */
function targets(dashboard: string, title: string): string[] {
  type P = { title: string; panels?: P[]; targets?: Array<{ expr: string }> };
  const find = (panels: P[]): P | undefined => panels.map((p) => (p.title === title && p.targets ? p : find(p.panels ?? []))).find(Boolean);
  const panel = find(loadDashboards()[dashboard]!.panels as P[]);
  if (!panel) throw new Error(`${dashboard}: no panel "${title}"`);
  return panel.targets!.map((t) => substitute(t.expr, { ...TEST_VARIABLES, __rate_interval: '5m' }));
}

/** promtool's verdict on each `expr` (aggregated to one value) at 10m over SERIES, to the millisecond. */
function promtool(tests: ReadonlyArray<{ expr: string; value: number }>): { ok: boolean; output: string } {
  return promtoolTestRules([{
    interval: '1m',
    input_series: SERIES,
    // In milliseconds, rounded: the interpolation's last bits (4.800000000000001) are no part of the claim.
    promql_expr_test: tests.map((t) => ({ expr: `round(1000 * ${t.expr})`, eval_time: '10m', exp_samples: [{ labels: '{}', value: Math.round(1000 * t.value) }] })),
  }]);
}

describe('duration quantiles mix bucket layouts', () => {
  it("reads the slowest operation's own p95 on the overview, not the top bucket bound of mixed layouts", () => {
    const [expr] = targets('perfkit-overview.json', 'Slowest p95');
    const run = promtool([{ expr: expr!, value: 4.8 }]);
    expect([expr, run.output]).toEqual([expr, expect.stringContaining('SUCCESS')]);
  });

  it('draws each operation its own p95 on the operations dashboard', () => {
    const p95 = targets('perfkit-operations.json', 'Duration p50 / p95 / p99').find((e) => e.startsWith('histogram_quantile(0.95,'))!;
    const run = promtool([
      { expr: `max(${p95})`, value: 4.8 },
      { expr: `min(${p95})`, value: 0.048 },
      { expr: `count(${p95})`, value: 2 },
    ]);
    expect([p95, run.output]).toEqual([p95, expect.stringContaining('SUCCESS')]);
  });
});
