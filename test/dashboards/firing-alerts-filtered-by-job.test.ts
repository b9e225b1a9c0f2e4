import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { dashboardFiles } from '../../grafana/src';
import { promtoolTestRules } from '../helpers/promtool';
import { loadDashboards, panelQueries, substitute, TEST_VARIABLES } from './dashboardQueries';

/**
 * The overview's "Firing alerts" stat counted `ALERTS{service=~"$service"}`, but `$service` is the scrape job (the
 * variable lists `target_info`'s jobs and starts on the spec's selector job) while the generated alerts carry the
 * spec's service name as `service`, and no `job`. For a spec whose service and job differ (service `api`, job
 * `api-prod`) the stat read 0 while four burn-rate alerts fired. It now counts the spec's own service's alerts, as the
 * SLO dashboard's alert list does. Judged by promtool evaluating the panel's query, with the variable as Grafana fills
 * it, over ALERTS series written by hand.
 */
const SPEC = parseSlaSpec({
  service: 'api',
  selector: { job: 'api-prod' },
  objectives: [{ id: 'download', operation: { type: 'download' }, success: { target: 0.99 } }],
});

function firingAlertsQuery(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-firing-alerts-'));
  try {
    const { files } = generateFiles(SPEC, { dashboards: dashboardFiles });
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const queries = panelQueries({ overview: loadDashboards(path.join(dir, OUTPUT_PATHS.dashboards))['perfkit-overview.json']! });
    return queries.find((q) => q.panel === 'Firing alerts')!.expr;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The value promtool computes for `expr` at 1m over `series` (each `{labels}` constant 1), checked against `expected`. */
function promtoolValue(expr: string, series: readonly string[], expected: number): { ok: boolean; output: string } {
  return promtoolTestRules([{
    interval: '1m',
    input_series: series.map((s) => ({ series: s, values: '1x5' })),
    promql_expr_test: [{ expr, eval_time: '1m', exp_samples: [{ labels: '{}', value: expected }] }],
  }]);
}

describe('firing alerts filtered by job', () => {
  const firing = (alertname: string, severity: string, service = 'api') =>
    `ALERTS{alertname="${alertname}",alertstate="firing",service="${service}",slo="download",severity="${severity}"}`;
  const alerts = [
    firing('DownloadSuccessBudgetBurn', 'page'),
    firing('DownloadSuccessBudgetBurn', 'ticket'),
    'ALERTS{alertname="DownloadSuccessBudgetBurn",alertstate="pending",service="api",slo="download",severity="ticket"}',
    firing('OtherServiceBurn', 'page', 'billing'),
  ];

  it("counts the spec service's firing alerts with the service variable on the selector's job", () => {
    // Grafana fills $service with the job it lists (target_info's), here the spec's selector job.
    const expr = substitute(firingAlertsQuery(), { ...TEST_VARIABLES, service: 'api-prod' });
    const run = promtoolValue(expr, alerts, 2);
    expect([expr, run.output]).toEqual([expr, expect.stringContaining('SUCCESS')]);
    expect(run.ok).toBe(true);
  });

  it('reads 0, not nothing, when none fires', () => {
    const expr = substitute(firingAlertsQuery(), { ...TEST_VARIABLES, service: 'api-prod' });
    expect(promtoolValue(expr, [firing('OtherServiceBurn', 'page', 'billing')], 0).ok).toBe(true);
  });

  it('writes a service name holding a quote or a backslash as a PromQL string that matches it', () => {
    // The dashboards' eq() wrote the name between quotes as it was: `service="shop "eu" \ 1"` does not parse.
    const spec = parseSlaSpec({ service: 'shop "eu" \\ 1', objectives: [{ id: 'download', operation: { type: 'download' }, success: { target: 0.99 } }] });
    const { files } = generateFiles(spec, { dashboards: dashboardFiles });
    const series = ['ALERTS{alertname="A",alertstate="firing",service="shop \\"eu\\" \\\\ 1"}', 'ALERTS{alertname="B",alertstate="firing",service="shop"}'];
    for (const file of ['perfkit-overview.json', 'perfkit-slo.json']) {
      const dashboard = JSON.parse(files[`${OUTPUT_PATHS.dashboards}/${file}`]!) as Parameters<typeof panelQueries>[0][string];
      const expr = substitute(panelQueries({ [file]: dashboard }).find((q) => q.panel === 'Firing alerts')!.expr);
      const run = promtoolValue(`count(${expr})`, series, 1);
      expect([file, expr, run.output]).toEqual([file, expr, expect.stringContaining('SUCCESS')]);
    }
  });
});
