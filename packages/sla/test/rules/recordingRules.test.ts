import { generateRules, parseSlaSpec } from '@perfkit/sla';

const COUNT = 'perfkit_operation_duration_seconds_count';
const BUCKET = 'perfkit_operation_duration_seconds_bucket';

/** The rules of one objective as `record = expr` lines, per group ('recording' or 'budget'). */
function rules(objective: Record<string, unknown>, group: 'recording' | 'budget', extra: Record<string, unknown> = {}) {
  const gen = generateRules(parseSlaSpec({ service: 'svc', window: '30d', objectives: [objective], ...extra }));
  const g = gen.groups.find((x) => x.name === `perfkit-sla:svc:${group}`)!;
  for (const r of g.rules) expect('record' in r && r.labels).toEqual({ service: 'svc', slo: objective.id, sli: expect.any(String) });
  return { lines: g.rules.map((r) => ('record' in r ? `${r.record} = ${r.expr}` : '')), group: g };
}

describe('objective recording rules', () => {
  it('record the request rate and the error ratio of a success objective per window, with no failure series read as 0', () => {
    const { lines } = rules({ id: 'dl', operation: { type: 'download', name: 'fetch' }, success: { target: 0.999, badOutcomes: ['timeout', 'failure'] } }, 'recording');
    const sel = 'job="svc",operation_type="download",operation_name="fetch"';
    expect(lines.slice(0, 2)).toEqual([
      `perfkit:slo_requests:rate5m = sum(rate(${COUNT}{${sel}}[5m]))`,
      `perfkit:slo_errors:ratio_rate5m = (sum(rate(${COUNT}{${sel},operation_outcome=~"timeout|failure"}[5m])) or vector(0))\n/\nsum(rate(${COUNT}{${sel}}[5m]))`,
    ]);
    // The seven distinct windows of the standard catalogue, two rules each, then the two constants.
    expect(lines.filter((l) => l.startsWith('perfkit:slo_requests:rate')).map((l) => l.split(' ')[0])).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `perfkit:slo_requests:rate${w}`),
    );
    // 1 - 0.999 is 0.0010000000000000009 in doubles; the rule says 0.001.
    expect(lines.slice(-2)).toEqual(['perfkit:slo_objective:ratio = vector(0.999)', 'perfkit:slo_error_budget:ratio = vector(0.001)']);
    expect(lines).toHaveLength(7 * 2 + 2);
  });

  it('record a latency objective\'s good ratio from the bucket at the threshold and its error ratio as the rest', () => {
    const { lines } = rules({ id: 'lat', operation: { type: 'model_operation' }, latency: { threshold: 0.25, target: 0.95 } }, 'recording', { selector: {} });
    expect(lines.slice(0, 3)).toEqual([
      `perfkit:slo_requests:rate5m = sum(rate(${COUNT}{operation_type="model_operation"}[5m]))`,
      `perfkit:slo_latency_good:ratio_rate5m = sum(rate(${BUCKET}{operation_type="model_operation",le="0.25"}[5m]))\n/\nsum(rate(${COUNT}{operation_type="model_operation"}[5m]))`,
      'perfkit:slo_errors:ratio_rate5m = 1 - perfkit:slo_latency_good:ratio_rate5m{service="svc",slo="lat",sli="latency"}',
    ]);
    expect(lines).toHaveLength(7 * 3 + 2);
  });

  it('set the window into a raw-PromQL objective\'s queries: error over total, or 1 - good over total', () => {
    const errors = rules({ id: 'e', promql: { totalQuery: ' sum(rate(t[{{.window}}])) ', errorQuery: 'sum(rate(e[{{.window}}])) / 1', target: 0.99 } }, 'recording').lines;
    expect(errors.slice(0, 2)).toEqual([
      'perfkit:slo_requests:rate5m = (sum(rate(t[5m])))',
      // An absent error query reads 0 while the total has traffic (no error yet is a ratio of 0, not a missing one).
      'perfkit:slo_errors:ratio_rate5m = ((sum(rate(e[5m])) / 1) or (0 * (sum(rate(t[5m])))))\n/\n(sum(rate(t[5m])))',
    ]);
    const good = rules({ id: 'g', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', goodQuery: 'sum(rate(g[{{.window}}]))', target: 0.99 } }, 'recording').lines;
    expect(good.slice(2, 4)).toEqual([
      'perfkit:slo_requests:rate30m = (sum(rate(t[30m])))',
      // An absent good query reads 0 while the total has traffic (a total outage must not be silent).
      'perfkit:slo_errors:ratio_rate30m = 1 - (\n((sum(rate(g[30m]))) or (0 * (sum(rate(t[30m])))))\n/\n(sum(rate(t[30m])))\n)',
    ]);
    expect(good).toHaveLength(7 * 2 + 2);
  });
});

