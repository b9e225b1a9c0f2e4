import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportOpenSlo, generateFiles, generateRules, importSpec, loadSlaSpec, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';

const FIXTURES = join(__dirname, '../fixtures/sloth');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/**
 * What Sloth generates for a 30-day period (examples/_gen/getting-started.yml): per severity, two window pairs
 * with factor x error budget, the budget written as Sloth computes it (1 - 99.9/100 = 0.0009999999999999432).
 */
const SLOTH_30D = [
  { severity: 'page', short: '5m', long: '1h', factor: 14.4 },
  { severity: 'page', short: '30m', long: '6h', factor: 6 },
  { severity: 'ticket', short: '2h', long: '1d', factor: 3 },
  { severity: 'ticket', short: '6h', long: '3d', factor: 1 },
] as const;
const slothBudget = (objective: number) => 1 - objective / 100;

function setup(name: string) {
  const imported = importSpec('sloth', fixture(name), name);
  const spec = parseSlaSpec(imported.spec);
  return { imported, spec, gen: generateRules(spec) };
}

/** Each burn alert as `severity short/long > threshold` with the threshold read back from the expression. */
function pairsOf(gen: ReturnType<typeof generateRules>, slo: string) {
  return gen.alerts
    .filter((a) => a.source.kind === 'burn' && a.labels.slo === slo)
    .map((a) => {
      const [, short, t1, long, t2] = /ratio_rate(\w+)\{[^}]*\} > ([\d.e-]+)\nand\n\S+ratio_rate(\w+)\{[^}]*\} > ([\d.e-]+)/.exec(a.expr)!;
      expect(t1).toBe(t2);
      return { alert: a.alert, tier: a.source.kind === 'burn' ? a.source.window.severity : '', short, long, threshold: Number(t1), labels: a.labels, for: a.for };
    });
}

describe('importSpec (Sloth prometheus/v1, the examples in Sloth\'s repository)', () => {
  it.each([
    ['getting-started.yml', 'requests-availability', 99.9, 'MyServiceHighErrorRate'],
    ['kubernetes-apiserver.yml', 'requests-availability', 99.9, 'K8sApiserverAvailabilityAlert'],
    ['kubernetes-apiserver.yml', 'requests-latency', 99, 'K8sApiserverLatencyAlert'],
    ['home-wifi.yml', 'good-wifi-client-satisfaction', 95, 'GoodWifiClientSatisfaction'],
    ['home-wifi.yml', 'risk-wifi-client-satisfaction', 99.9, 'RiskWifiClientSatisfaction'],
  ])('%s %s: the same windows and thresholds as Sloth generates', (file, slo, objective, alert) => {
    const { gen, spec } = setup(file);
    expect(spec.window).toBe('30d');
    const pairs = pairsOf(gen, slo);
    expect(pairs.map((p) => `${p.alert} ${p.tier} ${p.short}/${p.long}`)).toEqual(SLOTH_30D.map((w) => `${alert} ${w.severity} ${w.short}/${w.long}`));
    pairs.forEach((p, i) => expect(p.threshold).toBeCloseTo(SLOTH_30D[i]!.factor * slothBudget(objective), 12));
  });

  it('carries labels, annotations, severities and for: over (getting-started)', () => {
    const { gen, imported } = setup('getting-started.yml');
    const [page, , ticket] = pairsOf(gen, 'requests-availability');
    expect(page!.labels).toMatchObject({ owner: 'myteam', repo: 'myorg/myservice', tier: '2', category: 'availability', severity: 'pageteam', routing_key: 'myteam' });
    expect(ticket!.labels).toMatchObject({ severity: 'slack', slack_channel: '#alerts-myteam' });
    expect([page!.for, ticket!.for]).toEqual(['5m', '10m']);
    expect(gen.alerts[0]!.annotations.summary).toBe("High error rate on 'myservice' requests responses");
    expect(imported.warnings.join('\n')).toContain('slo_plugins');
  });

  it('keeps the raw queries, with the window in place (kubernetes-apiserver latency, home-wifi subqueries)', () => {
    const k8s = setup('kubernetes-apiserver.yml').gen.groups[0]!.rules.find((r) => 'record' in r && r.record === 'perfkit:slo_errors:ratio_rate1h' && r.labels.slo === 'requests-latency')!;
    expect(k8s.expr).toContain('sum(rate(apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"}[1h]))');
    const wifi = setup('home-wifi.yml').gen.groups[0]!.rules.find((r) => 'record' in r && r.record === 'perfkit:slo_errors:ratio_rate6h')!;
    expect(wifi.expr).toContain('sum_over_time((count(unifipoller_client_satisfaction_ratio < 0.75))[6h:]) OR on() vector(0)');
  });

  it.each(['getting-started.yml', 'kubernetes-apiserver.yml', 'home-wifi.yml'])('%s: rules pass promtool check and the generated tests pass promtool test', (file) => {
    const { spec } = setup(file);
    const dir = mkdtempSync(join(tmpdir(), 'perfkit-sla-import-'));
    const { files } = generateFiles(spec);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    expect(execFileSync('promtool', ['check', 'rules', join(dir, OUTPUT_PATHS.rules)], { encoding: 'utf8' })).toContain('SUCCESS');
    const tests = [OUTPUT_PATHS.tests, OUTPUT_PATHS.windowTests].filter((f) => f in files).map((f) => join(dir, f));
    expect(execFileSync('promtool', ['test', 'rules', ...tests], { encoding: 'utf8' }).match(/SUCCESS/g)).toHaveLength(tests.length);
  });

  it('refuses what it cannot carry over, naming the field', () => {
    const raw = fixture('getting-started.yml').replace(/events:\n\s+error_query: .*\n\s+total_query: .*\n/, 'raw:\n        error_ratio_query: x\n');
    expect(errorOf(() => importSpec('sloth', raw)).message).toContain('slos[requests-availability].sli = "raw"');
    expect(errorOf(() => importSpec('sloth', 'version: prometheus/v2\n')).message).toContain('prometheus/v1');
    expect(errorOf(() => importSpec('sloth', 'a: [')).code).toBe('PERFKIT_ERR_SLA_SPEC_FILE');
  });

  it.each([
    ['slos as a string', 'version: prometheus/v1\nservice: s\nslos: x\n'],
    ['an objective as a string', 'version: prometheus/v1\nservice: s\nslos:\n  - name: a\n    objective: "99.9"\n    sli: { events: { error_query: "a[{{.window}}]", total_query: "b[{{.window}}]" } }\n'],
    ['a null document', '~\n'],
    ['two documents', 'version: prometheus/v1\nservice: s\nslos: []\n---\nversion: prometheus/v1\n'],
  ])('refuses hostile input (%s) with a coded error, never a raw one', (_what, text) => {
    expect(errorOf(() => importSpec('sloth', text)).code).toMatch(/^PERFKIT_ERR_/);
  });

  it('turns any SLO name into a valid objective id, and a 10000-character name into 63 characters', () => {
    const text = (name: string) => `version: prometheus/v1\nservice: s\nslos:\n  - name: "${name}"\n    objective: 99\n    sli: { events: { error_query: "a[{{.window}}]", total_query: "b[{{.window}}]" } }\n`;
    const id = (name: string) => (importSpec('sloth', text(name)).spec.objectives as Array<{ id: string }>)[0]!.id;
    expect(id('Requests Availability (5xx)')).toBe('requests-availability-5xx');
    expect(id('9 lives')).toBe('slo-9-lives');
    expect(id('x'.repeat(10_000))).toHaveLength(63);
    expect(parseSlaSpec(importSpec('sloth', text('Ünïcode ✓')).spec).objectives[0]!.id).toBe('n-code');
  });

  it('names the formats it reads for an unknown one', () => {
    expect(errorOf(() => importSpec('pyrra', '')).message).toMatch(/--from = "pyrra": perfkit-sla reads sloth and openslo specs/);
  });
});

