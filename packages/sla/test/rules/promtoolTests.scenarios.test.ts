/*
 * The written promtool tests of a latency objective and a raw-PromQL one, checked against hand-computed
 * expectations (promtoolTests.promtool.test.ts runs such files through promtool). Target 0.9 for the latency
 * objective: budget 0.1, so the 13.44x page pair (1.344) is impossible and dropped; 5.6x, 2.8x and 0.9333x stay
 * (56%, 28%, 9.333%). A page `for: 2m` and a 7m budget interval shape the steps.
 */
import { generateRules, parseSlaSpec, promtoolTests } from '@perfkit/sla';

const gen = generateRules(parseSlaSpec({
  service: 'svc',
  objectives: [
    { id: 'lat', operation: { type: 'x' }, latency: { threshold: 2, target: 0.9 }, alerting: { page: { for: '2m' } } },
    { id: 'q', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.99 } },
  ],
  alerting: { minEvents: 1, budgetInterval: '7m' },
}));
const { objectives, windows } = promtoolTests(gen, 'r.yml');
const of = (id: string) => objectives.tests.filter((t) => t.name.startsWith(`${id}: `));
const fired = (t: (typeof objectives.tests)[number]) =>
  t.alert_rule_test.map((a) => `${a.eval_time} ${a.exp_alerts.map((e) => `${e.exp_labels.burn_factor}x@${/is ([^ ]+) over/.exec(e.exp_annotations.description)![1]}`).join(',')}`);

describe('promtoolTests steps', () => {
  it('keeps every step a divisor of the 7m (420 s) budget interval: 1m for the fast file, 3m30s for the 6h/30m pair', () => {
    // Fast: min(60, 300 s / 5) = 60, which divides 420. Slow pair: 1800 s / 5 = 360 does not; 210 is the largest that does.
    expect(objectives.evaluation_interval).toBe('1m');
    expect(windows.evaluation_interval).toBe('3m30s');
    expect(windows.tests.map((t) => [t.name, t.interval])).toEqual([
      ['lat: a burn over 6h fires the 5.6x page pair, and 30m of recovery stops it', '3m30s'],
      ['q: a burn over 6h fires the 5.6x page pair, and 30m of recovery stops it (recorded ratios at 7h17m30s)', '3m30s'],
      ['q: a burn over 6h fires the 5.6x page pair, and 30m of recovery stops it (recorded ratios at 7h56m)', '3m30s'],
    ]);
  });
});

describe('promtoolTests of a latency objective', () => {
  const bucket = (le: string) => `perfkit_operation_duration_seconds_bucket{job="svc",operation_type="x",operation_outcome="success",le="${le}"}`;
  const count = 'perfkit_operation_duration_seconds_count{job="svc",operation_type="x",operation_outcome="success"}';

  it('feeds the threshold bucket the good events and holds each ratio 2 x 5m + the 2m for: + 2 steps (14 minutes)', () => {
    const steady = of('lat').filter((t) => t.name.includes('a steady'));
    // 1.25 x 56% = 70% above the page pair (0.8 x 56% = 44.8% below it); 1,000,000 events a minute, 300,000 of them fast.
    expect(steady[0]!.input_series).toEqual([{ series: bucket('2'), values: '0+300000x14' }, { series: count, values: '0+1000000x14' }]);
    expect(steady.map(fired)).toEqual([
      ['14m 5.6x@70%,2.8x@70%,0.9333x@70%'],
      ['14m 2.8x@44.8%,0.9333x@44.8%'],
      ['14m 2.8x@35%,0.9333x@35%'],
      ['14m 0.9333x@22.4%'],
      ['14m 0.9333x@11.67%'],
      ['14m '],
    ]);
  });

  it('checks the Prometheus 3 spelling le="2.0" with the first ratio above a threshold, and has no minEvents case at minEvents 1', () => {
    const spelled = of('lat').find((t) => t.name === 'lat: the threshold bucket spelled le="2.0" still matches')!;
    expect(spelled.input_series[0]).toEqual({ series: bucket('2.0'), values: '0+300000x14' });
    expect(fired(spelled)).toEqual(['14m 5.6x@70%,2.8x@70%,0.9333x@70%']);
    expect(of('lat').map((t) => t.name).filter((n) => n.includes('minEvents'))).toEqual([]);
  });
});

describe('promtoolTests of a raw-PromQL objective', () => {
  it('injects every window\'s recorded error ratio, held 2 steps (no for:), one group per check', () => {
    const first = of('q')[0]!;
    expect(first.name).toBe('q: a steady 16.8% error ratio, just above the 13.44x page threshold (13.44% over 1h/5m), fires 13.44x page, 5.6x page, 2.8x ticket, 0.9333x ticket (recorded ratios at 12m)');
    expect(first.input_series).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => ({ series: `perfkit:slo_errors:ratio_rate${w}{service="svc",slo="q",sli="promql"}`, values: '0.168x2' })),
    );
    expect(fired(first)).toEqual(['2m 13.44x@16.8%,5.6x@16.8%,2.8x@16.8%,0.9333x@16.8%']);
    expect(of('q').filter((t) => t.name.includes('a steady')).map((t) => t.input_series[0]!.values)).toEqual(
      ['0.168x2', '0.10752x2', '0.07x2', '0.0448x2', '0.035x2', '0.0224x2', '0.011667x2', '0.007467x2'],
    );
  });

  it('fires the absent alert with the objective\'s labels only (its queries select the series)', () => {
    const absent = of('q').find((t) => t.name === 'q: no series fires the absent alert after 10m')!;
    expect(absent.alert_rule_test).toEqual([{
      eval_time: '12m',
      alertname: 'QMetricsAbsent',
      exp_alerts: [{
        exp_labels: { severity: 'ticket', service: 'svc', slo: 'q', sli: 'promql' },
        exp_annotations: {
          summary: 'svc: no series for objective q',
          description: 'Prometheus has returned nothing for the total query of q for 10m; q cannot be evaluated and its burn-rate alerts cannot fire.',
          runbook_url: 'docs/runbooks/qmetrics-absent.md',
        },
      }],
    }]);
  });
});
