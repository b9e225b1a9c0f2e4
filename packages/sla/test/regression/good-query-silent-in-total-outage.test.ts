/*
 * Regression: a raw-PromQL objective with a goodQuery computed `1 - good / total`. When the good query returns no
 * series at all (a success counter never incremented because every request failed, or one that vanished), the
 * division is empty, so the error ratio was missing and no burn-rate alert fired in a total outage; the budget's bad
 * events were missing too. Checked by promtool on the generated rules: traffic with no good series fires every pair
 * (a 100% error ratio, 300 bad of 300 events per 5 minutes, worked out from the input: 60 requests a minute), and no
 * traffic fires nothing.
 */
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { promtoolTestRules } from '../../../../test/helpers/promtool';

function setup() {
  const { files } = generateFiles(parseSlaSpec({
    service: 'api',
    objectives: [{
      id: 'checkout',
      promql: { target: 0.99, goodQuery: 'sum(rate(http_ok_total[{{.window}}]))', totalQuery: 'sum(rate(http_requests_total[{{.window}}]))' },
    }],
  }));
  const promtoolTest = (tests: unknown[]) => promtoolTestRules(tests, { [OUTPUT_PATHS.rules]: files[OUTPUT_PATHS.rules]! });
  return { promtoolTest };
}

const firing = 'count by (alertname, burn_factor) (ALERTS{alertstate="firing"})';
const own = '{service="api",slo="checkout",sli="promql"}';

describe('regression: good query silent in total outage', () => {
  it('fires every burn-rate pair and spends the budget when requests flow and the good query returns nothing', () => {
    const { promtoolTest } = setup();
    const run = promtoolTest([{
      name: 'every request fails: http_ok_total was never written',
      interval: '1m',
      input_series: [{ series: 'http_requests_total', values: '0+60x120' }],
      promql_expr_test: [
        { expr: `perfkit:slo_errors:ratio_rate5m${own}`, eval_time: '60m', exp_samples: [{ labels: `perfkit:slo_errors:ratio_rate5m${own}`, value: 1 }] },
        { expr: `perfkit:slo_bad_events:increase5m${own}`, eval_time: '60m', exp_samples: [{ labels: `perfkit:slo_bad_events:increase5m${own}`, value: 300 }] },
        {
          expr: firing,
          eval_time: '60m',
          exp_samples: ['13.44', '5.6', '2.8', '0.9333'].map((f) => ({ labels: `{alertname="CheckoutBudgetBurn",burn_factor="${f}"}`, value: 1 })),
        },
      ],
    }]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);

  it('fires nothing when there is no traffic (the total query has a flat or no series)', () => {
    const { promtoolTest } = setup();
    const run = promtoolTest([
      {
        name: 'a flat total counter',
        interval: '1m',
        input_series: [{ series: 'http_requests_total', values: '5x120' }],
        promql_expr_test: [{ expr: firing, eval_time: '60m', exp_samples: [] }],
      },
      {
        name: 'no series at all',
        interval: '1m',
        input_series: [{ series: 'up{job="api"}', values: '1x120' }],
        promql_expr_test: [{ expr: 'count by (alertname) (ALERTS{alertname="CheckoutBudgetBurn"})', eval_time: '60m', exp_samples: [] }],
      },
    ]);
    expect(run.output).not.toContain('FAILED');
    expect(run.ok).toBe(true);
  }, 60_000);
});
