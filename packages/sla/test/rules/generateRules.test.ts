import { generateRules, parseSlaSpec } from '@perfkit/sla';

function setup(target: number, extra: Record<string, unknown> = {}) {
  return generateRules(
    parseSlaSpec({
      service: 'svc',
      objectives: [{ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target } }],
      resources: { memory: { max: 0.85 } },
      ...extra,
    }),
  );
}
const burns = (gen: ReturnType<typeof setup>) => gen.alerts.filter((a) => a.source.kind === 'burn');

describe('generateRules', () => {
  it('writes four burn pairs, page and ticket, for a 99.5% objective', () => {
    const gen = setup(0.995);
    expect(burns(gen).map((a) => `${a.labels.severity}:${a.labels.long_window}/${a.labels.short_window}`)).toEqual([
      'page:1h/5m',
      'page:6h/30m',
      'ticket:1d/2h',
      'ticket:3d/6h',
    ]);
    // 13.44 x 0.005 = 0.0672 (28 days, 2% of the budget in 1 h)
    expect(burns(gen)[0]!.expr).toContain('> 0.0672\n');
    expect(gen.warnings).toEqual([]);
  });

  it('drops, with a warning, a page pair that could never fire for a 90% objective and keeps the one that can', () => {
    const gen = setup(0.9);
    expect(burns(gen).map((a) => a.labels.burn_factor)).toEqual(['5.6', '2.8', '0.9333']);
    expect(gen.warnings.join('\n')).toMatch(/13\.44x over 1h\/5m needs an error ratio above 134\.4%, which can never happen/);
  });

  it('warns that an objective has no page alert when every page pair is impossible', () => {
    const gen = setup(0.5);
    expect(burns(gen).every((a) => a.labels.severity === 'ticket')).toBe(true);
    expect(gen.warnings.join('\n')).toContain('dl (target 0.5) has no page alert');
  });

  it('guards every burn alert with the minimum traffic, unless minEvents is 0', () => {
    expect(burns(setup(0.99)).every((a) => /perfkit:slo_requests:rate\w+\{[^}]*\} \* \d+ >= 10$/.test(a.expr))).toBe(true);
    expect(burns(setup(0.99, { alerting: { minEvents: 0 } })).some((a) => a.expr.includes('slo_requests'))).toBe(false);
  });

  it('gives every alert a summary, a description and a runbook URL, and limit alerts a for: duration', () => {
    const gen = setup(0.99, { alerting: { runbookBaseUrl: 'https://runbooks.example/' } });
    for (const a of gen.alerts) {
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      expect(a.annotations.description.length).toBeGreaterThan(20);
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/runbooks\.example\/[a-z-]+\.md$/);
    }
    expect(gen.alerts.find((a) => a.alert === 'HostMemoryHigh')!.for).toBe('10m');
    expect(gen.alerts.find((a) => a.alert === 'DlMetricsAbsent')!.expr).toBe(
      'absent(perfkit_operation_duration_seconds_count{job="svc",operation_type="download",operation_name="fetch"})',
    );
  });

  it('records the latency good ratio from the exact bucket, matching both le spellings', () => {
    const gen = generateRules(parseSlaSpec({ service: 'svc', objectives: [{ id: 'lat', operation: { type: 'model_operation' }, latency: { threshold: 2, target: 0.99 } }] }));
    const good = gen.groups[0]!.rules.find((r) => 'record' in r && r.record === 'perfkit:slo_latency_good:ratio_rate5m')!;
    expect(good.expr).toContain('le=~"2|2[.]0"');
  });

  it('escapes hostile label values from the spec', () => {
    const gen = setup(0.99, { service: 'a"b\\c', selector: { job: 'x"y' } });
    expect(burns(gen)[0]!.expr).toContain('service="a\\"b\\\\c"');
    expect(gen.groups[0]!.rules[0]!.expr).toContain('job="x\\"y"');
  });

  it('selects the service\'s own job when the spec has no selector, and nothing more with an explicit empty one', () => {
    expect(generateRules(parseSlaSpec({ service: 'api', objectives: [{ id: 'x', operation: { type: 'download' }, success: { target: 0.99 } }] })).context.selector).toEqual({ job: 'api' });
    expect(setup(0.99, { selector: {} }).context.selector).toEqual({});
  });

  it('records the error budget over the whole window from interval increases, in a group with its own interval', () => {
    const gen = setup(0.99, { window: '30d' });
    const budget = gen.groups.find((g) => g.name.endsWith(':budget'))!;
    expect(budget.interval).toBe('5m');
    const text = budget.rules.map((r) => ('record' in r ? `${r.record} = ${r.expr}` : '')).join('\n');
    expect(text).toContain('perfkit:slo_events:increase5m = sum(increase(perfkit_operation_duration_seconds_count{job="svc",operation_type="download",operation_name="fetch"}[5m]))');
    expect(text).toContain('sum_over_time(perfkit:slo_bad_events:increase5m{service="svc",slo="dl",sli="success"}[30d])');
    expect(text).toContain('perfkit:slo_error_budget_remaining:ratio_period = 1 - perfkit:slo_errors:ratio_period{service="svc",slo="dl",sli="success"} / 0.01');
  });

  it('adds per-objective labels, annotations, severity names and for: per pair', () => {
    const gen = setup(0.999, {
      window: '30d',
      alerting: { severities: { page: 'critical', ticket: 'warning' } },
      objectives: [{
        id: 'dl', operation: { type: 'download' }, success: { target: 0.999 },
        alerting: { name: 'DlHighErrorRate', labels: { team: 'core', severity: 'ignored' }, annotations: { summary: 'custom' }, page: { for: '2m', labels: { routing_key: 'core' } }, ticket: { for: '10m', labels: { severity: 'slack' } } },
      }],
    });
    const [page, , ticket] = burns(gen);
    expect(page).toMatchObject({ alert: 'DlHighErrorRate', for: '2m', labels: { severity: 'critical', team: 'core', routing_key: 'core', slo: 'dl' }, annotations: { summary: 'custom' } });
    expect(ticket).toMatchObject({ for: '10m', labels: { severity: 'slack', team: 'core' } });
    expect(gen.alerts.find((a) => a.alert === 'DlMetricsAbsent')!.labels.severity).toBe('warning');
    expect(gen.alerts.find((a) => a.alert === 'HostMemoryHigh')!.labels.severity).toBe('warning');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(setup(0.99))).toBe(JSON.stringify(setup(0.99)));
  });

  it('names its groups after the service with every character outside [a-zA-Z0-9_-] replaced, recording first', () => {
    const gen = setup(0.99, { service: 'my api.v2/é' });
    expect(gen.groups.map((g) => g.name)).toEqual([
      'perfkit-sla:my_api_v2__:recording',
      'perfkit-sla:my_api_v2__:budget',
      'perfkit-sla:my_api_v2__:objectives',
      'perfkit-sla:my_api_v2__:limits',
    ]);
    expect(gen.groups.map((g) => g.interval)).toEqual([undefined, '5m', undefined, undefined]);
  });

  it('keeps the spec\'s order of objectives, raw-PromQL ones included, and writes only the groups it has rules for', () => {
    const gen = generateRules(parseSlaSpec({
      service: 'svc',
      objectives: [
        { id: 'c', operation: { type: 'download' }, success: { target: 0.99 } },
        { id: 'b', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.99 } },
        { id: 'a', operation: { type: 'download' }, latency: { threshold: 1, target: 0.99 } },
      ],
    }));
    expect(gen.objectives.map((o) => o.id)).toEqual(['c', 'b', 'a']);
    expect(gen.groups.map((g) => g.name.split(':').pop())).toEqual(['recording', 'budget', 'objectives']);
    expect([...new Set(gen.alerts.map((a) => a.alert))]).toEqual(['CBudgetBurn', 'CMetricsAbsent', 'BBudgetBurn', 'BMetricsAbsent', 'ABudgetBurn', 'AMetricsAbsent']);
    const limitsOnly = generateRules(parseSlaSpec({ service: 'svc', resources: { cpu: { max: 0.9 } } }));
    expect(limitsOnly.groups.map((g) => g.name)).toEqual(['perfkit-sla:svc:limits']);
    expect(limitsOnly.alerts.map((a) => a.alert)).toEqual(['HostCpuHigh']);
  });

  it('hands the alert builders the spec\'s alerting settings, durations in seconds', () => {
    const gen = setup(0.99, { window: '7d', alerting: { minEvents: 3, absentFor: '15m', runbookBaseUrl: 'https://rb', budgetInterval: '10m', severities: { page: 'p', ticket: 't' } } });
    expect(gen.context).toEqual({
      service: 'svc',
      window: '7d',
      windowSeconds: 604_800, // 7 x 86400
      selector: { job: 'svc' },
      minEvents: 3,
      absentFor: '15m',
      runbookBaseUrl: 'https://rb',
      severities: { page: 'p', ticket: 't' },
      budgetIntervalSeconds: 600,
    });
  });
});
