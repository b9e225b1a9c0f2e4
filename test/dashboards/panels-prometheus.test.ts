import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateFiles, loadSlaSpec, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { dashboardFiles } from '../../grafana/src';
import { REPO_ROOT, startExample, startPrometheus, waitFor, type PromSample, type StartedExample, type StartedPrometheus } from '../helpers';
import { loadDashboards, panelQueries, ruleExpressions, substitute, variableQueries, type PanelQuery } from './dashboardQueries';

/**
 * Panels allowed to return nothing, and why. Everything else must return data from a Prometheus that scraped the
 * example (with failure knobs up and a fake nvidia-smi standing in for a GPU) and evaluated the SLA rules.
 */
const MAY_BE_EMPTY: Readonly<Record<string, string>> = {
  'perfkit-slo.json / Firing alerts': 'empty whenever no alert fires, which is the normal state',
};

/** One fake GPU, in the nvidia-smi CSV format the host package reads. */
const FAKE_GPU = '0, GPU-6b9d3c1e-0000-4000-8000-000000000001, NVIDIA H100 80GB HBM3, 37, 20480, 81559, 41, 187.5, 1755';

/**
 * The example spec with a 30-day window under another service name (same job): its rules and dashboards come from
 * `generateFiles` with the Grafana builder, as `perfkit-sla generate --out` writes them for a user's spec.
 */
const VARIANT_SERVICE = 'model-service-30d';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-dashboards-30d-'));
function variantFiles(): { rules: string; dashboards: string } {
  const base = loadSlaSpec(path.join(REPO_ROOT, 'examples/sla.yaml'));
  const spec = parseSlaSpec({
    service: VARIANT_SERVICE,
    window: '30d',
    selector: { job: 'model-service' },
    objectives: base.objectives,
    alerting: { minEvents: 1, budgetInterval: '10s', runbookBaseUrl: base.alerting.runbookBaseUrl },
  });
  const { files } = generateFiles(spec, { dashboards: dashboardFiles });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  }
  return { rules: path.join(tmp, OUTPUT_PATHS.rules), dashboards: path.join(tmp, OUTPUT_PATHS.dashboards) };
}

/** A committed rule file with the error-budget group evaluated every 10 s instead of 5 min, so the test sees it. */
function quickBudget(file: string): string {
  const copy = path.join(tmp, `committed-${path.basename(file)}`);
  fs.writeFileSync(copy, fs.readFileSync(file, 'utf8').replace(/^(\s+)interval: 5m$/m, '$1interval: 10s'));
  return copy;
}

/**
 * A limited container for the host dashboard's container panels: the cgroup v2 fixture's container directory
 * (1.5-core quota, PSI files) with a 400 MiB memory.max, and cpu.stat counters this test advances as the kernel
 * would (periods pass, some throttled), so rates over them are numbers, not 0/0.
 */
function fakeContainer(): { dir: string; stop: () => void } {
  const dir = path.join(tmp, 'cgroup-ctr');
  fs.cpSync(path.join(REPO_ROOT, 'packages/host/test/fixtures/cgroup/v2/kubepods/pod1/ctr'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'memory.max'), '419430400\n');
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    fs.writeFileSync(path.join(dir, 'cpu.stat'), `usage_usec ${8_123_456 + tick * 120_000}\nnr_periods ${2000 + tick * 2}\nnr_throttled ${150 + tick}\nthrottled_usec ${3_400_000 + tick * 5000}\n`);
  }, 250);
  timer.unref();
  return { dir, stop: () => clearInterval(timer) };
}
const cgroup = fakeContainer();

