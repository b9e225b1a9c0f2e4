import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { generateFiles, OUTPUT_PATHS, parseSlaSpec, type GeneratedFiles } from '@perfkit/sla';
import {
  REPO_ROOT,
  startAlertmanager,
  startExample,
  startPrometheus,
  waitFor,
  type StartedAlertmanager,
  type StartedExample,
  type StartedPrometheus,
} from '../helpers';
import { startWebhook, type WebhookAlert, type WebhookReceiver } from './webhook';

// The example spec with the SLO window scaled down to 4h: the fastest page pair reads 21s/5s, the second
// 2m9s/11s, so a burn shows within seconds and stops within seconds. Everything else is the committed spec.
const WINDOW = '4h';

function testSpec(webhook: string) {
  const raw = parse(fs.readFileSync(path.join(REPO_ROOT, 'examples/sla.yaml'), 'utf8')) as Record<string, any>;
  return parseSlaSpec({
    ...raw,
    window: WINDOW,
    alerting: { ...raw.alerting, minWindow: '5s', minEvents: 5, absentFor: '1m', budgetInterval: '10s' },
    alertmanager: {
      webhookUrl: `${webhook}/default`,
      pageWebhookUrl: `${webhook}/page`,
      ticketWebhookUrl: `${webhook}/ticket`,
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
      resolveTimeout: '5m',
    },
  });
}

function writeFiles(dir: string, files: GeneratedFiles['files']): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

const tool = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe' });

