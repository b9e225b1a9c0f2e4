import { generateRules, parseSlaSpec } from '@perfkit/sla';
import { absentAlert, burnAlerts, limitAlertName } from '../../src/rules/alertRules';

function generate(input: Record<string, unknown>) {
  return generateRules(parseSlaSpec({ service: 'svc', window: '30d', ...input }));
}
const SUCCESS = { id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.99 } };
const alertsOf = (gen: ReturnType<typeof generate>, name: string) => gen.alerts.filter((a) => a.alert === name);
const own = 'service="svc",slo="dl",sli="success"';

describe('burn-rate alerts', () => {
  it('writes the four standard pairs of a 99% objective over 30 days as the SRE workbook states them', () => {
    const gen = generate({ objectives: [SUCCESS], alerting: { runbookBaseUrl: 'https://rb.example//' } });
    const burns = alertsOf(gen, 'DlBudgetBurn');
    // Factor = budget share x 720 h / long window: 0.02 x 720 = 14.4, 0.05 x 120 = 6, 0.1 x 30 = 3, 0.1 x 10 = 1;
    // threshold = factor x budget 0.01: 0.144, 0.06, 0.03, 0.01; the budget lasts 30d / factor: 50 h = 2d2h, 5d, 10d, 30d.
    expect(burns[0]).toEqual({
      alert: 'DlBudgetBurn',
      expr:
        `perfkit:slo_errors:ratio_rate5m{${own}} > 0.144\nand\nperfkit:slo_errors:ratio_rate1h{${own}} > 0.144\n` +
        `and\nperfkit:slo_requests:rate1h{${own}} * 3600 >= 10`,
      labels: { severity: 'page', service: 'svc', slo: 'dl', sli: 'success', long_window: '1h', short_window: '5m', burn_factor: '14.4' },
      annotations: {
        summary: 'svc: dl is burning its error budget 14.4x too fast',
        description:
          '99% of download fetch succeed over 30d. The error ratio is {{ $value | humanizePercentage }} over 5m and above 14.4% over 1h ' +
          '(budget 1%); at this rate the 30d budget is gone in 2d2h (2% of it spent per 1h).',
        runbook_url: 'https://rb.example/dl-budget-burn.md',
      },
      source: expect.objectContaining({ kind: 'burn', threshold: 0.144 }),
    });
    expect(burns.map((a) => [a.labels.severity, a.labels.burn_factor, a.expr.split('\n')[0]])).toEqual([
      ['page', '14.4', `perfkit:slo_errors:ratio_rate5m{${own}} > 0.144`],
      ['page', '6', `perfkit:slo_errors:ratio_rate30m{${own}} > 0.06`],
      ['ticket', '3', `perfkit:slo_errors:ratio_rate2h{${own}} > 0.03`],
      ['ticket', '1', `perfkit:slo_errors:ratio_rate6h{${own}} > 0.01`],
    ]);
    expect(burns.map((a) => a.annotations.description.replace(/^.*gone in /, ''))).toEqual([
      '2d2h (2% of it spent per 1h).',
      '5d (5% of it spent per 6h).',
      '10d (10% of it spent per 1d).',
      '30d (10% of it spent per 3d).',
    ]);
    // The traffic guard counts the long window's events: rate x seconds (6 h = 21600 s, 1 d = 86400 s, 3 d = 259200 s).
    expect(burns.map((a) => a.expr.split('\n').pop())).toEqual([
      `perfkit:slo_requests:rate1h{${own}} * 3600 >= 10`,
      `perfkit:slo_requests:rate6h{${own}} * 21600 >= 10`,
      `perfkit:slo_requests:rate1d{${own}} * 86400 >= 10`,
      `perfkit:slo_requests:rate3d{${own}} * 259200 >= 10`,
    ]);
    expect(gen.warnings).toEqual([]);
  });

  it('names what a latency and a raw-PromQL objective count, and leaves the traffic guard off PromQL ones', () => {
    const gen = generate({
      objectives: [
        { id: 'lat', operation: { type: 'model_operation' }, latency: { threshold: 2, target: 0.95 } },
        { id: 'q', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.999 } },
      ],
      alerting: { minEvents: 1 },
    });
    const [lat] = alertsOf(gen, 'LatBudgetBurn');
    // 14.4 x 0.05 = 0.72
    expect(lat!.annotations.description).toBe(
      '95% of model_operation operations finish within 2s over 30d. The share of slow operations is {{ $value | humanizePercentage }} over 5m ' +
        'and above 72% over 1h (budget 5%); at this rate the 30d budget is gone in 2d2h (2% of it spent per 1h).',
    );
    expect(lat!.expr.endsWith('perfkit:slo_requests:rate1h{service="svc",slo="lat",sli="latency"} * 3600 >= 1')).toBe(true);
    const [q] = alertsOf(gen, 'QBudgetBurn');
    // 14.4 x 0.001 = 0.0144
    expect(q!.expr).toBe('perfkit:slo_errors:ratio_rate5m{service="svc",slo="q",sli="promql"} > 0.0144\nand\nperfkit:slo_errors:ratio_rate1h{service="svc",slo="q",sli="promql"} > 0.0144');
    expect(q!.annotations.description).toContain('The error ratio of its queries is {{ $value | humanizePercentage }} over 5m and above 1.44% over 1h (budget 0.1%)');
  });

  it('writes no traffic guard when minEvents is 0', () => {
    const [page] = alertsOf(generate({ objectives: [SUCCESS], alerting: { minEvents: 0 } }), 'DlBudgetBurn');
    expect(page!.expr).toBe(`perfkit:slo_errors:ratio_rate5m{${own}} > 0.144\nand\nperfkit:slo_errors:ratio_rate1h{${own}} > 0.144`);
  });

  it('drops a pair whose threshold is exactly 1 (an error ratio cannot exceed 100%) and does not miss a page it never had', () => {
    // Custom ticket pair: factor 0.2 x 30d / 3d = 2; target 0.5, budget 0.5: threshold 2 x 0.5 = 1.
    const gen = generate({
      objectives: [{ id: 'half', operation: { type: 'download' }, success: { target: 0.5 } }],
      alerting: { windows: [{ severity: 'ticket', long: '3d', short: '6h', budgetShare: 0.2 }] },
    });
    expect(alertsOf(gen, 'HalfBudgetBurn')).toEqual([]);
    expect(gen.warnings).toEqual([
      'objective half (target 0.5): the ticket alert at 2x over 3d/6h needs an error ratio above 100%, which can never happen; dropped',
    ]);
  });

  it('warns once that a low objective has no page alert, naming each impossible pair', () => {
    // Target 0.9, budget 0.1: 14.4 x 0.1 = 1.44 and 6 x 0.1 = 0.6 -> the fast page pair is impossible, the slow one stays.
    const kept = generate({ objectives: [{ id: 'low', operation: { type: 'download' }, success: { target: 0.9 } }] });
    expect(kept.warnings).toEqual(['objective low (target 0.9): the page alert at 14.4x over 1h/5m needs an error ratio above 144%, which can never happen; dropped']);
    // Target 0.8, budget 0.2: 14.4 x 0.2 = 2.88, 6 x 0.2 = 1.2 -> no page pair left.
    const none = generate({ objectives: [{ id: 'low', operation: { type: 'download' }, success: { target: 0.8 } }] });
    expect(none.warnings).toEqual([
      'objective low (target 0.8): the page alert at 14.4x over 1h/5m needs an error ratio above 288%, which can never happen; dropped',
      'objective low (target 0.8): the page alert at 6x over 6h/30m needs an error ratio above 120%, which can never happen; dropped',
      'objective low (target 0.8) has no page alert: every page window is impossible for so low a target',
    ]);
    expect(alertsOf(none, 'LowBudgetBurn').map((a) => a.labels.severity)).toEqual(['ticket', 'ticket']);
  });

  it('layers labels: objective labels < severity name < per-severity labels < the series labels; annotations override', () => {
    const gen = generate({
      objectives: [{
        ...SUCCESS,
        alerting: {
          labels: { team: 'core', severity: 'mine', slo: 'hijack' },
          annotations: { runbook_url: 'https://wiki/dl' },
          page: { labels: { severity: 'sev1', pager: 'yes' } },
          ticket: { for: '15m' },
        },
      }],
    });
    const [page, , ticket] = alertsOf(gen, 'DlBudgetBurn');
    expect(page!.labels).toEqual({ team: 'core', severity: 'sev1', pager: 'yes', service: 'svc', slo: 'dl', sli: 'success', long_window: '1h', short_window: '5m', burn_factor: '14.4' });
    expect(page!.for).toBeUndefined();
    expect('for' in page!).toBe(false);
    expect(ticket!.labels.severity).toBe('ticket');
    expect(ticket!.for).toBe('15m');
    expect(page!.annotations.runbook_url).toBe('https://wiki/dl');
  });
});