describe('error-budget recording rules', () => {
  const period = (slo: string, sli: string) =>
    `perfkit:slo_errors:ratio_period = sum_over_time(perfkit:slo_bad_events:increase10m{service="svc",slo="${slo}",sli="${sli}"}[30d])\n/\n` +
    `sum_over_time(perfkit:slo_events:increase10m{service="svc",slo="${slo}",sli="${sli}"}[30d])`;

  it('count a success objective\'s events and bad events per interval and sum them over the window', () => {
    const { lines, group } = rules({ id: 'dl', operation: { type: 'download' }, success: { target: 0.98 } }, 'budget', { alerting: { budgetInterval: '10m' } });
    const sel = 'job="svc",operation_type="download"';
    expect(group.interval).toBe('10m');
    expect(lines).toEqual([
      `perfkit:slo_events:increase10m = sum(increase(${COUNT}{${sel}}[10m]))`,
      `perfkit:slo_bad_events:increase10m = sum(increase(${COUNT}{${sel},operation_outcome=~"failure|timeout|rejected|resource_exceeded"}[10m])) or vector(0)`,
      period('dl', 'success'),
      // Budget 1 - 0.98 = 0.02 (0.020000000000000018 in doubles).
      'perfkit:slo_error_budget_remaining:ratio_period = 1 - perfkit:slo_errors:ratio_period{service="svc",slo="dl",sli="success"} / 0.02',
    ]);
  });

  it('count a latency objective\'s bad events as all events less those within the threshold', () => {
    const { lines } = rules({ id: 'lat', operation: { type: 'x' }, latency: { threshold: 1, target: 0.9 } }, 'budget', { alerting: { budgetInterval: '10m' } });
    const sel = 'job="svc",operation_type="x"';
    expect(lines[1]).toBe(
      `perfkit:slo_bad_events:increase10m = sum(increase(${COUNT}{${sel}}[10m])) - (sum(increase(${BUCKET}{${sel},le=~"1|1[.]0"}[10m])) or vector(0))`,
    );
    expect(lines[2]).toBe(period('lat', 'latency'));
  });

  it('turn a raw-PromQL objective\'s rates into interval counts: rate x 600 s', () => {
    const spec = { alerting: { budgetInterval: '10m' } };
    const errors = rules({ id: 'e', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', errorQuery: 'sum(rate(e[{{.window}}]))', target: 0.99 } }, 'budget', spec).lines;
    expect(errors.slice(0, 2)).toEqual(['perfkit:slo_events:increase10m = (sum(rate(t[10m]))) * 600', 'perfkit:slo_bad_events:increase10m = ((sum(rate(e[10m]))) or (0 * (sum(rate(t[10m]))))) * 600']);
    const good = rules({ id: 'g', promql: { totalQuery: 'sum(rate(t[{{.window}}]))', goodQuery: 'sum(rate(g[{{.window}}]))', target: 0.99 } }, 'budget', spec).lines;
    expect(good[1]).toBe('perfkit:slo_bad_events:increase10m = ((sum(rate(t[10m]))) - ((sum(rate(g[10m]))) or (0 * (sum(rate(t[10m])))))) * 600');
    expect(good[2]).toBe(period('g', 'promql'));
  });
});