describe('importSpec (OpenSLO v1) and exportOpenSlo', () => {
  const OPENSLO = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: availability
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total{code!~"5.."}[{{.window}}]))
    total:
      metricSource:
        type: Prometheus
        spec:
          query: sum(rate(http_requests_total[{{.window}}]))
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
spec:
  service: api
  indicatorRef: availability
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: good
      target: 0.995
`;

  it('reads an SLO with a referenced ratio SLI on Prometheus (good over total)', () => {
    const spec = parseSlaSpec(importSpec('openslo', OPENSLO).spec);
    expect(spec).toMatchObject({ service: 'api', window: '28d' });
    expect(spec.objectives[0]!.promql).toEqual({ target: 0.995, goodQuery: 'sum(rate(http_requests_total{code!~"5.."}[{{.window}}]))', totalQuery: 'sum(rate(http_requests_total[{{.window}}]))' });
    const errors = generateRules(spec).groups[0]!.rules.find((r) => 'record' in r && r.record === 'perfkit:slo_errors:ratio_rate5m')!;
    expect(errors.expr).toBe('1 - (\n((sum(rate(http_requests_total{code!~"5.."}[5m]))) or (0 * (sum(rate(http_requests_total[5m])))))\n/\n(sum(rate(http_requests_total[5m])))\n)');
  });

  it('refuses timeslice budgeting and non-Prometheus sources', () => {
    expect(errorOf(() => importSpec('openslo', OPENSLO.replace('Occurrences', 'Timeslices'))).message).toContain('Occurrences');
    expect(errorOf(() => importSpec('openslo', OPENSLO.replace(/type: Prometheus/g, 'type: Datadog'))).message).toContain('Prometheus metric sources only');
  });

  it('round-trips the example spec: exported, imported back, the same windows and thresholds', () => {
    const original = loadSlaSpec(join(__dirname, '../../../../examples/sla.yaml'));
    const text = exportOpenSlo(original);
    expect(text).toContain('apiVersion: openslo/v1');
    const back = parseSlaSpec(importSpec('openslo', text).spec);
    const shape = (gen: ReturnType<typeof generateRules>) => gen.alerts.filter((a) => a.source.kind === 'burn').map((a) => `${a.labels.slo} ${a.labels.short_window}/${a.labels.long_window} ${a.expr.split('\n')[0]!.split(' > ')[1]}`);
    expect(shape(generateRules(back))).toEqual(shape(generateRules(original)));
  });
});