describe('an objective without alert settings (ObjectiveThreshold.alerting is optional)', () => {
  it('gets the default name, the severity names and no for:, as one whose settings are all empty', () => {
    const gen = generate({ objectives: [SUCCESS] });
    const { alerting, ...bare } = gen.thresholds.objectives[0]!;
    expect(alerting).toEqual({ labels: {}, annotations: {}, page: { labels: {} }, ticket: { labels: {} } });
    const warnings: string[] = [];
    const burns = burnAlerts(gen.context, bare, gen.windows, warnings);
    expect(burns.map((a) => [a.alert, a.labels.severity, 'for' in a])).toEqual([
      ['DlBudgetBurn', 'page', false],
      ['DlBudgetBurn', 'page', false],
      ['DlBudgetBurn', 'ticket', false],
      ['DlBudgetBurn', 'ticket', false],
    ]);
    expect(burns[0]!.labels).toEqual({ severity: 'page', service: 'svc', slo: 'dl', sli: 'success', long_window: '1h', short_window: '5m', burn_factor: '14.4' });
    expect(Object.keys(burns[0]!.annotations)).toEqual(['summary', 'description', 'runbook_url']);
    expect(warnings).toEqual([]);
    expect(absentAlert(gen.context, bare).labels).toEqual({ severity: 'ticket', service: 'svc', slo: 'dl', sli: 'success' });
  });
});