describe('every dashboard panel against a real Prometheus', () => {
  let example: StartedExample;
  let prometheus: StartedPrometheus;
  const variant = variantFiles();
  const variantDashboards = loadDashboards(variant.dashboards);
  const variantQueries = panelQueries({ 'perfkit-slo.json': variantDashboards['perfkit-slo.json']!, 'perfkit-overview.json': variantDashboards['perfkit-overview.json']! });
  const queries: PanelQuery[] = panelQueries(loadDashboards());
  const key = (q: PanelQuery) => `${q.dashboard} / ${q.panel}`;

  beforeAll(async () => {
    example = await startExample({
      traffic: 40,
      knobs: { downloadFailureRate: 0.5, healthCorruptionRate: 0.3, generateFailureRate: 0.1 },
      backgroundIntervalMs: 300,
      env: {
        PERFKIT_HOST_INTERVAL_MS: '500',
        PERFKIT_HOST_IO_INTERVAL_MS: '1000',
        PERFKIT_HOST_GPU: 'nvidia-smi',
        PERFKIT_HOST_GPU_INTERVAL_MS: '500',
        PERFKIT_HOST_NVIDIA_SMI_PATH: path.join(REPO_ROOT, 'packages/host/test/fixtures/fake-nvidia-smi.js'),
        FAKE_SMI_LINES: FAKE_GPU,
        PERFKIT_HOST_CGROUP_PATH: cgroup.dir,
      },
    });
    const ruleFiles = [...new Set(ruleExpressions().map((r) => quickBudget(path.join(REPO_ROOT, 'prometheus', 'rules', r.file)))), variant.rules];
    prometheus = await startPrometheus({ scrapeTargets: [example.metrics], ruleFiles });
    await prometheus.waitForTargets();
  }, 150_000);

  afterAll(async () => {
    await prometheus?.stop();
    await example?.stop();
    cgroup.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the SLA rules without errors', async () => {
    const data = await prometheus.api<{ groups: Array<{ rules: Array<{ health: string; lastError?: string; name: string }> }> }>('rules');
    const rules = data.groups.flatMap((g) => g.rules);
    expect(rules.length).toBe(ruleExpressions().length + ruleExpressions(path.dirname(variant.rules)).length);
    await waitFor(async () => {
      const again = await prometheus.api<typeof data>('rules');
      const bad = again.groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
      if (bad.length) throw new Error(JSON.stringify(bad.slice(0, 3)));
      return true;
    }, 20_000, 500);
  });

  it('returns data for every panel query with its variables substituted (except the listed ones)', async () => {
    const empty = new Map<string, string>();
    const pending = new Set(queries);
    // Panels fill in as the example's traffic, health checks, fallbacks and rule evaluations accumulate.
    await waitFor(async () => {
      for (const q of [...pending]) {
        const result: PromSample[] = await prometheus.query(substitute(q.expr));
        const hasData = result.some((s) => Number.isFinite(Number(s.value[1])));
        if (hasData) pending.delete(q);
        else empty.set(key(q), q.expr);
      }
      return [...pending].every((q) => key(q) in MAY_BE_EMPTY);
    }, 60_000, 1000).catch(() => undefined);
    const unexpected = [...pending].filter((q) => !(key(q) in MAY_BE_EMPTY)).map((q) => `${key(q)}: ${substitute(q.expr)}`);
    expect(unexpected).toEqual([]);
  }, 90_000);

  it('returns data for every panel of the dashboards generated for a 30-day spec, from the rules generated with them', async () => {
    const pending = new Set(variantQueries);
    await waitFor(async () => {
      for (const q of [...pending]) {
        const result: PromSample[] = await prometheus.query(substitute(q.expr));
        if (result.some((s) => Number.isFinite(Number(s.value[1])))) pending.delete(q);
      }
      return [...pending].every((q) => key(q) in MAY_BE_EMPTY);
    }, 60_000, 1000).catch(() => undefined);
    expect([...pending].filter((q) => !(key(q) in MAY_BE_EMPTY)).map((q) => `${key(q)}: ${substitute(q.expr)}`)).toEqual([]);
    // Its SLO panels read its own series only: service="model-service-30d", never the 28-day rules' ones.
    const slo = variantQueries.filter((q) => q.expr.includes('perfkit:slo_'));
    expect(slo.length).toBeGreaterThan(5);
    for (const q of slo) expect(q.expr).toContain(`service="${VARIANT_SERVICE}"`);
  }, 90_000);

  it('returns values for every dashboard variable', async () => {
    for (const v of variableQueries(loadDashboards())) {
      const result = await prometheus.query(substitute(v.selector));
      const values = new Set(result.map((s) => s.metric[v.label]).filter(Boolean));
      expect([v.dashboard, v.name, values.size > 0]).toEqual([v.dashboard, v.name, true]);
    }
    const services = await prometheus.query('target_info');
    expect(services.map((s) => s.metric.job)).toContain('model-service');
  });

  it('lists only panels that exist as allowed to be empty', () => {
    const all = new Set(queries.map(key));
    for (const name of Object.keys(MAY_BE_EMPTY)) expect(all).toContain(name);
  });

  it('shows the fake GPU on the GPU panels, per device', async () => {
    const gpu = queries.find((q) => q.panel === 'GPU utilization')!;
    const result = await waitFor(async () => {
      const r = await prometheus.query(substitute(gpu.expr));
      return r.length ? r : undefined;
    }, 20_000, 500);
    expect(Number(result[0]!.value[1])).toBeCloseTo(0.37, 5);
    expect(Object.values(result[0]!.metric)).toContain('NVIDIA H100 80GB HBM3');
  });
});
