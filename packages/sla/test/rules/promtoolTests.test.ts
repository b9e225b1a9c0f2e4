import { generateRules, parseSlaSpec, promtoolTests } from '@perfkit/sla';

describe('promtoolTests for limits (the written tests, hand-computed; promtoolTests.promtool.test.ts runs them through promtool)', () => {
  // Built inside each test, not at load time, so StrykerJS can tell which test covers which mutant.
  const setup = () => promtoolTests(generateRules(parseSlaSpec({
    service: 'svc',
    resources: { memory: { max: 0.8, for: '10m' }, diskFree: { min: 0.2, for: '2m' }, eventLoopDelay: { max: 0.5, for: '1m' } },
    guards: [{ name: 'pool', queueWait: { max: 0.25, for: '1m' } }],
  })), 'rules.yml').limits;
  const named = (prefix: string, limits = setup()) => limits.tests.filter((t) => t.name.startsWith(prefix));
  const firing = (t: { alert_rule_test: Array<{ exp_alerts: Array<{ exp_annotations: Record<string, string> }> }> }) =>
    t.alert_rule_test.map((a) => a.exp_alerts.map((e) => e.exp_annotations.description));

  it('steps a fifth of the shortest for: (1m / 5 = 12s) and runs each limit one for: plus three steps', () => {
    const limits = setup();
    expect(limits.rule_files).toEqual(['rules.yml']);
    expect(limits.evaluation_interval).toBe('12s');
    // memory: 600 s / 12 s = 50 steps + 3 = 53; still pending at 600 - 12 = 588 s = 9m48s, firing at 53 x 12 = 636 s = 10m36s.
    const [over, within, container, busyHost] = named('memory:', limits);
    expect(over!.input_series).toEqual([{ series: 'system_memory_utilization_ratio{job="svc"}', values: '0.9x53' }]); // (0.8 + 1) / 2
    expect(over!.alert_rule_test.map((a) => a.eval_time)).toEqual(['9m48s', '10m36s']);
    expect(firing(over!)).toEqual([[], ['The memory utilization (of the container limit, else the host) is 90%, above the limit of 80%, for more than 10m.']]);
    expect(over!.alert_rule_test[1]!.exp_alerts[0]!).toMatchObject({ exp_labels: { job: 'svc', severity: 'ticket', service: 'svc', limit: 'memory' } });
    expect(within!.input_series).toEqual([{ series: 'system_memory_utilization_ratio{job="svc"}', values: '0.4x53' }]); // 0.8 / 2
    expect(within!.alert_rule_test).toEqual([{ eval_time: '10m36s', alertname: 'HostMemoryHigh', exp_alerts: [] }]);
    // The container's own utilization decides when it is exported.
    expect(container!.input_series.map((s) => s.values)).toEqual(['0.9x53', '0.4x53']);
    expect(firing(container!)).toEqual([['The memory utilization (of the container limit, else the host) is 90%, above the limit of 80%, for more than 10m.']]);
    expect(busyHost!.input_series.map((s) => s.values)).toEqual(['0.4x53', '0.9x53']);
    expect(firing(busyHost!)).toEqual([[]]);
  });

  it('writes the utilization that leaves the free share of a diskFree limit: 1 - 0.1 and 1 - 0.6', () => {
    // 120 s / 12 s + 3 = 13 steps; bad free share 0.2 / 2 = 0.1, good (0.2 + 1) / 2 = 0.6.
    const [below, within] = named('disk-free:');
    expect(below!.name).toBe('disk-free: below 0.2 fires once it has lasted 2m');
    expect(below!.input_series).toEqual([{ series: 'system_filesystem_utilization_ratio{job="svc"}', values: '0.9x13' }]);
    expect(below!.alert_rule_test.map((a) => a.eval_time)).toEqual(['1m48s', '2m36s']);
    expect(firing(below!)).toEqual([[], ['The free share of a filesystem is 10%, below the limit of 20%, for more than 2m.']]);
    expect(within!.input_series[0]!.values).toBe('0.4x13');
    expect(named('disk-free:')).toHaveLength(2);
  });

  it('doubles a delay limit for the bad case and halves it for the good one', () => {
    // 60 s / 12 s + 3 = 8 steps; 2 x 0.5 s = 1 s, shown by humanizeDuration as 1s.
    const [over, within] = named('event-loop-delay:');
    expect(over!.input_series[0]!.values).toBe('1x8');
    expect(over!.alert_rule_test.map((a) => a.eval_time)).toEqual(['48s', '1m36s']);
    expect(firing(over!)).toEqual([[], ['The event-loop delay p99 is 1s, above the limit of 0.5s, for more than 1m.']]);
    expect(within!.input_series[0]!.values).toBe('0.25x8');
  });

  it('feeds a queue-wait limit a histogram whose p99 lands above or below it', () => {
    // Bounds 0.25 / 2 = 0.125 and 0.25 x 2.5 = 0.625. Bad: every wait in the upper bucket, p99 = 0.125 + 0.5 x 0.99
    // = 0.62 s (620ms); good: every wait in the lower bucket.
    const [over, within] = named('guard-pool-queue-wait:');
    const bucket = (le: string) => `perfkit_guard_queue_wait_seconds_bucket{job="svc",guard="pool",le="${le}"}`;
    expect(over!.input_series).toEqual([
      { series: bucket('0.125'), values: '0x8' },
      { series: bucket('0.625'), values: '0+10x8' },
      { series: bucket('+Inf'), values: '0+10x8' },
    ]);
    expect(firing(over!)).toEqual([[], ['The p99 queue wait of guard pool is 620ms, above the limit of 0.25s, for more than 1m.']]);
    expect(over!.alert_rule_test[1]!.exp_alerts[0]!.exp_labels).toEqual({ job: 'svc', guard: 'pool', severity: 'ticket', service: 'svc', limit: 'guard-pool-queue-wait' });
    expect(within!.input_series.map((s) => s.values)).toEqual(['0+10x8', '0+10x8', '0+10x8']);
  });
});

