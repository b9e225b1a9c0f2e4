import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerConfig, parseSlaSpec } from '@perfkit/sla';

const setup = (alertmanager: Record<string, unknown> = {}) => alertmanagerConfig(parseSlaSpec({ service: 'svc', alertmanager }));

describe('alertmanagerConfig', () => {
  it('routes page and ticket to their receivers and lets a page inhibit the ticket of the same alert, service and objective', () => {
    const cfg = setup({ webhookUrl: 'http://hooks.example/all', pageWebhookUrl: 'http://hooks.example/page' }) as any;
    expect(cfg.route.routes.map((r: any) => `${r.matchers[0]}->${r.receiver}`)).toEqual([
      'severity="page"->perfkit-page',
      'severity="ticket"->perfkit-ticket',
    ]);
    expect(cfg.inhibit_rules).toEqual([
      { source_matchers: ['severity="page"'], target_matchers: ['severity="ticket"'], equal: ['alertname', 'service', 'slo'] },
    ]);
    const urls = Object.fromEntries(cfg.receivers.map((r: any) => [r.name, r.webhook_configs[0].url]));
    expect(urls).toEqual({ 'perfkit-default': 'http://hooks.example/all', 'perfkit-page': 'http://hooks.example/page', 'perfkit-ticket': 'http://hooks.example/all' });
    expect(cfg.receivers.every((r: any) => r.webhook_configs[0].send_resolved === true)).toBe(true);
  });

  it('passes amtool check-config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfkit-am-'));
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, stringify(setup({ groupWait: '1s', groupInterval: '2s' })));
    expect(execFileSync('amtool', ['check-config', file], { encoding: 'utf8' })).toContain('SUCCESS');
  });

  it('refuses a webhook that is not a URL', () => {
    expect(() => setup({ webhookUrl: 'not a url' })).toThrow(/alertmanager\.webhookUrl/);
  });
});
