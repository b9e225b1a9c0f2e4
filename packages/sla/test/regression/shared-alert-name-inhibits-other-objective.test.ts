/*
 * Regression: two objectives may share a burn-rate alert name (`alerting.name`, e.g. Pyrra's single
 * `ErrorBudgetBurn`), and the generated Alertmanager inhibit rule matched on `equal: [alertname, service]` only: a
 * page of one objective muted the tickets of every other objective with that name. Checked on a real Alertmanager
 * with the labels of the generated alerts: the paging objective's ticket is muted, the other objective's is not.
 * The shared name's runbook also described the first objective only (its target, queries and causes) while listing
 * the other's thresholds under it.
 */
import { stringify } from 'yaml';
import { alertmanagerConfig, generateFiles, generateRules, OUTPUT_PATHS, parseSlaSpec } from '@perfkit/sla';
import { waitFor, withAlertmanager } from '../realAlertmanager';

function setup() {
  const spec = parseSlaSpec({
    service: 'svc',
    objectives: [
      { id: 'download', operation: { type: 'download' }, success: { target: 0.99 }, alerting: { name: 'ErrorBudgetBurn' } },
      { id: 'generate', operation: { type: 'model_operation' }, latency: { threshold: '2s', target: 0.95 }, alerting: { name: 'ErrorBudgetBurn' } },
    ],
  });
  const alerts = generateRules(spec).alerts;
  const pick = (slo: string, severity: string) => {
    const a = alerts.find((x) => x.labels.slo === slo && x.labels.severity === severity && x.source.kind === 'burn')!;
    return { labels: { ...a.labels, alertname: a.alert } };
  };
  return { yaml: stringify(alertmanagerConfig(spec)), pick, runbook: generateFiles(spec).files[`${OUTPUT_PATHS.runbooks}/error-budget-burn.md`]! };
}

describe('regression: shared alert name inhibits other objective', () => {
  it('mutes only the paging objective\'s ticket when two objectives share the alert name', async () => {
    const { yaml, pick } = setup();
    await withAlertmanager(yaml, async (am) => {
      await am.post([pick('download', 'page'), pick('download', 'ticket'), pick('generate', 'ticket')]);
      const state = async (slo: string, severity: string) =>
        (await am.alerts()).find((a) => a.labels.slo === slo && a.labels.severity === severity)?.status.state;
      // The same objective's ticket is muted (so the inhibitor has seen the page) ...
      await waitFor(async () => (await state('download', 'ticket')) === 'suppressed');
      // ... and the other objective's ticket is still delivered.
      expect(await state('generate', 'ticket')).toBe('active');
      expect(await state('download', 'page')).toBe('active');
    });
  }, 30_000);

  it('writes one runbook section per objective that shares the alert name, each with its own numbers and queries', () => {
    const { runbook } = setup();
    const sections = runbook.split(/^## /m).slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual(['objective download', 'objective generate']);
    const [download, generate] = sections as [string, string];
    // Page thresholds, 13.44x the budget over 1h/5m: 13.44% for the 99% objective, 67.2% for the 95% one.
    expect(download).toContain('| page | 1h / 5m | 13.44x | 13.44% | 2% |');
    expect(download).not.toContain('67.2%');
    expect(generate).toContain('| page | 1h / 5m | 13.44x | 67.2% | 2% |');
    expect(generate).toContain('perfkit:slo_requests:rate1h{service="svc",slo="generate"}');
    expect(generate).toContain('histogram_quantile(0.99');
  });
});
