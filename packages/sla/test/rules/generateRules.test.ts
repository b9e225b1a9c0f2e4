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
    expect(burns(gen)[0]!.expr).toContain('> 0.072');
    expect(gen.warnings).toEqual([]);
  });

  it('drops, with a warning, a page pair that could never fire for a 90% objective and keeps the one that can', () => {
    const gen = setup(0.9);
    expect(burns(gen).map((a) => a.labels.burn_factor)).toEqual(['6', '3', '1']);
    expect(gen.warnings.join('\n')).toMatch(/14\.4x over 1h\/5m needs an error ratio of 1\.44, which can never happen/);
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
      'absent(perfkit_operation_duration_seconds_count{operation_type="download",operation_name="fetch"})',
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

  it('is deterministic', () => {
    expect(JSON.stringify(setup(0.99))).toBe(JSON.stringify(setup(0.99)));
  });
});
