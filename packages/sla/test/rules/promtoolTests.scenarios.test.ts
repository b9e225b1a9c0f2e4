/*
 * The written promtool tests of a latency objective and a raw-PromQL one, checked against hand-computed
 * expectations (promtoolTests.promtool.test.ts runs such files through promtool). Target 0.9 for the latency
 * objective: budget 0.1, so the 13.44x page pair (1.344) is impossible and dropped; 5.6x, 2.8x and 0.9333x stay
 * (56%, 28%, 9.333%). A page `for: 2m` and a 7m budget interval shape the steps.
 */
import { generateRules, parseSlaSpec, promtoolTests } from '@perfkit/sla';

// Built inside each test, not at load time, so StrykerJS can tell which test covers which mutant.
const setup = () => promtoolTests(generateRules(parseSlaSpec({
  service: 'svc',
  objectives: [
    { id: 'lat', operation: { type: 'x' }, latency: { threshold: 2, target: 0.9 }, alerting: { page: { for: '2m' } } },
    { id: 'q', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.99 } },
  ],
  alerting: { minEvents: 1, budgetInterval: '7m' },
})), 'r.yml');
const of = (id: string) => setup().objectives.tests.filter((t) => t.name.startsWith(`${id}: `));
const fired = (t: ReturnType<typeof setup>['objectives']['tests'][number]) =>
  t.alert_rule_test.map((a) => `${a.eval_time} ${a.exp_alerts.map((e) => `${e.exp_labels.burn_factor}x@${/is ([^ ]+) over/.exec(e.exp_annotations.description)![1]}`).join(',')}`);

