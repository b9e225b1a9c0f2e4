import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateRules, loadSlaSpec } from '@perfkit/sla';
import { SLO_RECORDS } from '@perfkit/sla';
import { DEFAULT_SPEC, staleDashboards, writeDashboards } from '../../grafana/src';
import { REPO_ROOT } from '../helpers';
import { loadDashboards, panelQueries } from './dashboardQueries';
import { seriesIn, unitProblem } from './units';

describe('grafana dashboards as code', () => {
  function setup() {
    const dashboards = loadDashboards();
    return { dashboards, queries: panelQueries(dashboards) };
  }

  it('has committed JSON identical to what the TypeScript builds (run npm run build -w grafana when this fails)', () => {
    expect(staleDashboards()).toEqual([]);
  });

  it('reports a dashboard as stale when its JSON was edited by hand, and an extra file as well', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-grafana-'));
    try {
      writeDashboards(dir);
      expect(staleDashboards(dir)).toEqual([]);
      const file = path.join(dir, 'perfkit-overview.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Failure ratio"', '"Failure ratio (edited)"'));
      fs.writeFileSync(path.join(dir, 'stray.json'), '{}');
      expect(staleDashboards(dir).sort()).toEqual(['perfkit-overview.json', 'stray.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the container on the host dashboard: memory vs limit, working set, CPU vs quota, throttling, PSI, OOM events', () => {
    const host = setup().queries.filter((q) => q.dashboard === 'perfkit-host.json');
    const read = (panel: string) => host.filter((q) => q.panel === panel).flatMap((q) => seriesIn(q.expr).map((s) => s.name)).sort();
    expect(read('Container memory vs limit')).toEqual(['container_memory_rss_bytes', 'container_memory_usage_bytes', 'container_memory_working_set_bytes', 'perfkit_container_memory_limit_bytes']);
    expect(read('Container memory utilization')).toEqual(['perfkit_container_memory_utilization_ratio']);
    expect(read('Container CPU vs quota')).toEqual(['container_cpu_usage', 'perfkit_container_cpu_limit']);
    expect(read('Container CPU utilization of quota')).toEqual(['perfkit_container_cpu_utilization_ratio']);
    expect(read('CPU throttling')).toEqual(['perfkit_container_cpu_periods_total', 'perfkit_container_cpu_throttled_periods_total', 'perfkit_container_cpu_throttled_time_seconds_total']);
    expect(read('Pressure stall (avg10)')).toEqual(['perfkit_pressure_stall_avg10_ratio']);
    expect(read('OOM kills and memory-limit hits')).toEqual(['perfkit_container_memory_limit_hits_total', 'perfkit_container_memory_oom_kills_total']);
  });

  it('uses only SLO recording-rule names the SLA package generates', () => {
    const recorded = new Set(generateRules(loadSlaSpec(DEFAULT_SPEC)).groups.flatMap((g) => g.rules.map((r) => ('record' in r ? (r.record as string) : ''))));
    const used = new Set(setup().queries.flatMap((q) => seriesIn(q.expr).filter((s) => s.name.startsWith('perfkit:')).map((s) => s.name)));
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) expect(recorded).toContain(name);
    for (const prefix of Object.values(SLO_RECORDS)) expect([...recorded].some((r) => r.startsWith(prefix))).toBe(true);
  });

  it('gives every panel a unit that matches the unit of the metric it plots', () => {
    const problems = setup().queries.map((q) => [q, unitProblem(q.expr, q.unit)] as const).filter(([, p]) => p).map(([q, p]) => `${q.dashboard} / ${q.panel}: ${p}`);
    expect(problems).toEqual([]);
  });

  it.each([
    ['a latency quantile shown as bytes', 'histogram_quantile(0.9, sum by (le) (rate(perfkit_operation_duration_seconds_bucket[1m])))', 'bytes'],
    ['a byte rate shown as seconds', 'sum(rate(perfkit_download_bytes_total[1m]))', 's'],
    ['a memory gauge shown as a ratio', 'sum(system_memory_usage_bytes)', 'percentunit'],
    ['a ratio gauge shown as bytes', 'sum(system_memory_utilization_ratio)', 'bytes'],
    ['a panel without a unit', 'sum(perfkit_operations_active)', undefined],
  ])('flags %s', (_what, expr, unit) => {
    expect(unitProblem(expr, unit)).toBeDefined();
  });

  it('gives every panel a description and every dashboard the service variable (instance where series have one)', () => {
    for (const [file, d] of Object.entries(setup().dashboards)) {
      const names = d.templating.list.map((v) => v.name);
      // The SLO series are recorded per objective across instances for the spec's service, so that dashboard has only $slo.
      expect([file, names.slice(0, 2)]).toEqual([file, file === 'perfkit-slo.json' ? ['slo'] : ['service', 'instance']]);
      for (const p of (d.panels as Array<{ type: string; title: string; description?: string }>).filter((p) => p.type !== 'row')) {
        expect([file, p.title, (p.description ?? '').length > 10]).toEqual([file, p.title, true]);
      }
    }
  });

  it('gives every panel (rows included) a unique id', () => {
    for (const [file, d] of Object.entries(setup().dashboards)) {
      const ids = (d.panels as Array<{ id?: number }>).map((p) => p.id);
      expect([file, ids.every((id) => Number.isInteger(id) && id! > 0), new Set(ids).size]).toEqual([file, true, ids.length]);
    }
  });

  it('draws each burn-rate panel\'s factor as a threshold line, the factor of its window pair', () => {
    const spec = loadSlaSpec(DEFAULT_SPEC);
    const windows = generateRules(spec).windows;
    const burn = (setup().dashboards['perfkit-slo.json']!.panels as Array<{ title: string; fieldConfig: { defaults: { custom?: { thresholdsStyle?: { mode: string } }; thresholds: { steps: Array<{ value: number | null }> } } } }>).filter((p) => p.title.startsWith('Burn rate '));
    // 28 days: 13.44, 5.6, 2.8, 0.9333 (2/5/10/10% of the budget over 1h, 6h, 1d, 3d), worked out by hand.
    expect(burn.map((p) => p.fieldConfig.defaults.thresholds.steps[1]!.value)).toEqual([13.44, 5.6, 2.8, 0.9333]);
    expect(burn.map((p) => p.title)).toEqual(windows.map((w) => expect.stringContaining(`${w.long} / ${w.short}`)));
    for (const p of burn) expect(p.fieldConfig.defaults.custom!.thresholdsStyle!.mode).toBe('dashed');
  });

  it('colours each objective\'s SLI from its own target, and reads only the spec service\'s SLO series', () => {
    const spec = loadSlaSpec(DEFAULT_SPEC);
    for (const file of ['perfkit-slo.json', 'perfkit-overview.json']) {
      const panels = setup().dashboards[file]!.panels as Array<{ title: string; fieldConfig: { overrides: Array<{ matcher: { options: string }; properties: Array<{ value: { steps: Array<{ value: number | null; color: string }> } }> }> } }>;
      const sli = panels.find((p) => p.title === `SLI over ${spec.window}`)!;
      const byObjective = Object.fromEntries(sli.fieldConfig.overrides.map((o) => [o.matcher.options, o.properties[0]!.value.steps]));
      expect(byObjective).toEqual({
        'download-success': [{ value: null, color: 'red' }, { value: 0.995, color: 'green' }],
        'generate-latency': [{ value: null, color: 'red' }, { value: 0.99, color: 'green' }],
        'generate-success': [{ value: null, color: 'red' }, { value: 0.99, color: 'green' }],
      });
    }
    for (const q of setup().queries.filter((x) => x.expr.includes('perfkit:slo_'))) expect(`${q.panel}: ${q.expr}`).toContain(`service="${spec.service}"`);
  });

  it('refers to the provisioned datasource uid everywhere', () => {
    const provisioning = fs.readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    expect(provisioning).toMatch(/uid: prometheus\n/);
    const uids = new Set([...JSON.stringify(setup().dashboards).matchAll(/"datasource":\{"type":"prometheus","uid":"([^"]+)"\}/g)].map((m) => m[1]));
    const text = Object.values(setup().dashboards).map((d) => JSON.stringify(d)).join('');
    expect(text).toContain('"uid":"prometheus"');
    expect([...uids].every((u) => u === 'prometheus')).toBe(true);
  });
});
