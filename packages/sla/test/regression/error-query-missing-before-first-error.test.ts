/*
 * Regression: a raw-PromQL objective with an errorQuery computed `errors / total` and counted the budget's bad events
 * as `errors * interval`. Before the first error there is no error series at all (a counter never incremented, or a
 * `{code=~"5.."}` selector that matches nothing), so the error ratio, the bad events, the period's error ratio and the
 * budget remaining were all missing: dashboards showed "No data" and "budget remaining" was absent exactly when it was
 * 100%. Checked by promtool on the generated rules, values worked out by hand from the input (60 requests a minute:
 * 300 events per 5 minutes, none bad, so ratio 0 and 100% of the budget left); no traffic still fires nothing.
 */
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { promtoolTestRules } from '../../../../test/helpers/promtool';

function setup() {
  const { files } = generateFiles(parseSlaSpec({
    service: 'api',
    objectives: [{
      id: 'checkout',
      promql: {
        target: 0.99,
        errorQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
        totalQuery: 'sum(rate(http_requests_total[{{.window}}]))',
      },
    }],
  }));
  const promtoolTest = (tests: unknown[]) => promtoolTestRules(tests, { [OUTPUT_PATHS.rules]: files[OUTPUT_PATHS.rules]! });
  return { promtoolTest };
}

const own = '{service="api",slo="checkout",sli="promql"}';
const sample = (name: string, value: number) => ({ expr: `${name}${own}`, eval_time: '60m', exp_samples: [{ labels: `${name}${own}`, value }] });

describe('regression: error query missing before first error', () => {
  it('records an error ratio of 0 and 100% of the budget left while requests flow and no error series exists', () => {
    const { promtoolTest } = setup();
    const run = promtoolTest([{
      name: 'every request succeeds: no 5xx series was ever written',
      interval: '1m',
      input_series: [{ series: 'http_requests_total{code="200"}', values: '0+60x120' }],
      promql_expr_test: [
        sample('perfkit:slo_errors:ratio_rate5m', 0),
        sample('perfkit:slo_errors:ratio_rate1h', 0),
        sample('perfkit:slo_events:increase5m', 300),
        sample('perfkit:slo_bad_events:increase5m', 0),
        sample('perfkit:slo_errors:ratio_period', 0),
        sample('perfkit:slo_error_budget_remaining:ratio_period', 1),
        { expr: 'ALERTS', eval_time: '60m', exp_samples: [] },
      ],
    }]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);

  it('still counts the errors once the error series exists', () => {
    const { promtoolTest } = setup();
    // 60 requests a minute, 6 of them 5xx: a 10% error ratio, 30 bad of 300 events per 5 minutes.
    const run = promtoolTest([{
      name: 'one request in ten fails',
      interval: '1m',
      input_series: [
        { series: 'http_requests_total{code="200"}', values: '0+54x120' },
        { series: 'http_requests_total{code="500"}', values: '0+6x120' },
      ],
      promql_expr_test: [sample('perfkit:slo_errors:ratio_rate5m', 0.1), sample('perfkit:slo_bad_events:increase5m', 30)],
    }]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);

  it('fires nothing and records no error ratio when there is no traffic (a flat or no total series)', () => {
    const { promtoolTest } = setup();
    const run = promtoolTest([
      {
        name: 'a flat total counter',
        interval: '1m',
        input_series: [{ series: 'http_requests_total{code="200"}', values: '5x120' }],
        promql_expr_test: [
          { expr: 'ALERTS{alertname="CheckoutBudgetBurn"}', eval_time: '60m', exp_samples: [] },
          // 0 / 0: NaN, which no threshold exceeds.
          { expr: `perfkit:slo_errors:ratio_rate5m${own} > 0`, eval_time: '60m', exp_samples: [] },
        ],
      },
      {
        name: 'no series at all',
        interval: '1m',
        input_series: [{ series: 'up{job="api"}', values: '1x120' }],
        promql_expr_test: [
          { expr: 'ALERTS{alertname="CheckoutBudgetBurn"}', eval_time: '60m', exp_samples: [] },
          { expr: `perfkit:slo_errors:ratio_rate5m${own}`, eval_time: '60m', exp_samples: [] },
        ],
      },
    ]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);
});