describe('promtoolTests steps', () => {
  it('keeps every step a divisor of the 7m (420 s) budget interval: 1m for the fast file, 3m30s for the 6h/30m pair', () => {
    // Fast: min(60, 300 s / 5) = 60, which divides 420. Slow pair: 1800 s / 5 = 360 does not; 210 is the largest that does.
    const { objectives, windows } = setup();
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

  it('holds the injected ratios for the longest for: (2m page: 2 + 2 steps) and expects only the pairs below the ratio', () => {
    const t = promtoolTests(generateRules(parseSlaSpec({
      service: 'svc',
      objectives: [{ id: 'q', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.99 }, alerting: { page: { for: '2m' } } }],
    })), 'r.yml');
    const steady = t.objectives.tests.filter((x) => x.name.includes('a steady'));
    // Thresholds 13.44%, 5.6%, 2.8%, 0.9333%: 10.75% fires the three below it, 0.7467% none.
    expect(steady.map((x) => [x.input_series[0]!.values, fired(x)[0]])).toEqual([
      ['0.168x4', '4m 13.44x@16.8%,5.6x@16.8%,2.8x@16.8%,0.9333x@16.8%'],
      ['0.10752x4', '4m 5.6x@10.75%,2.8x@10.75%,0.9333x@10.75%'],
      ['0.07x4', '4m 5.6x@7%,2.8x@7%,0.9333x@7%'],
      ['0.0448x4', '4m 2.8x@4.48%,0.9333x@4.48%'],
      ['0.035x4', '4m 2.8x@3.5%,0.9333x@3.5%'],
      ['0.0224x4', '4m 0.9333x@2.24%'],
      ['0.011667x4', '4m 0.9333x@1.167%'],
      ['0.007467x4', '4m '],
    ]);
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

describe('promtoolTests steps and files for other catalogues', () => {
  const tests = (input: Record<string, unknown>) => {
    const g = generateRules(parseSlaSpec({ service: 'svc', ...input }));
    return promtoolTests(g, 'r.yml');
  };
  const names = (t: { tests: Array<{ name: string }> }, part: string) => t.tests.map((x) => x.name).filter((n) => n.includes(part));

  it('keeps every burn in the fast file when no page pair has a short window of 25 steps (custom 1h/5m and 2h/10m pages)', () => {
    // 30d; factors 0.02 x 720 = 14.4, 0.03 x 360 = 10.8, 0.16 x 10 = 1.6; budget 0.05: thresholds 72%, 54%, 8%.
    const t = tests({
      window: '30d',
      objectives: [{ id: 'lat', operation: { type: 'x' }, latency: { threshold: 2, target: 0.95 } }],
      resources: { cpu: { max: 0.9, for: '5m' } },
      alerting: { windows: [{ severity: 'page', long: '1h', short: '5m', budgetShare: 0.02 }, { severity: 'page', long: '2h', short: '10m', budgetShare: 0.03 }, { severity: 'ticket', long: '3d', short: '6h', budgetShare: 0.16 }] },
    });
    // Shortest short 300 s / 5 = 60 s; 25 x 60 s = 25m, longer than both page shorts: no slower file.
    expect([t.objectives.rule_files, t.windows.rule_files, t.objectives.evaluation_interval, t.windows.evaluation_interval, t.windows.tests]).toEqual([['r.yml'], ['r.yml'], '1m', '1m', []]);
    expect(names(t.objectives, 'a burn over')).toEqual([
      'lat: a burn over 1h fires the 14.4x page pair, and 5m of recovery stops it',
      'lat: a burn over 2h fires the 10.8x page pair, and 10m of recovery stops it',
    ]);
    // Above 72%: min(1.25 x 72%, (72% + 1) / 2) = 86%.
    expect(names(t.objectives, 'a steady')[0]).toBe('lat: a steady 86% error ratio, just above the 14.4x page threshold (72% over 1h/5m), fires 14.4x page, 10.8x page, 1.6x ticket');
    // A burn fires its pair at the end of the burn; one short window of recovery later nothing fires.
    for (const onset of t.objectives.tests.filter((x) => x.name.includes('a burn over'))) {
      expect(onset.alert_rule_test.map((a) => a.exp_alerts.length > 0)).toEqual([true, false]);
    }
    // minEvents 10: one bad event in 12 steps (2 x 5m / 1m + 2); for latency the threshold bucket stays at 0.
    const quiet = t.objectives.tests.find((x) => x.name === 'lat: below alerting.minEvents a 100% error ratio fires nothing')!;
    expect(quiet.input_series).toEqual([
      { series: 'perfkit_operation_duration_seconds_bucket{job="svc",operation_type="x",operation_outcome="success",le="2"}', values: '0x12' },
      { series: 'perfkit_operation_duration_seconds_count{job="svc",operation_type="x",operation_outcome="success"}', values: '0x9 1 1 1' },
    ]);
    // cpu: 300 s / 60 s + 3 = 8 steps, bad (0.9 + 1) / 2 = 0.95, good 0.45; the container's utilization decides.
    const [over, , container] = t.limits.tests;
    expect(over!.alert_rule_test.map((a) => [a.eval_time, a.alertname, a.exp_alerts.length])).toEqual([['4m', 'HostCpuHigh', 0], ['8m', 'HostCpuHigh', 1]]);
    expect(container!.input_series).toEqual([
      { series: 'perfkit_container_cpu_utilization_ratio{job="svc"}', values: '0.95x8' },
      { series: 'system_cpu_busy_ratio{job="svc"}', values: '0.45x8' },
    ]);
  });

  it('steps a 7d objective at 15s (75 s / 5) and its 7m30s page pair at 1m15s (the largest divisor of 300 s up to 90 s)', () => {
    const t = tests({ window: '7d', objectives: [{ id: 'dl', operation: { type: 'x' }, success: { target: 0.99 } }] });
    expect([t.objectives.evaluation_interval, t.windows.evaluation_interval]).toEqual(['15s', '1m15s']);
    expect(names(t.objectives, 'a burn over')).toEqual(['dl: a burn over 15m fires the 13.44x page pair, and 1m15s of recovery stops it']);
    expect(names(t.windows, 'a burn over')).toEqual(['dl: a burn over 1h30m fires the 5.6x page pair, and 7m30s of recovery stops it']);
    // 2 x 75 s / 15 s + 2 = 12 steps of 15 s.
    expect(t.objectives.tests.find((x) => x.name.includes('minEvents'))!.alert_rule_test[0]!.eval_time).toBe('3m');
  });

  it('puts a page pair whose short window is exactly 5 slow steps in the slow file only (6m budget interval: 1800 s = 5 x 360 s)', () => {
    const t = tests({ objectives: [{ id: 'dl', operation: { type: 'x' }, success: { target: 0.99 } }], alerting: { budgetInterval: '6m' } });
    expect(t.windows.evaluation_interval).toBe('6m');
    expect(names(t.windows, 'a burn over')).toEqual(['dl: a burn over 6h fires the 5.6x page pair, and 30m of recovery stops it']);
    expect(names(t.objectives, 'a burn over')).toEqual(['dl: a burn over 1h fires the 13.44x page pair, and 5m of recovery stops it']);
  });
});

describe('promtoolTests scenario choice (hand-worked catalogues)', () => {
  const written = (alerting: Record<string, unknown>, objective: Record<string, unknown> = { success: { target: 0.99 } }) =>
    promtoolTests(generateRules(parseSlaSpec({ service: 'svc', objectives: [{ id: 'o', operation: { type: 'x' }, ...objective }], alerting })), 'r.yml');
  const page = (long: string, short: string, budgetShare: number) => ({ severity: 'page', long, short, budgetShare });
  const names = (t: { tests: Array<{ name: string }> }, part: string) => t.tests.map((x) => x.name).filter((n) => n.includes(part));
  const steadyShares = (t: { tests: Array<{ name: string }> }) => names(t, 'a steady').map((n) => /a steady ([\d.]+%)/.exec(n)![1]);

  it('moves a page pair whose short window is exactly 25 fast steps to the slow file, stepped by the shortest such window', () => {
    // 28d, 99%: factors 0.02 x 672h / 1h = 13.44, 0.05 x 672 / 5 = 6.72, 0.15 x 672 / 10 = 10.08. Fast step 300 s / 5 = 60 s;
    // 25 x 60 s = 25m: the 25m and 50m shorts go to the slow file, stepped 1500 s / 5 = 300 s (divides the 10m budget
    // interval; the longest short would give 3000 s / 5 = 600 s).
    const t = written({ budgetInterval: '10m', windows: [page('1h', '5m', 0.02), page('5h', '25m', 0.05), page('10h', '50m', 0.15)] });
    expect([t.objectives.evaluation_interval, t.windows.evaluation_interval]).toEqual(['1m', '5m']);
    expect(names(t.objectives, 'a burn over')).toEqual(['o: a burn over 1h fires the 13.44x page pair, and 5m of recovery stops it']);
    expect(names(t.windows, 'a burn over')).toEqual([
      'o: a burn over 5h fires the 6.72x page pair, and 25m of recovery stops it',
      'o: a burn over 10h fires the 10.08x page pair, and 50m of recovery stops it',
    ]);
  });

  it('leaves out a steady ratio within 10% of another threshold, and writes the rest from the highest ratio down', () => {
    // Shares: 1.25 x 13.44% = 16.8%, 0.8 x 13.44% = 10.752% (6.7% from 10.08%: left out), 1.25 x 6.72% = 8.4%,
    // 0.8 x 6.72% = 5.376%, 1.25 x 10.08% = 12.6% (6.25% from 13.44%: left out), 0.8 x 10.08% = 8.064%.
    const t = written({ budgetInterval: '10m', windows: [page('1h', '5m', 0.02), page('5h', '25m', 0.05), page('10h', '50m', 0.15)] });
    expect(steadyShares(t.objectives)).toEqual(['16.8%', '8.4%', '8.064%', '5.376%']);
    expect(names(t.objectives, 'a steady 5.376%')).toEqual(['o: a steady 5.376% error ratio, just below the 6.72x page threshold (6.72% over 5h/25m), fires nothing']);
  });

  it('leaves out a burn whose check would see a firing alert\'s short window straddle two phases', () => {
    // Pair B 50m/15m, factor 0.0124 x 672h / (5/6 h) = 9.999. The 1h pair's burn (11 steps at 100% after a
    // 66-step healthy lead) fires B too, and B's 15-step short window then holds healthy steps: no exact value to expect.
    const t = written({ windows: [page('1h', '5m', 0.02), page('50m', '15m', 0.0124)] });
    expect(names(t.objectives, 'a burn over')).toEqual(['o: a burn over 50m fires the 9.999x page pair, and 15m of recovery stops it']);
  });

  it('leaves out a burn when only one of its two checks is too close to call (the burn\'s end, not the recovery)', () => {
    // Pair B 30m/15m, factor 0.05 x 672h / 0.5h = 67.2. The 1h pair's burn is 11 steps at 100% (1.3 x 13.44% x 60 steps).
    // At its end B's 15m window reads 11/15 = 73.3%, 9.1% from 67.2%: too close. 7 steps later B reads 8/15 = 53.3% and
    // 11/30 = 36.7%, the 1h pair 0% and 11/60 = 18.3%: all clear, but the scenario goes as a whole.
    const t = written({ windows: [page('1h', '5m', 0.02), page('30m', '15m', 0.05)] });
    expect(names(t.objectives, 'a burn over')).toEqual(['o: a burn over 30m fires the 67.2x page pair, and 15m of recovery stops it']);
  });

  it('checks the other le spellings with the highest ratio above a threshold, whatever order the catalogue lists its pairs', () => {
    // Ticket 3d/6h first (0.9333%), page 1h/5m second (13.44%): the highest "above" share is 16.8%, which fires both.
    const t = written({ windows: [{ severity: 'ticket', long: '3d', short: '6h', budgetShare: 0.1 }, page('1h', '5m', 0.02)] }, { latency: { threshold: 2, target: 0.99 } });
    const spelled = t.objectives.tests.filter((x) => x.name.includes('spelled'));
    expect(spelled.map((x) => x.name)).toEqual(['o: the threshold bucket spelled le="2.0" still matches']);
    expect(spelled[0]!.alert_rule_test[0]!.exp_alerts.map((e) => e.exp_labels.burn_factor)).toEqual(['0.9333', '13.44']);
    expect(steadyShares(t.objectives)).toEqual(['16.8%', '10.75%', '1.167%', '0.7467%']);
  });

  it('writes no burn or spelling scenario for a latency objective whose every pair is impossible (13.44 x 50% > 100%)', () => {
    const t = written({ windows: [page('1h', '5m', 0.02)] }, { latency: { threshold: 2, target: 0.5 } });
    expect(t.objectives.tests.map((x) => x.name)).toEqual(['o: below alerting.minEvents a 100% error ratio fires nothing', 'o: no series fires the absent alert after 10m']);
    expect(t.windows.tests).toEqual([]);
  });
});