describe('absent alerts', () => {
  it('select the objective\'s operations, and a raw-PromQL objective\'s total query at 5m', () => {
    const gen = generate({
      objectives: [
        { id: 'any', operation: { type: 'download' }, success: { target: 0.99 } },
        { id: 'q', promql: { totalQuery: ' sum(rate(t[{{.window}}])) ', goodQuery: 'sum(rate(g[{{.window}}]))', target: 0.99 } },
      ],
      alerting: { absentFor: '7m', severities: { page: 'p1', ticket: 'p3' } },
    });
    expect(alertsOf(gen, 'AnyMetricsAbsent')).toEqual([{
      alert: 'AnyMetricsAbsent',
      expr: 'absent(perfkit_operation_duration_seconds_count{job="svc",operation_type="download"})',
      for: '7m',
      labels: { severity: 'p3', service: 'svc', slo: 'any', sli: 'success' },
      annotations: {
        summary: 'svc: no download metrics for objective any',
        description: 'Prometheus has seen no perfkit_operation_duration_seconds series for download for 7m; any cannot be evaluated and its burn-rate alerts cannot fire.',
        runbook_url: 'docs/runbooks/any-metrics-absent.md',
      },
      source: expect.objectContaining({ kind: 'absent' }),
    }]);
    const [q] = alertsOf(gen, 'QMetricsAbsent');
    expect(q!.expr).toBe('absent(sum(rate(t[5m])))');
    expect(q!.annotations.summary).toBe('svc: no series for objective q');
    expect(q!.annotations.description).toBe('Prometheus has returned nothing for the total query of q for 7m; q cannot be evaluated and its burn-rate alerts cannot fire.');
  });

  it('name the operation when the objective has one', () => {
    const [a] = alertsOf(generate({ objectives: [SUCCESS] }), 'DlMetricsAbsent');
    expect(a!.annotations.description).toContain('series for download fetch for 10m');
  });
});

describe('limit alerts', () => {
  it('compare above or below the limit, show ratios as percentages and delays as seconds, and select the guard', () => {
    const gen = generate({
      resources: { diskFree: { min: 0.2, for: '2m' }, eventLoopDelay: { max: 0.25, for: '1m' } },
      guards: [{ name: 'pool', utilization: { max: 0.5, for: '30s' } }],
    });
    expect(alertsOf(gen, 'HostDiskFreeLow')).toEqual([{
      alert: 'HostDiskFreeLow',
      expr: '1 - system_filesystem_utilization_ratio{job="svc"} < 0.2',
      for: '2m',
      labels: { severity: 'ticket', service: 'svc', limit: 'disk-free' },
      annotations: {
        summary: 'svc: free share of a filesystem below 20%',
        description: 'The free share of a filesystem is {{ $value | humanizePercentage }}, below the limit of 20%, for more than 2m.',
        runbook_url: 'docs/runbooks/host-disk-free-low.md',
      },
      source: expect.objectContaining({ kind: 'limit' }),
    }]);
    const [loop] = alertsOf(gen, 'EventLoopDelayHigh');
    expect(loop!.expr).toBe('nodejs_eventloop_delay_p99_seconds{job="svc"} > 0.25');
    expect(loop!.annotations).toMatchObject({
      summary: 'svc: event-loop delay p99 above 0.25s',
      description: 'The event-loop delay p99 is {{ $value | humanizeDuration }}, above the limit of 0.25s, for more than 1m.',
    });
    const [guard] = alertsOf(gen, 'GuardUtilizationHigh');
    expect(guard!.expr).toBe('perfkit_guard_utilization_ratio{job="svc",guard="pool"} > 0.5');
    expect(guard!.labels).toEqual({ severity: 'ticket', service: 'svc', limit: 'guard-pool-utilization', guard: 'pool' });
    expect(guard!.annotations).toMatchObject({
      summary: 'svc: pool utilization (pool) above 50%',
      description: 'The pool utilization of guard pool is {{ $value | humanizePercentage }}, above the limit of 50%, for more than 30s.',
    });
  });

  it('are named per resource', () => {
    expect(['cpu', 'memory', 'diskFree', 'gpuUtilization', 'gpuMemory', 'eventLoopDelay', 'guardQueueWait', 'guardUtilization'].map((r) => limitAlertName(r as never))).toEqual([
      'HostCpuHigh',
      'HostMemoryHigh',
      'HostDiskFreeLow',
      'GpuUtilizationHigh',
      'GpuMemoryHigh',
      'EventLoopDelayHigh',
      'GuardQueueWaitHigh',
      'GuardUtilizationHigh',
    ]);
  });
});