describe('generated SLA rules with real Prometheus and Alertmanager', () => {
  let dir: string;
  let webhook: WebhookReceiver;
  let example: StartedExample;
  let alertmanager: StartedAlertmanager;
  let prometheus: StartedPrometheus;
  let downloads: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfkit-sla-e2e-'));
    webhook = await startWebhook();
    writeFiles(dir, generateFiles(testSpec(webhook.url), { source: `examples/sla.yaml (window ${WINDOW})` }).files);
    // At rest: the example's default knobs (issue 15: the example must be green at rest).
    example = await startExample({ traffic: 5, timeoutMs: 60_000 }); // the example's own default rate
    alertmanager = await startAlertmanager({ configYaml: fs.readFileSync(path.join(dir, OUTPUT_PATHS.alertmanager), 'utf8') });
    prometheus = await startPrometheus({
      scrapeTargets: [example.metrics],
      ruleFiles: [path.join(dir, OUTPUT_PATHS.rules)],
      alertmanagerUrl: alertmanager.url,
      evalInterval: '1s',
      scrapeInterval: '1s',
    });
    // Downloads are 4% of the example's own traffic; a steady trickle keeps the download SLO above minEvents.
    const models = (await (await fetch(`${example.app}/models`)).json()) as unknown;
    const names = JSON.stringify(models).match(/"name":"([^"]+)"/g)?.map((m) => m.slice(8, -1)) ?? [];
    let inFlight = 0;
    downloads = setInterval(() => {
      if (inFlight >= 8 || names.length === 0) return;
      inFlight++;
      fetch(`${example.app}/models/${encodeURIComponent(names[inFlight % names.length]!)}/download`, { method: 'POST' })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined)
        .finally(() => inFlight--);
    }, 150);
    downloads.unref();
  }, 150_000);

  afterAll(async () => {
    clearInterval(downloads);
    await Promise.allSettled([prometheus?.stop(), alertmanager?.stop(), example?.stop()]);
    await webhook?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes promtool check/test rules and amtool check-config on the committed and the scaled-down files', () => {
    for (const root of [REPO_ROOT, dir]) {
      expect(tool('promtool', 'check', 'rules', path.join(root, OUTPUT_PATHS.rules))).toContain('SUCCESS');
      const files = [OUTPUT_PATHS.tests, OUTPUT_PATHS.windowTests, OUTPUT_PATHS.limitTests].filter((f) => fs.existsSync(path.join(root, f)));
      const tests = tool('promtool', 'test', 'rules', ...files.map((f) => path.join(root, f)));
      expect(tests.match(/SUCCESS/g)).toHaveLength(files.length);
      expect(tool('amtool', 'check-config', path.join(root, OUTPUT_PATHS.alertmanager))).toContain('SUCCESS');
    }
  });

  it('lets a page inhibit the ticket of the same alert and service, and not of another alert', async () => {
    const alert = (alertname: string, severity: string) => ({
      labels: { alertname, severity, service: 'model-service', probe: 'inhibition' },
      annotations: { summary: `${alertname} ${severity}` },
    });
    const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert('InhibitionProbe', 'page'), alert('InhibitionProbe', 'ticket'), alert('OtherProbe', 'ticket')]),
    });
    expect(res.ok).toBe(true);
    const delivered = (name: string, path: string) =>
      webhook.notifications.some((n) => n.path === path && n.alerts.some((a) => a.labels.alertname === name));
    await waitFor(() => delivered('InhibitionProbe', '/page') && delivered('OtherProbe', '/ticket'), 20_000);
    const held = await alertmanager.alerts();
    const ticket = held.find((a) => a.labels.alertname === 'InhibitionProbe' && a.labels.severity === 'ticket')!;
    expect(ticket.status.state).toBe('suppressed');
    expect(delivered('InhibitionProbe', '/ticket')).toBe(false);
  }, 30_000);

  it('fires the download and generate page alerts when the knobs inject failures, and resolves them when they stop', async () => {
    const pages = (status: 'firing' | 'resolved', alertname: string): WebhookAlert[] =>
      webhook.notifications.flatMap((n) => (n.path === '/page' ? n.alerts : [])).filter((a) => a.status === status && a.labels.alertname === alertname);

    // Healthy first, at rest (default knobs and traffic rate): traffic flows, the recorded ratios exist, nothing pages.
    await prometheus.waitForTargets();
    await waitFor(async () => (await prometheus.query('perfkit:slo_requests:rate2m9s{slo="download-success"} > 0')).length === 1, 30_000);
    await waitFor(async () => (await prometheus.query('perfkit:slo_requests:rate2m9s{slo="generate-latency"} > 0')).length === 1, 30_000);
    await new Promise((r) => setTimeout(r, 10_000));
    // Pages only: the slow 0.93x ticket pair, scaled to 2m9s/25m43s and read over a minute of data, also hears a
    // machine's scheduling noise (seen on a 2-core box at load 30: generate timeouts above 0.93% for a minute).
    expect(await prometheus.query('ALERTS{alertstate="firing",severity="page"}')).toEqual([]);
    const rules = parse(fs.readFileSync(path.join(dir, OUTPUT_PATHS.rules), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
    const queueWait = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'GuardQueueWaitHigh')!;
    // Logged, not asserted: right after start-up the workers' first load queues requests, and on a 2-core box at
    // load 20-30 this read 0.95-1.7 s; a quiet machine is what the limit is for.
    console.log(`at rest, guard queue-wait p99 above its limit: ${JSON.stringify((await prometheus.query(queueWait.expr)).map((r) => r.value[1]))}`);
    expect(pages('firing', 'DownloadSuccessBudgetBurn')).toEqual([]);

    await example.setKnobs({ downloadFailureRate: 1, generateDelayMs: 2500 });
    await waitFor(() => pages('firing', 'DownloadSuccessBudgetBurn').length > 0 && pages('firing', 'GenerateLatencyBudgetBurn').length > 0, 90_000, 500);

    const download = pages('firing', 'DownloadSuccessBudgetBurn')[0]!;
    expect(download.labels).toMatchObject({ severity: 'page', service: 'model-service', slo: 'download-success', sli: 'success' });
    // 4h scales the 28-day windows, so the factors are 28 days': 13.44 and 5.6.
    expect(download.labels.burn_factor).toMatch(/^(13\.44|5\.6)$/);
    expect(download.annotations.summary).toBe(`model-service: download-success is burning its error budget ${download.labels.burn_factor}x too fast`);
    expect(download.annotations.description).toMatch(/^Model weight downloads succeed\. The error ratio is [\d.]+% over \w+ and above/);
    expect(download.annotations.runbook_url).toBe('https://github.com/perfkit/perfkit/blob/main/docs/runbooks/download-success-budget-burn.md');
    const latency = pages('firing', 'GenerateLatencyBudgetBurn')[0]!;
    expect(latency.labels).toMatchObject({ severity: 'page', service: 'model-service', slo: 'generate-latency', sli: 'latency' });
    expect(latency.annotations.description).toContain('share of slow operations');

    await example.setKnobs({ downloadFailureRate: 0, generateDelayMs: 0 });
    await waitFor(() => pages('resolved', 'DownloadSuccessBudgetBurn').length > 0 && pages('resolved', 'GenerateLatencyBudgetBurn').length > 0, 90_000, 500);
    expect(pages('resolved', 'DownloadSuccessBudgetBurn')[0]!.labels.slo).toBe('download-success');
  }, 200_000);

  it('records the error budget over the window, and says how long each rule group takes to evaluate', async () => {
    const remaining = await waitFor(async () => {
      const r = await prometheus.query('perfkit:slo_error_budget_remaining:ratio_period{slo="generate-latency"}');
      return r.length ? r : undefined;
    }, 60_000, 1000);
    expect(Number(remaining[0]!.value[1])).toBeLessThanOrEqual(1);
    // Prometheus' own prometheus_rule_group_last_duration_seconds and _interval_seconds, as its rules API reports them.
    const data = await prometheus.api<{ groups: Array<{ name: string; interval: number; evaluationTime: number }> }>('rules');
    const byGroup = Object.fromEntries(data.groups.map((g) => [g.name, { seconds: g.evaluationTime, interval: g.interval }]));
    // Evaluation cost is measured, not asserted (speed belongs in bench/); the figures go to the log and the README.
    console.log(`rule group evaluation: ${JSON.stringify(byGroup)}`);
    const budget = data.groups.find((g) => g.name.endsWith(':budget'))!;
    expect(budget.interval).toBe(10);
    expect(budget.evaluationTime).toBeGreaterThan(0);
  }, 90_000);
});