describe('promtoolTests for a 99% objective over the default 28 days (the written tests, hand-computed)', () => {
  const setup = () => promtoolTests(generateRules(parseSlaSpec({ service: 'svc', objectives: [{ id: 'dl', operation: { type: 'download' }, success: { target: 0.99 } }] })), 'r.yml');
  const series = (outcome: string) => `perfkit_operation_duration_seconds_count{job="svc",operation_type="download",operation_outcome="${outcome}"}`;

  it('steps a fifth of the 5m short window in the fast file and 5m (the budget interval) for the 6h/30m pair', () => {
    const { objectives, windows, limits } = setup();
    expect([objectives.evaluation_interval, windows.evaluation_interval, limits.evaluation_interval, limits.tests]).toEqual(['1m', '5m', '1m', []]);
    expect(windows.tests.map((t) => t.name)).toEqual(['dl: a burn over 6h fires the 5.6x page pair, and 30m of recovery stops it']);
    expect(objectives.tests.filter((t) => t.name.includes('a burn over')).map((t) => t.name)).toEqual(['dl: a burn over 1h fires the 13.44x page pair, and 5m of recovery stops it']);
  });

  it('holds a steady error ratio 1.25x above and 0.8x below every threshold for 2 short windows + 2 steps', () => {
    // Thresholds 0.01 x 13.44, 5.6, 2.8, 0.9333: 13.44%, 5.6%, 2.8%, 0.9333%. 1,000,000 events a step, 12 steps
    // (2 x 300 s / 60 s + 2); the bad share per step is the ratio; the alert fires on every pair below it.
    const steady = setup().objectives.tests.filter((t) => t.name.includes('a steady'));
    const rows = steady.map((t) => [
      t.name.replace(/^dl: a steady ([\d.]+%) error ratio, just (above|below) .*$/, '$1 $2'),
      t.input_series.map((x) => x.values).join(' '),
      t.alert_rule_test.map((a) => `${a.eval_time}: ${a.exp_alerts.map((e) => `${e.exp_labels.burn_factor}x`).join(',')}`).join(''),
    ]);
    expect(rows).toEqual([
      ['16.8% above', '0+168000x12 0+832000x12', '12m: 13.44x,5.6x,2.8x,0.9333x'],
      ['10.75% below', '0+107520x12 0+892480x12', '12m: 5.6x,2.8x,0.9333x'],
      ['7% above', '0+70000x12 0+930000x12', '12m: 5.6x,2.8x,0.9333x'],
      ['4.48% below', '0+44800x12 0+955200x12', '12m: 2.8x,0.9333x'],
      ['3.5% above', '0+35000x12 0+965000x12', '12m: 2.8x,0.9333x'],
      ['2.24% below', '0+22400x12 0+977600x12', '12m: 0.9333x'],
      ['1.167% above', '0+11667x12 0+988333x12', '12m: 0.9333x'],
      ['0.7467% below', '0+7467x12 0+992533x12', '12m: '],
    ]);
    expect(steady[0]!.input_series.map((x) => x.series)).toEqual([series('failure'), series('success')]);
    expect(steady.every((t) => t.interval === '1m')).toBe(true);
    // The firing alert reports its short window's ratio, in its description.
    expect(steady[0]!.alert_rule_test[0]!.exp_alerts[0]!.exp_annotations.description).toContain('The error ratio is 16.8% over 5m');
  });

  it('writes one bad event among minEvents (10) and a missing metric as quiet and absent cases', () => {
    const { objectives } = setup();
    const quiet = objectives.tests.find((t) => t.name === 'dl: below alerting.minEvents a 100% error ratio fires nothing')!;
    expect(quiet.input_series).toEqual([{ series: series('failure'), values: '0x9 1 1 1' }, { series: series('success'), values: '0x12' }]);
    expect(quiet.alert_rule_test).toEqual([
      { eval_time: '12m', alertname: 'DlBudgetBurn', exp_alerts: [] },
      { eval_time: '12m', alertname: 'DlMetricsAbsent', exp_alerts: [] },
    ]);
    // absentFor 10m at 1m steps: 10 + 2 = 12 samples of an unrelated series.
    const absent = objectives.tests.find((t) => t.name === 'dl: no series fires the absent alert after 10m')!;
    expect(absent.input_series).toEqual([{ series: 'up{job="unrelated"}', values: '1x12' }]);
    expect(absent.alert_rule_test).toEqual([{
      eval_time: '12m',
      alertname: 'DlMetricsAbsent',
      exp_alerts: [{
        exp_labels: { job: 'svc', operation_type: 'download', severity: 'ticket', service: 'svc', slo: 'dl', sli: 'success' },
        exp_annotations: expect.objectContaining({ summary: 'svc: no download metrics for objective dl' }),
      }],
    }]);
  });
});
