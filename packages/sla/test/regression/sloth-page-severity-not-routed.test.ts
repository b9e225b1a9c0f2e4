/*
 * Regression: an objective's own severity label (`alerting.page.labels.severity`, which `perfkit-sla import --from
 * sloth` writes from Sloth's `page_alert.labels`) was written into the rules, but the generated Alertmanager config
 * routed and inhibited only on `alerting.severities` ("page", "ticket"). The imported getting-started fixture's
 * pages (severity="pageteam") went to the default receiver, not the page one, and never muted their ticket
 * (severity="slack"). Verdicts come from amtool and a real Alertmanager, fed the labels of the generated alerts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerConfig, generateRules, importSpec, parseSlaSpec, type SlaSpec } from '@perfkit/sla';
import { errorOf } from '../errorOf';
import { waitFor, withAlertmanager } from '../realAlertmanager';

function setup() {
  const fixture = join(__dirname, '../fixtures/sloth/getting-started.yml');
  const spec: SlaSpec = parseSlaSpec(importSpec('sloth', readFileSync(fixture, 'utf8'), fixture).spec);
  const yaml = stringify(alertmanagerConfig(spec));
  const file = join(mkdtempSync(join(tmpdir(), 'perfkit-sla-sev-')), 'alertmanager.yml');
  writeFileSync(file, yaml);
  const burns = generateRules(spec).alerts.filter((a) => a.source.kind === 'burn');
  const route = (labels: Record<string, string>) =>
    execFileSync('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  return { spec, yaml, burns, route };
}

describe('regression: sloth page severity not routed', () => {
  it('routes every page and ticket the rules write to its receiver, whatever severity the objective names', () => {
    const { burns, route } = setup();
    // The fixture's page_alert and ticket_alert labels, as the rules carry them.
    expect(new Set(burns.map((a) => `${a.source.kind === 'burn' ? a.source.window.severity : ''}:${a.labels.severity}`))).toEqual(new Set(['page:pageteam', 'ticket:slack']));
    for (const a of burns) {
      const tier = a.source.kind === 'burn' ? a.source.window.severity : '';
      expect(`${a.labels.severity} -> ${route({ ...a.labels, alertname: a.alert })}`).toBe(`${a.labels.severity} -> perfkit-${tier}`);
    }
    // The spec-wide names still route, and anything else falls to the default receiver.
    expect(route({ severity: 'page' })).toBe('perfkit-page');
    expect(route({ severity: 'ticket' })).toBe('perfkit-ticket');
    expect(route({ severity: 'pageteamx' })).toBe('perfkit-default');
  });

  it('lets the objective\'s page mute its ticket in a real Alertmanager', async () => {
    const { yaml, burns } = setup();
    const page = burns.find((a) => a.labels.severity === 'pageteam')!;
    const ticket = burns.find((a) => a.labels.severity === 'slack')!;
    await withAlertmanager(yaml, async (am) => {
      await am.post([{ labels: { ...page.labels, alertname: page.alert } }, { labels: { ...ticket.labels, alertname: ticket.alert } }]);
      await waitFor(async () => (await am.alerts()).some((a) => a.labels.severity === 'slack' && a.status.state === 'suppressed'));
      const held = await am.alerts();
      expect(held.find((a) => a.labels.severity === 'pageteam')!.status.state).toBe('active');
    });
  }, 30_000);

  it('refuses an objective severity that is also the other tier\'s, naming the field, the value and the allowed ones', () => {
    const err = errorOf(() =>
      parseSlaSpec({
        service: 'svc',
        objectives: [
          { id: 'dl', operation: { type: 'download' }, success: { target: 0.99 }, alerting: { page: { labels: { severity: 'ticket' } } } },
        ],
      }),
    );
    expect(err.field).toBe('objectives[dl].alerting.page.labels.severity');
    expect(err.value).toBe('ticket');
    expect(err.message).toContain('expected none of [ticket]');
  });
});
